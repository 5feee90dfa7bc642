"""The OpenAPI 3.1 description of the open-data API, served at ``/gk/api/openapi.json``.

Written as data, next to the API it describes (:mod:`gongkai.catalogue.api`, ``docs/api.md``);
``tests/catalogue/test_openapi.py`` checks that every path it lists answers and that every URL of the API
(``catalogue_public:api_*`` and the feeds) is listed. Labels and descriptions are in English with the
official Chinese terms beside them, as in ``docs/api.md``.
"""

from __future__ import annotations

from typing import Any

from gongkai.catalogue.models import DocumentType, ItemKind, Validity

#: Where the API is mounted (the OpenAPI ``paths`` are relative to the server's address).
API_PREFIX = "/gk/api"


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _query(name: str, description: str, schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    if example is not None:
        parameter["example"] = example
    return parameter


_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
_JSON = "application/json"

_ITEM_PARAMETERS = [
    _query("agency", "The agency's short code (that agency only, not its subordinates).", {"type": "string"}),
    _query("category", "主题分类 (subject category), by id or exact name.", {"type": "string"}),
    _query(
        "article20",
        "The item of 条例 第二十条 the entry fulfils, 1-15.",
        {"type": "integer", "minimum": 1, "maximum": 15},
    ),
    _query("kind", "Kind of entry.", {"type": "string", "enum": list(ItemKind.values)}),
    _query(
        "document_type",
        "规章, 行政规范性文件 or other.",
        {"type": "string", "enum": list(DocumentType.values)},
    ),
    _query(
        "validity",
        "有效性 (validity) of a document: in force, amended, repealed, expired.",
        {"type": "string", "enum": [v for v in Validity.values if v]},
    ),
    _query("area", "基层政务公开标准目录 area (国办发〔2019〕54号), by code.", {"type": "string"}),
    _query(
        "topic",
        "Standing sub-column: proposal_responses (建议提案办理结果), from_requests (依申请公开转主动公开).",
        {"type": "string", "enum": ["proposal_responses", "from_requests"]},
    ),
    _query("year", "Year of publication (发布日期), 1949-2100.", {"type": "integer"}),
    _query("published_after", "Published on or after this day (inclusive).", _DATE),
    _query("published_before", "Published on or before this day (inclusive).", _DATE),
    _query(
        "q", "Search, at most 100 characters; every word must occur.", {"type": "string", "maxLength": 100}
    ),
    _query(
        "status",
        "published (default) or withdrawn (已撤回: the withdrawn entries, newest withdrawal first; "
        "combines only with agency, page and page_size).",
        {"type": "string", "enum": ["published", "withdrawn"], "default": "published"},
    ),
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _query(
        "page_size",
        "Entries per page.",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    ),
]

_LINK = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "index_number": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "api_url": {"type": "string", "format": "uri"},
    },
}

_AGENCY_REF = {
    "type": "object",
    "properties": {"short_code": {"type": "string"}, "name": {"type": "string"}},
    "required": ["short_code", "name"],
}

_ITEM = {
    "type": "object",
    "description": "A published entry (status published).",
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri"},
        "api_url": {"type": "string", "format": "uri"},
        "status": {"type": "string", "const": "published"},
        "index_number": _string("索引号"),
        "title": _string("名称"),
        "agency": {"$ref": "#/components/schemas/AgencyRef"},
        "publisher": _string("发布机构"),
        "kind": {"type": "string", "enum": list(ItemKind.values)},
        "kind_label": {"type": "string"},
        "document_type": {"type": "string", "enum": list(DocumentType.values)},
        "document_type_label": {"type": "string"},
        "doc_number": _string("文号 (empty if none)"),
        "written_on": _DATE,
        "published_on": _DATE,
        "effective_on": _NULLABLE_DATE,
        "repealed_on": _NULLABLE_DATE,
        "validity": {"type": ["string", "null"], "enum": [*(v for v in Validity.values if v), None]},
        "validity_label": {"type": ["string", "null"]},
        "category": {
            "type": ["object", "null"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
        "article20": {
            "type": ["object", "null"],
            "properties": {"item": {"type": "integer"}, "label": {"type": "string"}},
        },
        "standard_area": {
            "type": ["object", "null"],
            "description": "基层政务公开标准目录 area (国办发〔2019〕54号)",
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        },
        "topic": {"type": ["string", "null"], "enum": ["proposal_responses", "from_requests", None]},
        "disclosure_mode": {"type": "string"},
        "disclosure_mode_label": {"type": "string"},
        "summary": _string("内容概述"),
        "keywords": _string("关键词"),
        "is_ogi_rule": {"type": "boolean"},
        "interprets": {"oneOf": [{"$ref": "#/components/schemas/Link"}, {"type": "null"}]},
        "interpretations": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
        "attachments": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "size": {"type": "integer"},
                    "type": {"type": "string"},
                    "kind": {"type": "string"},
                    "sha256": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        },
        "corrections": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"corrected_on": _DATE, "note": {"type": "string"}},
            },
        },
        "body_html": _string("Only in GET /items/{id}/: the sanitised body."),
    },
    "required": ["id", "url", "api_url", "status", "index_number", "title", "agency"],
}

