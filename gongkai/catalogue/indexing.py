"""Keep entries findable: the stored search texts of an entry, the search, and its ranking (see
``search.py`` for how texts and queries are read).

A search is a filter (:func:`search`: every word of the query, as a phrase) and an order
(:class:`SearchResults`): the newest :data:`SEARCH_WINDOW` matches (newest by the list's own order) are
ranked by where the query occurs — a title, 文号 or 索引号 equal to it, one of them containing it, the
summary or keywords, the rest — and then by that order. The cost is bounded by the window whatever the
size of the catalogue or agency: one query finds the candidates with their rank (ids and two small
numbers), one fetches the rows of the page shown; when more match than the window holds, one more small
query (an index on PostgreSQL) finds the entries whose title, 文号 or 索引号 equals the query, which come
first however old.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, TypeVar, overload

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.html import strip_tags

from gongkai.catalogue.models import Item, Status
from gongkai.catalogue.search import (
    ELSEWHERE,
    EXACT,
    HEAD_MARK,
    IN_HEAD,
    IN_SUMMARY,
    SUMMARY_MARK,
    EntryTexts,
    Word,
    adjacent,
    entry_texts,
    like_escape,
    rank_patterns,
    tsquery_text,
    words,
)
from gongkai.core import pagecache, rawrows

T = TypeVar("T")

#: The newest-first order of the public lists (and of a search's candidates there).
PUBLIC_ORDER = ("-published_on", "-id")


def texts_of(item: Item | Any, attachment_texts: Iterable[str] = ()) -> EntryTexts:
    """The stored search texts of an entry (an ``Item``, or the historical model in a migration)."""
    return entry_texts(
        title=item.title,
        doc_number=item.doc_number,
        index_number=item.index_number or "",
        summary=item.summary,
        keywords=item.keywords,
        rest=[item.publisher, strip_tags(item.body), *attachment_texts],
    )


def searchable_text(item: Item, attachment_texts: Iterable[str] = ()) -> str:
    """Everything an entry is found by (title, 文号, 索引号, summary, keywords, publisher, body, files), as
    it is stored for search."""
    return texts_of(item, attachment_texts).text


_SET_VECTOR = (
    "UPDATE catalogue_item SET search_vector = array_to_tsvector(string_to_array(%s, ' ')) WHERE id = %s"
)


def reindex(item: Item) -> None:
    """Store the entry's search texts (and on PostgreSQL its ``tsvector``). Call after each change."""
    texts = texts_of(item, item.attachments.values_list("text", flat=True))
    Item.objects.filter(pk=item.pk).update(search_text=texts.text, search_head=texts.head)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_SET_VECTOR, [texts.tokens, item.pk])
    if item.status in (Status.PUBLISHED, Status.WITHDRAWN):
        pagecache.bump()  # its searches find it differently: no cached page outlives the change


def reindex_many(entries: Iterable[tuple[Item, Iterable[str]]]) -> None:
    """:func:`reindex` for a batch of saved entries whose files' texts the caller holds (an import's
    batch): their texts written at once (:func:`_store`), the public pages' version bumped once if one of
    them is public."""
    entries = list(entries)
    if not entries:
        return
    _store([(item.pk, texts_of(item, texts)) for item, texts in entries])
    if any(item.status in (Status.PUBLISHED, Status.WITHDRAWN) for item, _texts in entries):
        pagecache.bump()


def rebuild_all(item_model: type[Model], attachment_model: type[Model], *, batch: int = 2000) -> int:
    """Store the search texts of every entry again, in batches (the migration that changed their form
    calls it with the historical models; ``gongkai shell`` may too). Returns the number of entries."""
    done = 0
    last = 0
    while True:
        rows = list(
            item_model.objects.filter(pk__gt=last)  # type: ignore[attr-defined]
            .order_by("pk")
            .only("pk", "title", "doc_number", "index_number", "summary", "keywords", "publisher", "body")[
                :batch
            ]
        )
        if not rows:
            return done
        files: dict[int, list[str]] = {}
        for item_id, text in (
            attachment_model.objects.filter(item_id__in=[r.pk for r in rows])  # type: ignore[attr-defined]
            .order_by("pk")
            .values_list("item_id", "text")
        ):
            files.setdefault(item_id, []).append(text)
        _store([(row.pk, texts_of(row, files.get(row.pk, ()))) for row in rows])
        done += len(rows)
        last = rows[-1].pk


