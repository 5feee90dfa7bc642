"""Filters of the public catalogue, shared by the HTML pages (``views_public``) and the JSON API (``api``).

Every filter is a GET parameter, so a filtered list is bookmarkable. Values are read leniently
(full-width digits and surrounding spaces are fine) and checked strictly: a value that is not
understood is reported as a :class:`FilterError` with a Chinese and an English message; the API
answers 400 with it, the HTML page shows it and ignores that filter. Only published entries are ever
filtered (:func:`published_items`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import translation

from gongkai.agencies.models import Agency
from gongkai.catalogue import indexing
from gongkai.catalogue.models import Category, DocumentType, Item, ItemKind, Status, Topic, Validity
from gongkai.catalogue.taxonomy import ARTICLE_20_ITEMS
from gongkai.core.i18n import render
from gongkai.core.messages import N_, Message
from gongkai.statute.standard_areas import STANDARD_AREAS

#: GET parameters understood by :func:`parse` (``agency`` only where allowed).
FILTER_PARAMETERS = (
    "agency",
    "category",
    "article20",
    "kind",
    "document_type",
    "validity",
    "area",
    "topic",
    "year",
    "published_after",
    "published_before",
    "q",
)
#: Longest search query accepted (characters).
MAX_QUERY_CHARS = 100
#: Longest value accepted for any other parameter.
MAX_VALUE_CHARS = 100
MIN_YEAR = 1949
MAX_YEAR = 2100

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGITS = re.compile(r"^\d{1,9}$")


def published_items() -> QuerySet[Item]:
    """Every entry the public may see in lists, search, the API and feeds: published ones only."""
    return Item.objects.filter(status=Status.PUBLISHED)


def of_agency(agency: Agency) -> Q:
    """The entries of ``agency``, its id typed as the column (``bigint``): PostgreSQL's GIN index on
    ``(agency_id, search_vector)`` serves a search inside one agency only through a ``bigint = bigint``
    comparison (``btree_gin`` has no operator for ``bigint = integer``, the type a bare number takes), and
    without it the search read every match of the whole catalogue (issue 16, docs/catalogue.md)."""
    return Q(agency_id=Cast(Value(agency.pk), output_field=BigIntegerField()))


def published_in(agency: Agency) -> QuerySet[Item]:
    """The published entries of ``agency`` (:func:`of_agency`)."""
    return published_items().filter(of_agency(agency))


@dataclass(frozen=True)
class FilterError:
    """What is wrong with one parameter: a message of the catalogue, shown in the reader's language on the
    pages; the JSON API gives it in Chinese (``message``) and in English (``message_en``)."""

    parameter: str
    text: Message

    @property
    def message(self) -> str:
        """In Chinese (the source text)."""
        return str(self.text)

    @property
    def message_en(self) -> str:
        with translation.override("en"):
            return render(self.text)


@dataclass
class Filters:
    agency: Agency | None = None
    category: Category | None = None
    article20: int | None = None
    kind: str = ""
    document_type: str = ""
    #: 有效性 (现行有效 / 已修改 / 已废止 / 已失效): the 政策文件库's filter.
    validity: str = ""
    #: A 基层政务公开标准目录 area code (国办发〔2019〕54号).
    area: str = ""
    #: A standing sub-column (建议提案办理结果, 依申请公开转主动公开).
    topic: str = ""
    year: int | None = None
    published_after: datetime.date | None = None
    published_before: datetime.date | None = None
    q: str = ""
    #: The values as given (normalised), for re-filling the form and building links.
    raw: dict[str, str] = field(default_factory=dict)

    def apply(self, queryset: QuerySet[Item]) -> QuerySet[Item]:
        """``queryset`` filtered: :meth:`narrow`, then searched for ``q`` (when given)."""
        queryset = self.narrow(queryset)
        if self.q:
            queryset = indexing.search(queryset, self.q)
        return queryset

    def narrow(self, queryset: QuerySet[Item]) -> QuerySet[Item]:
        """``queryset`` filtered by everything but the search's words (a search's scope,
        :class:`~gongkai.catalogue.indexing.SearchResults`)."""
        condition = Q()
        if self.agency is not None:
            condition &= of_agency(self.agency)
        if self.category is not None:
            condition &= Q(category=self.category)
        if self.article20 is not None:
            condition &= Q(article20_item=self.article20)
        if self.kind:
            condition &= Q(kind=self.kind)
        if self.document_type:
            condition &= Q(document_type=self.document_type)
        if self.validity:
            condition &= Q(validity=self.validity)
        if self.area:
            condition &= Q(standard_area=self.area)
        if self.topic:
            condition &= Q(topic=self.topic)
        if self.year is not None:
            # A range, not __year, so that the (agency, status, -published_on) index serves it.
            condition &= Q(
                published_on__gte=datetime.date(self.year, 1, 1),
                published_on__lt=datetime.date(self.year + 1, 1, 1),
            )
        if self.published_after is not None:
            condition &= Q(published_on__gte=self.published_after)
        if self.published_before is not None:
            condition &= Q(published_on__lte=self.published_before)
        return queryset.filter(condition)

    @property
    def only_query(self) -> bool:
        """Whether the search's words are the only filter (the column's :class:`~gongkai.catalogue.selectors.
        ColumnSearch`): a query, and nothing :meth:`narrow` would add."""
        # Each condition exactly as narrow() tests it.
        others = (
            self.agency,
            self.category,
            self.article20,
            self.year,
            self.published_after,
            self.published_before,
        )
        texts = (self.kind, self.document_type, self.validity, self.area, self.topic)
        return bool(self.q) and all(value is None for value in others) and not any(texts)

    @property
    def active(self) -> bool:
        return any(
            (
                self.category,
                self.article20,
                self.kind,
                self.document_type,
                self.validity,
                self.area,
                self.topic,
                self.year,
                self.published_after,
                self.published_before,
                self.q,
            )
        )


def clean_value(value: str) -> str:
    """Full-width to half-width (NFKC), control characters (NUL …) dropped, surrounding spaces removed."""
    value = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc").strip()


def _error(parameter: str, template: str, **params: object) -> FilterError:
    return FilterError(parameter, Message(template, params))


def _date(name: str, value: str, errors: list[FilterError]) -> datetime.date | None:
    if _ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(
        _error(
            name,
            N_("参数 %(name)s 应为 YYYY-MM-DD 格式的日期，例如 2025-01-31。"),
            name=name,
        )
    )
    return None


def parse(params: Mapping[str, str], *, allow_agency: bool = False) -> tuple[Filters, list[FilterError]]:
    """The filters in ``params`` (a ``QueryDict`` or dict; the last value of a repeated key counts)."""
    filters = Filters()
    errors: list[FilterError] = []
    for name in FILTER_PARAMETERS:
        if name == "agency" and not allow_agency:
            continue
        raw = params.get(name)
        if raw is None:
            continue
        value = clean_value(str(raw))
        if not value:
            continue
        limit = MAX_QUERY_CHARS if name == "q" else MAX_VALUE_CHARS
        if len(value) > limit:
            errors.append(
                _error(
                    name,
                    N_("参数 %(name)s 过长（最多 %(limit)s 个字符）。"),
                    name=name,
                    limit=limit,
                )
            )
            continue
        filters.raw[name] = value
        _parse_one(filters, name, value, errors)
    if (
        filters.published_after is not None
        and filters.published_before is not None
        and filters.published_after > filters.published_before
    ):
        errors.append(
            _error(
                "published_after",
                N_("published_after 不能晚于 published_before。"),
            )
        )
    for error in errors:
        filters.raw.pop(error.parameter, None)
    return filters, errors


def _parse_one(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    parser = _PARSERS.get(name)
    if parser is not None:
        parser(filters, name, value, errors)


def _parse_agency(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    filters.agency = Agency.objects.filter(short_code=value.lower()).first()
    if filters.agency is None:
        errors.append(
            _error(
                name,
                N_("参数 agency：没有简称代码为“%(value)s”的机关。"),
                value=value,
            )
        )


def _parse_category(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    lookup = Q(pk=int(value)) if _DIGITS.match(value) else Q(name=value)
    filters.category = Category.objects.filter(lookup).first()
    if filters.category is None:
        errors.append(
            _error(
                name,
                N_("参数 category：没有编号或名称为“%(value)s”的主题分类。"),
                value=value,
            )
        )


def _parse_article20(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    number = int(value) if _DIGITS.match(value) else 0
    if number in ARTICLE_20_ITEMS:
        filters.article20 = number
    else:
        errors.append(
            _error(
                name,
                N_("参数 article20 应为 1 至 15 的整数（条例第二十条第一至十五项）。"),
            )
        )


def _parse_kind(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    if value in ItemKind.values:
        filters.kind = value
    else:
        allowed = ", ".join(ItemKind.values)
        errors.append(_error(name, N_("参数 kind 应为以下之一：%(allowed)s。"), allowed=allowed))


def _parse_document_type(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    if value in DocumentType.values:
        filters.document_type = value
    else:
        allowed = ", ".join(DocumentType.values)
        errors.append(
            _error(
                name,
                N_("参数 document_type 应为以下之一：%(allowed)s。"),
                allowed=allowed,
            )
        )


def _parse_validity(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    allowed = [v for v in Validity.values if v]
    if value in allowed:
        filters.validity = value
    else:
        errors.append(
            _error(name, N_("参数 validity 应为以下之一：%(allowed)s。"), allowed=", ".join(allowed))
        )


def _parse_area(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    if value in STANDARD_AREAS:
        filters.area = value
    else:
        errors.append(
            _error(
                name,
                N_("参数 area 应为基层政务公开标准目录领域的代码之一：%(allowed)s。"),
                allowed=", ".join(STANDARD_AREAS),
            )
        )


def _parse_topic(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    allowed = [v for v in Topic.values if v]
    if value in allowed:
        filters.topic = value
    else:
        errors.append(_error(name, N_("参数 topic 应为以下之一：%(allowed)s。"), allowed=", ".join(allowed)))


def _parse_year(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    year = int(value) if re.fullmatch(r"\d{4}", value) else 0
    if MIN_YEAR <= year <= MAX_YEAR:
        filters.year = year
    else:
        errors.append(
            _error(
                name,
                N_("参数 year 应为 %(min)s 至 %(max)s 之间的四位年份。"),
                min=MIN_YEAR,
                max=MAX_YEAR,
            )
        )


def _parse_published_after(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    filters.published_after = _date(name, value, errors)


def _parse_published_before(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    filters.published_before = _date(name, value, errors)


def _parse_q(filters: Filters, name: str, value: str, errors: list[FilterError]) -> None:
    filters.q = value


#: How each parameter of :data:`FILTER_PARAMETERS` is read into :class:`Filters` (errors appended).
_PARSERS: dict[str, Callable[[Filters, str, str, list[FilterError]], None]] = {
    "agency": _parse_agency,
    "category": _parse_category,
    "article20": _parse_article20,
    "kind": _parse_kind,
    "document_type": _parse_document_type,
    "validity": _parse_validity,
    "area": _parse_area,
    "topic": _parse_topic,
    "year": _parse_year,
    "published_after": _parse_published_after,
    "published_before": _parse_published_before,
    "q": _parse_q,
}