_WITHDRAWN = {
    "type": "object",
    "description": "A withdrawn entry (已撤回): its index number, title, dates and the reason only.",
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri"},
        "api_url": {"type": "string", "format": "uri"},
        "status": {"type": "string", "const": "withdrawn"},
        "index_number": {"type": "string"},
        "title": {"type": "string"},
        "agency": {"$ref": "#/components/schemas/AgencyRef"},
        "published_on": _NULLABLE_DATE,
        "withdrawn_on": _NULLABLE_DATE,
        "withdrawn_reason": {"type": "string"},
    },
    "required": ["id", "status", "index_number", "title", "agency", "withdrawn_on", "withdrawn_reason"],
}

_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "code": {
                    "type": "string",
                    "enum": [
                        "invalid_parameter",
                        "unknown_parameter",
                        "not_found",
                        "page_out_of_range",
                        "method_not_allowed",
                    ],
                },
                "message": _string("In Chinese."),
                "message_en": _string("In English."),
                "parameters": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "parameter": {"type": "string"},
                            "message": {"type": "string"},
                            "message_en": {"type": "string"},
                        },
                    },
                },
            },
            "required": ["status", "code", "message", "message_en"],
        }
    },
    "required": ["error"],
}


def _json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _error_response(description: str) -> dict[str, Any]:
    return _json_response(description, {"$ref": "#/components/schemas/Error"})


_SHORT_CODE = {
    "name": "short_code",
    "in": "path",
    "required": True,
    "description": "The agency's short code (GET /gk/api/agencies/ lists them).",
    "schema": {"type": "string"},
}

#: Every path of the API (relative to the server), with its GET operation. The feeds are XML.
PATHS: dict[str, dict[str, Any]] = {
    f"{API_PREFIX}/items/": {
        "get": {
            "operationId": "listItems",
            "summary": "Published entries (or withdrawn ones), newest first, paginated and filterable.",
            "parameters": _ITEM_PARAMETERS,
            "responses": {
                "200": _json_response(
                    "A page of entries.",
                    {
                        "type": "object",
                        "properties": {
                            "count": {"type": "integer"},
                            "count_is_lower_bound": {"type": "boolean"},
                            "page": {"type": "integer"},
                            "page_size": {"type": "integer"},
                            "num_pages": {"type": "integer"},
                            "next": {"type": ["string", "null"], "format": "uri"},
                            "previous": {"type": ["string", "null"], "format": "uri"},
                            "results": {
                                "type": "array",
                                "items": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Item"},
                                        {"$ref": "#/components/schemas/WithdrawnItem"},
                                    ]
                                },
                            },
                        },
                    },
                ),
                "400": _error_response("A parameter is not understood, or unknown."),
                "404": _error_response("The page is past the last page."),
                "405": _error_response("Any method but GET and HEAD."),
            },
        }
    },
    f"{API_PREFIX}/items/{{id}}/": {
        "get": {
            "operationId": "getItem",
            "summary": "One entry with its body; a withdrawn one as a notice.",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
            ],
            "responses": {
                "200": _json_response(
                    "The entry.",
                    {
                        "oneOf": [
                            {"$ref": "#/components/schemas/Item"},
                            {"$ref": "#/components/schemas/WithdrawnItem"},
                        ]
                    },
                ),
                "404": _error_response("No such entry, or it is not public."),
                "405": _error_response("Any method but GET and HEAD."),
            },
        }
    },
    f"{API_PREFIX}/agencies/": {
        "get": {
            "operationId": "listAgencies",
            "summary": "Every agency with its contact data and number of published entries.",
            "responses": {
                "200": _json_response(
                    "The agencies, ordered by id (not paginated).",
                    {
                        "type": "object",
                        "properties": {
                            "count": {"type": "integer"},
                            "results": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                ),
                "405": _error_response("Any method but GET and HEAD."),
            },
        }
    },
    f"{API_PREFIX}/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This description of the API (OpenAPI 3.1).",
            "responses": {"200": _json_response("The OpenAPI document.", {"type": "object"})},
        }
    },
    "/gk/{short_code}/feed.rss": {
        "get": {
            "operationId": "getRssFeed",
            "summary": "RSS 2.0: the agency's latest 50 entries, withdrawals as updates.",
            "parameters": [_SHORT_CODE],
            "responses": {
                "200": {"description": "The feed.", "content": {"application/rss+xml": {}}},
                "404": {"description": "No such agency."},
            },
        }
    },
    "/gk/{short_code}/feed.atom": {
        "get": {
            "operationId": "getAtomFeed",
            "summary": "Atom 1.0: the agency's latest 50 entries, withdrawals as updates.",
            "parameters": [_SHORT_CODE],
            "responses": {
                "200": {"description": "The feed.", "content": {"application/atom+xml": {}}},
                "404": {"description": "No such agency."},
            },
        }
    },
}


def document(server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, for a server at ``server_url`` (the site's address, no trailing slash)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gongkai open-data API (开放数据接口)",
            "version": "1",
            "description": (
                "The proactive-disclosure catalogue (主动公开目录) of every agency, read-only: only GET "
                "and HEAD, no key, no cookies. Published entries only; withdrawn ones with their status, "
                "day and reason. See docs/api.md."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {
            "schemas": {
                "Item": _ITEM,
                "WithdrawnItem": _WITHDRAWN,
                "Link": _LINK,
                "AgencyRef": _AGENCY_REF,
                "Error": _ERROR,
            }
        },
    }
