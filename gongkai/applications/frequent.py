"""条例 第四十四条: what a request asks for, compared across cases. Pure: no Django.

:func:`request_key` is the description in NFKC without spaces, punctuation and a leading 申请公开/请提供 …;
two requests for the same information written the same way get the same key (a reworded request is not
matched: the list is a hint, the officer judges). :func:`request_digest` is its SHA-256, stored on each case
(``Application.request_digest``, kept in step by ``save()``) so that the database groups the cases by it
(:func:`gongkai.applications.selectors.frequent_groups`): a description may hold 5,000 characters, too
long for an index, and the normalisation is not the same in SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORDS = re.compile(r"[\W_]+", re.UNICODE)
_REQUEST_VERBS = re.compile(r"^(?:申请|请求|要求|希望)?(?:公开|提供|获取|查询|查阅)")


def request_key(description: str) -> str:
    """What a request asks for (see the module docstring); ``""`` when nothing is left."""
    text = _NOT_WORDS.sub("", unicodedata.normalize("NFKC", description)).lower()
    return _REQUEST_VERBS.sub("", text)


def request_digest(description: str) -> str:
    """The SHA-256 (hex) of :func:`request_key`, or ``""`` when the key is empty (never grouped)."""
    key = request_key(description)
    return hashlib.sha256(key.encode("utf-8")).hexdigest() if key else ""