def _store(batch: list[tuple[int, EntryTexts]]) -> None:
    """Write the texts of a batch of entries: on PostgreSQL in one ``UPDATE … FROM unnest(…)`` with their
    ``tsvector`` (a statement per row, or Django's ``bulk_update``, took ~10 ms per entry at 1,000,000)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE catalogue_item AS i SET search_text = v.t, search_head = v.h, "
                "search_vector = array_to_tsvector(string_to_array(v.k, ' ')) "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS v(id, t, h, k) "
                "WHERE i.id = v.id",
                [
                    [pk for pk, _texts in batch],
                    [texts.text for _pk, texts in batch],
                    [texts.head for _pk, texts in batch],
                    [texts.tokens for _pk, texts in batch],
                ],
            )
        else:
            cursor.executemany(
                "UPDATE catalogue_item SET search_text = %s, search_head = %s WHERE id = %s",
                [(texts.text, texts.head, pk) for pk, texts in batch],
            )


def rebuild_search_vectors(**kwargs: object) -> None:
    """After ``gongkai restore`` (the ``core.backup.restored`` signal): on PostgreSQL, the ``tsvector`` of
    every entry that has none — a backup made on SQLite has none to restore."""
    if connection.vendor != "postgresql":
        return
    for item in Item.objects.filter(search_vector__isnull=True).iterator():
        reindex(item)


def search(queryset: QuerySet[Item], query: str) -> QuerySet[Item]:
    """Entries of ``queryset`` containing every word of ``query``, each as a phrase (``search.words``).

    A blank query filters nothing; a query with no searchable term (punctuation or symbols only, see
    :func:`~gongkai.catalogue.search.is_searchable`) finds nothing.

    PostgreSQL narrows with the GIN index on the unigram/bigram ``tsvector``, then checks the words the
    tokens do not prove (``Word.tokens_suffice``) against the text; SQLite checks every word with
    ``LIKE`` on the stored text. Both find the same entries.
    """
    if not query.strip():
        return queryset
    parts = words(query)
    if not parts:
        # Only punctuation or symbols: nothing to look for, so nothing is found (not everything).
        return queryset.none()
    postgres = connection.vendor == "postgresql"
    exact = Q()
    for word in parts:
        if not (postgres and word.tokens_suffice):
            exact &= Q(search_text__contains=word.pattern)
    if postgres:
        tokens = list(dict.fromkeys(token for word in parts for token in word.tokens))
        queryset = queryset.extra(where=["search_vector @@ %s::tsquery"], params=[tsquery_text(tokens)])
    return queryset.filter(exact)


#: The SQL of an entry's search tokens prefixed with its agency's id (``17~开``): migration
#: ``catalogue.0019_search_by_agency_lexemes`` makes the function and indexes it (GIN) on PostgreSQL, and a
#: query must spell it the same to use the index. One key's posting list then holds one agency's matches
#: alone.
AGENCY_LEXEMES_SQL = 'gongkai_agency_lexemes("agency_id", "search_vector")'


#: Whether an entry's search vector and head fit in an index entry (PostgreSQL's B-tree holds at most 2,704
#: bytes): the condition of migration ``catalogue.0020``'s two indexes, the walk's (:data:`WALK_INDEX`: the
#: short entries' vectors and heads, in the agency's newest-first order) and the long entries' (its
#: negation), spelled the same in a query so that PostgreSQL uses them. The function is costed high, so that
#: PostgreSQL reads the index whose condition answers it rather than testing it on each row.
WALK_COVERED_SQL = 'gongkai_walk_covered("search_vector", "search_head")'
#: The index of the entries :data:`WALK_COVERED_SQL` admits, with their vectors and heads (0020).
WALK_INDEX = "catalogue_item_walk_covered"
#: The index of the other entries' keys alone (0020).
WALK_LONG_INDEX = "catalogue_item_walk_long"


def agency_lexeme(agency_id: int, token: str) -> str:
    """A token as :data:`AGENCY_LEXEMES_SQL` keeps it for the entries of agency ``agency_id``."""
    return f"{agency_id}~{token}"


def words_sql(query: str, *, agency_id: int | None = None) -> tuple[str, list[str]] | None:
    """The SQL of :func:`search`'s condition on the words of ``query`` (the same entries, without a
    queryset: :class:`~gongkai.catalogue.selectors.ColumnSearch`), or ``None`` when ``query`` has no
    searchable word. Columns unqualified: for a statement over ``catalogue_item`` alone. With ``agency_id``
    (the statement's rows are that agency's), PostgreSQL matches the tokens through
    :data:`AGENCY_LEXEMES_SQL`'s index, the agency's own posting lists."""
    parts = words(query)
    if not parts:
        return None
    postgres = connection.vendor == "postgresql"
    conditions: list[str] = []
    params: list[str] = []
    if postgres:
        tokens = list(dict.fromkeys(token for word in parts for token in word.tokens))
        if agency_id is None:
            conditions.append('"search_vector" @@ %s::tsquery')
        else:
            conditions.append(f"{AGENCY_LEXEMES_SQL} @@ %s::tsquery")
            tokens = [agency_lexeme(agency_id, token) for token in tokens]
        params.append(tsquery_text(tokens))
    for word in parts:
        if not (postgres and word.tokens_suffice):
            # As Django's ``contains`` lookup spells it (``LIKE``, the pattern escaped, ``\\`` escaping).
            conditions.append("\"search_text\" LIKE %s ESCAPE '\\'")
            params.append(f"%{like_escape(word.pattern)}%")
    return " AND ".join(conditions), params


# --- How frequent a query is (PostgreSQL's statistics): which way to read its newest matches ---------

#: How long the statistics read by :func:`token_frequencies` are kept in the process (seconds).
FREQUENCIES_SECONDS = 600.0
#: The statistics :func:`token_frequencies` and :func:`agency_token_counts` read, each kept with the time
#: it was read (per process; emptied by a test to read them again).
_kept_statistics: dict[str, tuple[float, dict[str, float]]] = {}


def _statistics(name: str, sql: str, params: list[str]) -> dict[str, float]:
    """A column's most common elements in PostgreSQL's statistics (``sql``: their texts, their shares and a
    multiplier, from the last ``ANALYZE``) as ``{element: share × multiplier}``, read at most every
    :data:`FREQUENCIES_SECONDS` per process and kept under ``name``; empty on SQLite or without
    statistics. They choose how a search reads, never what it finds."""
    now = time.monotonic()
    kept = _kept_statistics.get(name)
    if kept is not None and now - kept[0] < FREQUENCIES_SECONDS:
        return kept[1]
    found: dict[str, float] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is not None and row[0] is not None and row[1] is not None and row[2] and row[2] > 0:
            found = {
                str(key): float(share) * float(row[2]) for key, share in zip(row[0], row[1], strict=False)
            }
    _kept_statistics[name] = (now, found)
    return found


def token_frequencies() -> dict[str, float]:
    """The share of entries that have each frequent token (``most_common_elems`` of ``search_vector``):
    :func:`_statistics`. Only the way a search reads is chosen with it (:func:`agency_query_frequency`)."""
    return _statistics(
        "tokens",
        "SELECT most_common_elems::text::text[], most_common_elem_freqs, 1 FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'search_vector'",
        [Item._meta.db_table],
    )


#: The GIN index of :data:`AGENCY_LEXEMES_SQL` (migration ``catalogue.0019_search_by_agency_lexemes``), whose
#: expression PostgreSQL's ``ANALYZE`` keeps statistics of: the most common ``<agency id>~<token>`` keys.
AGENCY_LEXEMES_INDEX = "catalogue_item_agency_lexemes_gin"


def agency_token_counts() -> dict[str, float]:
    """About how many entries have each frequent agency key (``17~开``: the agency's entries with the
    token): the ``most_common_elems`` of :data:`AGENCY_LEXEMES_INDEX`'s expression times the table's rows
    (:func:`_statistics`). Like :func:`token_frequencies`, it chooses how a search reads."""
    return _statistics(
        "agency keys",
        "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
        "FROM pg_stats s, pg_class c WHERE s.schemaname = current_schema() AND s.tablename = %s "
        "AND c.oid = to_regclass(%s)",
        [AGENCY_LEXEMES_INDEX, Item._meta.db_table],
    )


def agency_query_frequency(agency_id: int, query: str, entries: int) -> float:
    """An estimate of the share of agency ``agency_id``'s entries (``entries`` published ones) that match
    ``query``: per word the share of its rarest token (a word's tokens come together: every entry with
    ``公积金`` has ``公积`` and ``积金``), the words taken as independent of each other. A token's share is
    the agency's own where its key is among :func:`agency_token_counts`' (a word common in one agency and
    rare in the others, ``0001`` in ``bench-0001``), else the whole table's (:func:`token_frequencies`); a
    token counted in neither counts as 0. PostgreSQL's own estimate multiplies a word's tokens as if
    independent (``公积 & 积金``: 8 % for a word in 29 % of the entries), and so read every match from the
    index's bitmap instead of walking the newest entries
    (:class:`~gongkai.catalogue.selectors.ColumnSearch`)."""
    shares = token_frequencies()
    counts = agency_token_counts() if entries > 0 else {}
    estimate = 1.0
    for word in words(query):
        least = 1.0
        for token in word.tokens:
            count = counts.get(agency_lexeme(agency_id, token))
            share = min(count / entries, 1.0) if count is not None else shares.get(token, 0.0)
            least = min(least, share)
        estimate *= least if word.tokens else 0.0
    return estimate


# --- What a walked entry costs: its search vector read, in the row or from TOAST -----------------------

#: Search vectors stored in this many bytes or more on average are taken as kept in TOAST: PostgreSQL keeps a
#: row under about 2 kB (``TOAST_TUPLE_THRESHOLD``) by compressing its longest values and moving them to the
#: table's TOAST, where reading one costs an index lookup, a page per ~2 kB chunk and decompressing. (A
#: shorter vector may be moved too, in a row whose body and search text are long: the threshold errs towards
#: the walk, D64's rule.)
TOASTED_BYTES = 2000
#: :func:`agency_vector_bytes` is the average of this many of the agency's newest published entries.
VECTOR_SAMPLE = 32
#: What a walked entry costs, in entries read from the index's bitmap, when the vectors are in TOAST
#: (:func:`walked_entry_cost`).
TOASTED_WALK_COST = 2.0
#: Each agency's :func:`agency_vector_bytes`, kept with the time it was read (per process; emptied by a test).
_kept_vector_bytes: dict[int, tuple[float, float]] = {}


def agency_vector_bytes(agency_id: int) -> float:
    """The average stored size in bytes (``pg_column_size``: compressed, in the row or in TOAST; the
    vectors themselves not read) of the search vectors of agency ``agency_id``'s :data:`VECTOR_SAMPLE`
    newest published entries — those a walk reads (:class:`~gongkai.catalogue.selectors.ColumnSearch`);
    read at most every :data:`FREQUENCIES_SECONDS` per process and agency; 0 on SQLite or for an agency
    without entries. Like the statistics, it chooses how a search reads, never what it finds."""
    now = time.monotonic()
    kept = _kept_vector_bytes.get(agency_id)
    if kept is not None and now - kept[0] < FREQUENCIES_SECONDS:
        return kept[1]
    found = 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT avg(pg_column_size("search_vector")) FROM (SELECT "search_vector" '
                'FROM "catalogue_item" WHERE "agency_id" = CAST(%s AS bigint) AND "status" = %s '
                'ORDER BY "published_on" DESC, "id" DESC LIMIT %s) "newest"',
                [agency_id, Status.PUBLISHED.value, VECTOR_SAMPLE],
            )
            row = cursor.fetchone()
        found = float(row[0]) if row is not None and row[0] is not None else 0.0
    _kept_vector_bytes[agency_id] = (now, found)
    return found


def walked_entry_cost(vector_bytes: float) -> float:
    """What one walked entry costs, counted in entries read from the index's bitmap, for search vectors of
    ``vector_bytes`` stored bytes on average (D65). A walk reads each entry's vector to test the words (and
    its search text for a word its tokens do not settle); the bitmap's entries are matches already (the
    index's keys are exact) and their vectors are not read. In the row the two cost about the same, a random
    heap page each (~1.8 µs on the benchmark's world, whose bodies are ~130 characters: D64's sweep found
    the two plans even where they read as many entries); in TOAST (entries of a few hundred characters
    or more) a walked entry costs 9–27 µs and a bitmap's 0.8–3.9, but the walk stops at the newest
    matches and the share it is chosen by is an estimate: over 600 searches of the 20 largest agencies with
    bodies of 300–8,000 characters, :data:`TOASTED_WALK_COST` 2 chose best (the mean 11.95 ms → 9.14; 3:
    9.30, 5: 10.18; the per-entry ratio itself, up to 12: 11.94; docs/benchmarks.md, "Session 13")."""
    return 1.0 if vector_bytes < TOASTED_BYTES else TOASTED_WALK_COST


# --- Ranking ----------------------------------------------------------------------------------


def _tier_sql(word: Word) -> tuple[str, list[str]]:
    exact, in_head, in_summary = rank_patterns(word)
    sql = (
        f"CASE WHEN search_head LIKE %s ESCAPE '\\' THEN {EXACT} "
        f"WHEN search_head LIKE %s ESCAPE '\\' THEN {IN_HEAD} "
        f"WHEN search_head LIKE %s ESCAPE '\\' THEN {IN_SUMMARY} ELSE {ELSEWHERE} END"
    )
    return sql, [exact, in_head, in_summary]


def rank_sql(query: str) -> tuple[str, list[str]]:
    """The SQL of an entry's rank for ``query`` (higher is better): the tier of the whole query with its
    words together (weighted first), plus the tier of each word."""
    parts = words(query)
    together = adjacent(query) or (parts[0] if parts else None)
    if together is None:
        return "0", []
    terms: list[str] = []
    params: list[str] = []
    weight = (EXACT + 1) * len(parts)
    sql, more = _tier_sql(together)
    terms.append(f"{weight} * ({sql})")
    params += more
    if len(parts) > 1:
        for word in parts:
            sql, more = _tier_sql(word)
            terms.append(f"({sql})")
            params += more
    return " + ".join(terms), params


#: A search ranks at most this many of its newest matches (the public column, the site-wide search and the
#: API): the rows a frequent word makes the database read grow with it (a two-character word found in a
#: third of the entries: ~1,750 rows read for 500 matches, ~7,000 for 2,000). The entries whose title, 文号
#: or 索引号 equals the query are found apart (:func:`exact_sql`, an index on PostgreSQL) and listed first
#: even when they are older than the window.
SEARCH_WINDOW = 500


#: The SQL of an entry's title, 文号 and 索引号 as stored (``search_head`` up to the summary, cut at its
#: marks), an array of ``" spaced text "``: migration ``catalogue.0016_search_head_keys`` indexes it (GIN) on
#: PostgreSQL, and a query must spell it the same to use the index.
HEAD_KEYS_SQL = (
    f"string_to_array(split_part(search_head, chr({ord(HEAD_MARK)}) || chr({ord(SUMMARY_MARK)}), 1), "
    f"chr({ord(HEAD_MARK)}))"
)


def exact_sql(query: str) -> tuple[str, list[str]] | None:
    """The SQL of "the title, 文号 or 索引号 equals ``query``" (its words together, as the top tier of
    :func:`rank_sql` reads it), or ``None`` when the query has no searchable word."""
    parts = words(query)
    together = adjacent(query) or (parts[0] if parts else None)
    if together is None:
        return None
    if connection.vendor == "postgresql":
        return f"{HEAD_KEYS_SQL} @> ARRAY[%s]::text[]", [together.exact]
    return "search_head LIKE %s ESCAPE '\\'", [rank_patterns(together)[0]]


class RankedSearch(Sequence[T]):
    """The results of a search, best first: a sequence a ``Paginator`` pages through (the algorithm; where
    the rows come from is the subclass's: :class:`SearchResults` from querysets,
    :class:`StatementSearch` from statements written out: the column's
    :class:`~gongkai.catalogue.selectors.ColumnSearch` and the site-wide
    :class:`~gongkai.catalogue.site_search.SiteSearch`).

    The candidates (at most :attr:`cap`, the newest by the list's order) and their ranks are read once, as
    ids (:meth:`_candidates`); a slice fetches only its rows (:meth:`_fetch`). When more than ``cap`` match,
    the entries whose title, 文号 or 索引号 equals the query are read apart (:meth:`_exact_ids`: the newest
    ``cap`` of the search's scope with such a field, by the list's order, then id) and those of them among
    the matches (:meth:`_ranked_among`) come first even if they are older than the ``cap`` newest matches.
    """

    query: str
    cap: int

    @abstractmethod
    def _candidates(self, limit: int) -> list[tuple[int, int]]:
        """The ids and ranks of the newest ``limit`` matches, newest first."""

    @abstractmethod
    def _exact_ids(self, where: str, params: list[str]) -> list[int]:
        """The ids of the newest ``cap`` entries of the search's scope that meet ``where``
        (:func:`exact_sql`), in the list's order, then by id."""

    @abstractmethod
    def _ranked_among(self, ids: list[int]) -> list[tuple[int, int]]:
        """The ids and ranks of the matches among ``ids``, newest first."""

    @abstractmethod
    def _fetch(self, ids: list[int]) -> list[T]:
        """The rows of ``ids``, in that order (an id no longer found is left out)."""

    @cached_property
    def _ranked(self) -> tuple[list[int], bool]:
        candidates = self._candidates(self.cap + 1)
        capped = len(candidates) > self.cap
        candidates = candidates[: self.cap]
        exact = exact_sql(self.query) if capped else None
        if exact is not None:
            # More matched than were ranked: the exact title/文号/索引号 ones too, however old (they are
            # older than every candidate, so after them in the list's order before the sort below). First
            # the newest entries of the search's scope with such a field (the index, or the scope's own
            # btree, without the search's words, whose bitmap would cost what a search costs), then those
            # of them that are among the matches.
            keyed = self._exact_ids(*exact)
            seen = {pk for pk, _rank in candidates}
            keyed = [pk for pk in keyed if pk not in seen]
            if keyed:
                candidates += self._ranked_among(keyed)
        # A stable sort (``reverse`` keeps it so): within a rank, the list's own order (newest first) stays.
        candidates.sort(key=itemgetter(1), reverse=True)
        return [pk for pk, _rank in candidates], capped

    @property
    def ids(self) -> list[int]:
        """The ids of the results, best first."""
        return self._ranked[0]

    @property
    def capped(self) -> bool:
        """Whether more than :attr:`cap` entries matched (only the newest ``cap`` are ranked and listed)."""
        return self._ranked[1]

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return self._fetch(self.ids[index])
        return self._fetch([self.ids[index]])[0]

    def __iter__(self) -> Iterator[T]:
        return iter(self._fetch(self.ids))


class StatementSearch(RankedSearch[T]):
    """:class:`RankedSearch` from statements written out rather than querysets (the column's search,
    :class:`~gongkai.catalogue.selectors.ColumnSearch`, and the site-wide one,
    :class:`~gongkai.catalogue.site_search.SiteSearch`): on PostgreSQL the exact entries come with the
    candidates, in one statement (:meth:`_read_with_exact`). A subclass's candidates' statement lists
    exactly ``id``, the rank and ``published_on``, in that order, and :meth:`_exact_statement`'s ``id``
    and ``published_on``: the compound statement reads them by position."""

    #: The exact entries' ids read with the candidates (:meth:`_read_with_exact`) and the condition they
    #: were read for: :meth:`_exact_ids` then asks the database nothing.
    _exact_found: tuple[tuple[str, list[str]], list[int]] | None = None

    @abstractmethod
    def _exact_statement(self, where: str, params: list[str]) -> tuple[str, list[Any]]:
        """The statement of :meth:`_exact_ids` and its parameters: the ``id`` and ``published_on`` of the
        newest ``cap`` entries of the search's scope that meet ``where``, in the list's order, then by id."""

    def _exact_ids(self, where: str, params: list[str]) -> list[int]:
        """The ids of the newest ``cap`` entries of the search's scope that meet ``where``
        (:func:`exact_sql`), in the list's order, then by id: those read with the candidates if they were
        read for that condition, else read now."""
        found = self._exact_found
        if found is not None and found[0] == (where, params):
            return list(found[1])
        return [int(row[0]) for row in rawrows.rows(*self._exact_statement(where, params))]

    def _read_with_exact(self, sql: str, params: list[Any]) -> list[tuple[int, int]]:
        """The ids and ranks the candidates' statement ``sql`` finds (its columns: id, rank,
        ``published_on``), and in the same statement (``UNION ALL``: one round trip) the exact entries
        (:meth:`_exact_statement` for :func:`exact_sql`), kept for :meth:`_exact_ids`: a search of a frequent
        word is capped and then needs them; when it is not, they cost a lookup in the head keys' index. On
        SQLite the candidates alone: there the exact test is a ``LIKE`` over the scope's rows, read only when
        the search is capped. Each part in the list's order: the ``ORDER BY`` of a part inside a compound
        statement promises nothing about the whole."""
        exact = exact_sql(self.query) if connection.vendor == "postgresql" else None
        if exact is None:  # SQLite (a searchable query always has its words together)
            return [(row[0], row[1]) for row in rawrows.rows(sql, params)]
        exact_sql_text, exact_params = self._exact_statement(*exact)
        found = rawrows.rows(
            f'SELECT 0, "candidates".* FROM ({sql}) "candidates" UNION ALL '
            f'SELECT 1, "exact"."id", 0, "exact"."published_on" FROM ({exact_sql_text}) "exact" '
            "ORDER BY 1, 4 DESC, 2 DESC",
            [*params, *exact_params],
        )
        # The candidates first, then the exact ones (the first key of the order); the driver's integers as
        # they come (both drivers return ints for these columns).
        split = len(found)
        while split and found[split - 1][0]:
            split -= 1
        self._exact_found = (exact, [row[1] for row in found[split:]])
        return [(row[1], row[2]) for row in found[:split]]


class SearchResults(RankedSearch[Item]):
    """:class:`RankedSearch` over querysets: ``matches`` (the search), its rows fetched from ``rows``
    (which says which columns a row has), the candidates the newest ``cap`` (:data:`SEARCH_WINDOW` unless
    given) by ``order``.

    ``scope`` is what ``matches`` was searched in — the search's conditions without its words (the agency,
    published, the other filters; :meth:`~gongkai.catalogue.public_filters.Filters.narrow`) — so that
    other agencies' and unpublished entries of the same title cannot take the exact query's places. Without
    it, ``matches`` itself (the same entries, but PostgreSQL then reads the words' bitmap as well).
    """

    def __init__(
        self,
        matches: QuerySet[Item],
        query: str,
        *,
        rows: QuerySet[Item] | None = None,
        order: Sequence[str] = PUBLIC_ORDER,
        cap: int | None = None,
        scope: QuerySet[Item] | None = None,
    ) -> None:
        self.matches = matches
        self.scope = scope if scope is not None else matches
        self.query = query
        self.rows = rows if rows is not None else Item.objects.all()
        self.order = tuple(order)
        self.cap = cap if cap is not None else SEARCH_WINDOW

    def _candidates(self, limit: int) -> list[tuple[int, int]]:
        sql, params = rank_sql(self.query)
        ranked = self.matches.order_by(*self.order).annotate(
            search_rank=RawSQL(sql, params)  # noqa: S611 - literal SQL, parameters bound
        )
        return list(ranked.values_list("pk", "search_rank")[:limit])

    def _ranked_among(self, ids: list[int]) -> list[tuple[int, int]]:
        sql, params = rank_sql(self.query)
        ranked = self.matches.order_by(*self.order).annotate(
            search_rank=RawSQL(sql, params)  # noqa: S611 - literal SQL, parameters bound
        )
        return list(ranked.filter(pk__in=ids).values_list("pk", "search_rank"))

    def _exact_ids(self, where: str, params: list[str]) -> list[int]:
        """The ids of the newest ``cap`` entries of :attr:`scope` whose title, 文号 or 索引号 equals the query
        (``where``, :func:`exact_sql`), in the list's order, then by id.

        On PostgreSQL the scope's conditions are applied to the rows the head keys' index finds, in a
        subquery the planner keeps apart (``OFFSET 0``): given them in the same ``WHERE``, it read the
        agency's whole bitmap from another index to AND with the few exact rows (10 ms for the largest
        agency instead of 0.3 ms; it takes the exact condition for 0.5 % of the table)."""
        order = self.order if self.order[-1].lstrip("-") in ("id", "pk") else (*self.order, "-id")
        scoped = self.scope.order_by(*order)
        if connection.vendor == "postgresql":
            query = scoped.values_list("pk", flat=True)[: self.cap]
            sql, scope_params = query.query.sql_with_params()
            table = connection.ops.quote_name(Item._meta.db_table)
            select, found_from, rest = sql.partition(f" FROM {table} ")
            if found_from and "%s" not in select:  # the table's rows, as the scope's conditions name them
                fenced = f"SELECT * FROM {table} WHERE {where} OFFSET 0"
                sql = f"{select} FROM ({fenced}) {table} {rest}"
                return [int(row[0]) for row in rawrows.rows(sql, [*params, *scope_params])]
        found = scoped.extra(where=[where], params=params).values_list("pk", flat=True)[: self.cap]
        return list(found)

    def _fetch(self, ids: list[int]) -> list[Item]:
        found = {item.pk: item for item in self.rows.filter(pk__in=ids).order_by()} if ids else {}
        return [found[pk] for pk in ids if pk in found]


class SearchPaginator(Paginator[Any]):
    """A ``Paginator`` of a :class:`RankedSearch`, with ``capped`` and ``cap`` like
    :class:`~gongkai.core.pagination.CappedPaginator`."""

    def __init__(self, results: RankedSearch[Any], per_page: int, **kwargs: Any) -> None:
        super().__init__(results, per_page, **kwargs)
        self.results = results
        self.cap = results.cap

    @property
    def capped(self) -> bool:
        return self.results.capped

    @cached_property
    def count(self) -> int:
        return len(self.results)
