"""The site-wide search of the published entries (every agency, no other filter), in SQL of its own: the JSON
API's ``/gk/api/items/?q=…`` (issue 16).

:class:`SiteSearch` is :class:`~gongkai.catalogue.indexing.RankedSearch` — the same algorithm, so the same
ids in the same order — reading what :class:`~gongkai.catalogue.indexing.SearchResults` reads over
``search(published_items(), query)`` (the candidates, the exact title/文号/索引号 ones apart, their ranks)
with the statements those querysets compiled, written out: compiling them cost more Python than the database
spent on them. Its rows are the caller's (``fetch``: the API reads them by id with their agency).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection

from gongkai.catalogue import indexing
from gongkai.catalogue.models import Status
from gongkai.core import rawrows

T = TypeVar("T")

#: The entries a site-wide search looks in: the published ones (``public_filters.published_items``).
_SCOPE = 'FROM "catalogue_item" WHERE "status" = %s'
#: The public lists' order (``indexing.PUBLIC_ORDER``), the candidates' and the exact ones'.
_ORDER = 'ORDER BY "published_on" DESC, "id" DESC'


class SiteSearch(indexing.StatementSearch[T]):
    """The published entries of every agency that match ``query`` (a query with a searchable word,
    :func:`~gongkai.catalogue.search.is_searchable`), best first: what
    ``SearchResults(search(published_items(), query), query, scope=published_items())`` finds, in the same
    order, with the rows ``fetch`` reads for a slice of the ids (in their order; an id no longer found left
    out)."""

    def __init__(self, query: str, fetch: Callable[[list[int]], list[T]]) -> None:
        condition = indexing.words_sql(query)
        if condition is None:
            raise ValueError("a site-wide search needs a searchable word")
        self.query = query
        self.cap = indexing.SEARCH_WINDOW
        self._words, self._word_params = condition
        self._rank, self._rank_params = indexing.rank_sql(query)
        self._rows = fetch

    def _ranked_sql(self, more: str = "") -> tuple[str, list[Any]]:
        sql = f'SELECT "id", {self._rank} {_SCOPE} AND {self._words}{more} {_ORDER}'
        return sql, [*self._rank_params, Status.PUBLISHED.value, *self._word_params]

    def _candidates(self, limit: int) -> list[tuple[int, int]]:
        # PostgreSQL walks the published entries newest first (catalogue_pub_idx) until `limit` match, or
        # reads a rarer word's matches from the GIN index: its own choice, as for the queryset's statement.
        # On PostgreSQL the exact title/文号/索引号 entries come in the same statement, for the case where
        # more than the window match (StatementSearch._read_with_exact: one round trip; their index's few rows
        # otherwise).
        candidates = f'SELECT "id", {self._rank}, "published_on" {_SCOPE} AND {self._words} {_ORDER} LIMIT %s'
        return self._read_with_exact(
            candidates, [*self._rank_params, Status.PUBLISHED.value, *self._word_params, limit]
        )

    def _exact_statement(self, where: str, params: list[str]) -> tuple[str, list[Any]]:
        # As SearchResults._exact_ids: on PostgreSQL the head keys' index in a subquery kept apart (OFFSET 0),
        # the scope's condition checked on its rows only.
        if connection.vendor == "postgresql":
            sql = (
                f'SELECT "id", "published_on" FROM (SELECT * FROM "catalogue_item" WHERE {where} OFFSET 0) '
                f'"catalogue_item" WHERE "status" = %s {_ORDER} LIMIT %s'
            )
            return sql, [*params, Status.PUBLISHED.value, self.cap]
        sql = f'SELECT "id", "published_on" {_SCOPE} AND {where} {_ORDER} LIMIT %s'
        return sql, [Status.PUBLISHED.value, *params, self.cap]

    def _ranked_among(self, ids: list[int]) -> list[tuple[int, int]]:
        marks = ", ".join(["%s"] * len(ids))
        sql, params = self._ranked_sql(f' AND "id" IN ({marks})')
        return [(int(pk), int(rank)) for pk, rank in rawrows.rows(sql, [*params, *ids])]

    def _fetch(self, ids: list[int]) -> list[T]:
        return self._rows(ids) if ids else []
