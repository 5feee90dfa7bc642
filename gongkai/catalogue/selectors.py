"""Reads of the catalogue: the publication clock, who did what to an entry and what a person may do
to it now (一事一审), the sensitive-word lists, and what the public column lists and shows (published
entries only: :func:`gongkai.catalogue.public_filters.published_items`).

People are kept apart (一事一审): besides the roles of the workflow table, the confidentiality review
may not be passed by the entry's creator, by anyone who changed it since it was last returned, or by
its submitter, and the approval may not be given by anyone who passed the review in the same round
(:func:`decide`; superusers are exempt).
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.catalogue import indexing, permissions, totals, workflow
from gongkai.catalogue.models import (
    Attachment,
    Category,
    ColumnArea,
    ColumnTotals,
    Item,
    ItemEvent,
    ItemVersion,
    Reading,
    SensitiveWord,
    Status,
)
from gongkai.catalogue.public_filters import published_items
from gongkai.catalogue.search import words
from gongkai.catalogue.totals import FacetCounts, facet_counts
from gongkai.core import rawrows
from gongkai.core.actors import Actor
from gongkai.core.pagination import DEFAULT_COUNT_CAP
from gongkai.core.rawrows import instance
from gongkai.jobs.models import Job
from gongkai.statute.periods import PUBLICATION_WORKING_DAYS
from gongkai.statute.standard_areas import AREA_CODES
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar


def sensitive_words_for(agency: Agency | int) -> list[str]:
    """The agency's own sensitive words and the site-wide ones."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    return sorted(
        set(
            SensitiveWord.objects.filter(Q(agency_id=agency_id) | Q(agency__isnull=True)).values_list(
                "word", flat=True
            )
        )
    )


def word_list_for(agency: Agency | int) -> dict[str, str]:
    """The agency's own sensitive words and the site-wide ones, each with its suggested correction (""
    when none; the agency's own entry wins over the site-wide one)."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    rows = (
        SensitiveWord.objects.filter(Q(agency_id=agency_id) | Q(agency__isnull=True))
        .order_by(F("agency_id").asc(nulls_first=True))  # site-wide first, the agency's own last: they win
        .values_list("word", "correction")
    )
    return dict(rows)


@dataclass(frozen=True)
class PublicationClock:
    """条例 第二十六条: publish within 20 working days of 成文日期."""

    written_on: datetime.date
    today: datetime.date
    due: datetime.date | None
    published_on: datetime.date | None = None
    #: Working days from today to the due date (negative when late); ``None`` once published.
    days_left: int | None = None
    problem: str = ""
    #: The due date was counted over a year whose holiday notice is not loaded (暂定, decisions D17).
    provisional: bool = False

    @property
    def overdue(self) -> bool:
        """Published after the due date, or not published and the due date has passed."""
        if self.due is None:
            return False
        return (self.published_on or self.today) > self.due

    @property
    def late_days(self) -> int:
        """Working days past the due date (0 when not late or published)."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def publication_due(item: Item, calendar: WorkCalendar | None = None) -> datetime.date:
    """The 20th working day after 成文日期 (第二十六条). Raises ``CalendarNotLoaded`` for an unloaded year."""
    return (calendar or current_calendar()).add_working_days(item.written_on, PUBLICATION_WORKING_DAYS)


def publication_clock(
    item: Item, today: datetime.date | None = None, *, calendar: WorkCalendar | None = None
) -> PublicationClock:
    """The entry's clock. A list of entries passes the ``calendar`` (:func:`current_calendar`, one
    query) fetched once for all its rows."""
    today = today or timezone.localdate()
    calendar = calendar or current_calendar()
    published = item.published_on if item.status in (Status.PUBLISHED, Status.WITHDRAWN) else None
    try:
        due = publication_due(item, calendar)
    except CalendarNotLoaded as exc:
        return PublicationClock(item.written_on, today, None, published, problem=str(exc))
    days_left: int | None = None
    if published is None:
        try:
            if today <= due:
                days_left = calendar.working_days_between(today, due)
            else:
                days_left = -max(1, calendar.working_days_between(due, today))
        except CalendarNotLoaded:
            days_left = None
    provisional = calendar.relies_on_provisional(item.written_on, due)
    return PublicationClock(item.written_on, today, due, published, days_left, provisional=provisional)


# --- Who did what (一事一审) --------------------------------------------------------------------

#: Steps that send an entry back to the officer (a new round of editing begins).
_RETURNS = frozenset({workflow.REVIEW_RETURN, workflow.APPROVE_RETURN, workflow.PUBLISH_RETURN})
#: Events that change an entry's content (when made in an editable state: a reviewer's mask during the
#: review is part of the review).
_CHANGES = frozenset({workflow.EDIT, workflow.MASK, "attachment_add", "attachment_remove"})


@dataclass(frozen=True)
class History:
    """Who did what to an entry, as far as the separation of duties (一事一审) needs it."""

    creator_id: int | None
    #: Who submitted the entry last.
    submitter_id: int | None
    #: Who passed the confidentiality review since the last submission.
    reviewer_ids: frozenset[int]
    #: Who changed the entry since it was last returned (since its creation if never returned).
    editor_ids: frozenset[int]


def history(item: Item) -> History:
    """The entry's :class:`History` (one query)."""
    submitter: int | None = None
    reviewers: set[int] = set()
    editors: set[int] = set()
    events = (
        ItemEvent.objects.filter(item=item)
        .order_by("at", "id")
        .values_list("action", "actor_id", "from_status")
    )
    for action, actor_id, from_status in events:
        if action == workflow.SUBMIT:
            submitter, reviewers = actor_id, set()
        elif action == workflow.REVIEW_PASS and actor_id is not None:
            reviewers.add(actor_id)
        elif action in _RETURNS:
            editors = set()
        elif action in _CHANGES and from_status in workflow.EDITABLE_STATES and actor_id is not None:
            editors.add(actor_id)
    return History(item.created_by_id, submitter, frozenset(reviewers), frozenset(editors))


#: The event of an acknowledgement of the privacy scan's findings (确认; see services.acknowledging).
ACKNOWLEDGE_EVENT = "acknowledge"


@dataclass(frozen=True)
class Acknowledgement:
    """Who acknowledged a finding, and when."""

    actor_label: str
    at: datetime.datetime


def acknowledgements(item: Item) -> dict[str, Acknowledgement]:
    """The findings acknowledged (by :attr:`scanning.Finding.key`) in the entry's current step: since the
    last step of the workflow (submit, review …), so the officer acknowledges before submitting and the
    reviewer again before passing the review; each person sees what the other acknowledged in the log."""
    last_step = (
        ItemEvent.objects.filter(item=item, action__in=workflow.STEPS)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    events = ItemEvent.objects.filter(item=item, action=ACKNOWLEDGE_EVENT).order_by("id")
    if last_step is not None:
        events = events.filter(id__gt=last_step)
    found: dict[str, Acknowledgement] = {}
    for label, at, data in events.values_list("actor_label", "at", "data"):
        for key in (data or {}).get("keys", []) if isinstance(data, dict) else []:
            found.setdefault(str(key), Acknowledgement(label, at))
    return found


def submitter_id(item: Item) -> int | None:
    """Who submitted the entry last (the confidentiality review must be someone else's)."""
    return history(item).submitter_id


def _separated(reason: str) -> workflow.Decision:
    return workflow.Decision(False, reason=reason, code=workflow.REFUSED_SEPARATION)


def decide(
    actor: Actor,
    item: Item,
    action: str,
    *,
    past: History | None = None,
    roles: frozenset[str] | None = None,
) -> workflow.Decision:
    """May ``actor`` take ``action`` on ``item`` now? The workflow table (state and roles), then the
    separation of the people of the review steps (一事一审; superusers are exempt):

    * the confidentiality review (保密审查通过) not by the entry's creator, by anyone who changed it
      since it was last returned, or by its submitter;
    * the approval (领导审批同意) not by anyone who passed the review in the same round.

    ``past`` (:func:`history`) and ``roles`` (the actor's roles at the entry's agency) are read when not
    given; a caller deciding several actions passes them.
    """
    if actor is None or not actor.is_authenticated:
        return workflow.Decision(False, reason="请先登录。", code=workflow.REFUSED_ROLE)
    superuser = permissions.is_superuser(actor)
    checked = action in (workflow.REVIEW_PASS, workflow.APPROVE) and not superuser
    if checked and past is None:
        past = history(item)
    decision = workflow.decide(
        item.status,
        action,
        roles=permissions.roles_at(actor, item.agency_id) if roles is None else roles,
        superuser=superuser,
        is_submitter=past is not None and action == workflow.REVIEW_PASS and past.submitter_id == actor.pk,
    )
    if not decision.allowed or not checked or past is None:
        return decision
    if action == workflow.REVIEW_PASS:
        if past.creator_id == actor.pk:
            return _separated("起草人不能对自己起草的条目进行保密审查（一事一审，起草与审查分离）。")
        if actor.pk in past.editor_ids:
            return _separated("您在本轮修改过该条目，不能再对其进行保密审查（一事一审，修改与审查分离）。")
    if action == workflow.APPROVE and actor.pk in past.reviewer_ids:
        return _separated("您已对该条目进行保密审查，不能再作领导审批（一事一审，审查与审批分离）。")
    return decision


def allowed_actions(user: Actor, item: Item) -> tuple[str, ...]:
    """The actions ``user`` may take on ``item`` now (for the buttons of the entry page)."""
    if user is None or not user.is_authenticated:
        return ()
    past, roles = history(item), permissions.roles_at(user, item.agency_id)
    return tuple(
        action for action in workflow.ACTIONS if decide(user, item, action, past=past, roles=roles).allowed
    )


# ---------------------------------------------------------------------------------------------
# The public column
# ---------------------------------------------------------------------------------------------

#: How long the browsing counts of a catalogue are kept (their key changes with every change anyway).
FACET_CACHE_SECONDS = 600
#: Entries shown on the column's front page.
LATEST = 10
#: The columns a list row needs (never the body, the search text or file contents).
ROW_FIELDS = ("id", "agency_id", "index_number", "title", "published_on", "doc_number", "kind")
#: Statuses that have a public page: published ones in full, withdrawn ones as a notice.
PAGE_STATUSES = (Status.PUBLISHED, Status.WITHDRAWN)


def column_agency(short_code: str) -> Agency:
    """The agency of a public column, or 404."""
    return get_object_or_404(Agency.objects.select_related("parent"), short_code=short_code)


def public_rows(queryset: QuerySet[Item]) -> QuerySet[Item]:
    """``queryset`` as list rows (:data:`ROW_FIELDS`), newest first."""
    return queryset.only(*ROW_FIELDS).order_by("-published_on", "-id")


#: From this offset on, a page of a list reads its ids first (:class:`RowsByIds`).
DEEP_OFFSET = 200


class RowsByIds:
    """A list of entries (a queryset of list rows, ordered) whose deep pages read the page's ids first — an
    index-only scan of ``(agency, status, -published_on, -id)`` for an agency's column — and then only the
    page's rows by primary key. ``OFFSET`` over the rows themselves read every skipped row from the table:
    ``?page=500`` of the largest agency (54,000 entries) read 10,000 rows, 370 ms cold, 60–100 ms warm;
    its ids alone take 2 ms. Pages before :data:`DEEP_OFFSET` are one query, as before.

    What :class:`~django.core.paginator.Paginator` needs of an object list: ``count()``, slicing and
    ``ordered``; a row that left the list between the two queries (withdrawn) is left out of the page."""

    ordered = True

    def __init__(self, queryset: QuerySet[Item]) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Item]:
        if not isinstance(index, slice) or (index.start or 0) < DEEP_OFFSET:
            return list(self.queryset[index])
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        rows = {row.pk: row for row in self.queryset.filter(pk__in=ids).order_by()} if ids else {}
        return [rows[pk] for pk in ids if pk in rows]


# ---------------------------------------------------------------------------------------------
# The catalogue browsed whole (no filter, no search): its own SQL
# ---------------------------------------------------------------------------------------------
# The catalogue's busiest page reads the agency with its counters and the names of the categories (one
# statement: browsing_column), then a page of rows. Through the ORM each such statement cost 0.6–1.5 ms of
# Python (compiling the query, building model instances) against 0.1–0.2 ms sent as SQL: most of the page's
# cost with the page cache off (issue 16). The statements are fixed, read-only and portable (SQLite and
# PostgreSQL); a test checks their results against the ORM's (tests/catalogue/test_public_pages_cost.py).


class ListRow(NamedTuple):
    """One row of a public list (what ``{% item_rows %}`` shows)."""

    pk: int
    index_number: str | None
    title: str
    published_on: datetime.date | None
    doc_number: str


#: The agency with its counters, then every 主题分类 in display order (``"order"``, ``"name"``: what
#: :func:`category_names` reads), in one statement: ``"part"`` 0 is the agency's row, 1 a category's. The
#: categories are the taxonomy (the State Council's 22 by default), a few dozen short rows at most; read here,
#: a browsing or searched page's facets need no statement of their own.
_COLUMN_SQL = (
    'SELECT 0 AS "part", a."id", a."name", a."short_code", t."total", t."stamp", t."facets", 0 AS "place" '
    'FROM "agencies_agency" a LEFT JOIN "catalogue_columntotals" t ON t."agency_id" = a."id" '
    'WHERE a."short_code" = %s '
    'UNION ALL SELECT 1, c."id", c."name", NULL, NULL, NULL, NULL, c."order" FROM "catalogue_category" c '
    "ORDER BY 1, 8, 3"  # part, place, name (by position: no name a joined table might share)
)


class BrowsingColumn(NamedTuple):
    """What :func:`browsing_column` reads: the agency (its id, name and code; any other field is read when
    used), its counters (:class:`ColumnTotals`, ``None`` if never counted) and every category's ``(id,
    name)`` in display order (:func:`categories_in_order`'s)."""

    agency: Agency
    counters: ColumnTotals | None
    categories: list[tuple[int, str]]


def browsing_column(short_code: str) -> BrowsingColumn:
    """The agency of a column with its counters and the categories' names, in one statement
    (:class:`BrowsingColumn`); 404 if there is no such agency."""
    rows = rawrows.rows(_COLUMN_SQL, [short_code])
    if not rows or rows[0][0] != 0:
        raise Http404
    categories = [(int(row[1]), str(row[2])) for row in rows[1:]]
    _part, agency_id, name, code, total, stamp, facets, _place = rows[0]
    agency = instance(Agency, connection.alias, ["id", "name", "short_code"], [agency_id, name, code])
    if total is None:
        return BrowsingColumn(agency, None, categories)
    if isinstance(facets, (str, bytes)):
        facets = json.loads(facets)
    counters = instance(
        ColumnTotals,
        connection.alias,
        ["agency_id", "total", "stamp", "facets"],
        [agency_id, total, stamp if isinstance(stamp, uuid.UUID) else uuid.UUID(str(stamp)), facets],
    )
    return BrowsingColumn(agency, counters, categories)


_ROW_COLUMNS = '"id", "index_number", "title", "published_on", "doc_number"'
_BROWSE_WHERE = 'FROM "catalogue_item" WHERE "agency_id" = %s AND "status" = %s'
_BROWSE_ORDER = 'ORDER BY "published_on" DESC, "id" DESC LIMIT %s OFFSET %s'


class BrowseRows:
    """An agency's published entries as :class:`ListRow`, newest first (:func:`public_rows`' order): what a
    :class:`~django.core.paginator.Paginator` needs (``count()``, slicing, ``ordered``). From
    :data:`DEEP_OFFSET` on a page reads its ids first, as :class:`RowsByIds` does.

    With the agency's counters (``counters``: :func:`browsing_column`'s, their browsing counts filled), a
    deep page skips the whole years newer than the one it starts in (:func:`newer_years`): ``?page=500``
    of a large agency read 10,000 ids from the index (1.7 ms at 1,000,000 entries), now only those of its
    own year before it. The counts are exact (every change empties them in its own transaction,
    :mod:`gongkai.catalogue.totals`), so the rows are those ``OFFSET`` alone finds."""

    ordered = True

    def __init__(self, agency_id: int, counters: ColumnTotals | None = None) -> None:
        self.agency_id = agency_id
        self.counters = counters

    def count(self) -> int:
        rows = rawrows.rows(f"SELECT COUNT(*) {_BROWSE_WHERE}", [self.agency_id, Status.PUBLISHED.value])
        return int(rows[0][0])

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[ListRow]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("BrowseRows takes a slice")
        start = index.start or 0
        limit = (index.stop - start) if index.stop is not None else -1
        if limit <= 0:
            return []
        params = [self.agency_id, Status.PUBLISHED.value, limit, start]
        if start < DEEP_OFFSET:
            return [
                ListRow(*row)
                for row in rawrows.rows(f"SELECT {_ROW_COLUMNS} {_BROWSE_WHERE} {_BROWSE_ORDER}", params)
            ]
        skip = newer_years(self.counters, start)
        if skip is None:
            ids = [row[0] for row in rawrows.rows(f'SELECT "id" {_BROWSE_WHERE} {_BROWSE_ORDER}', params)]
        else:
            before, skipped = skip
            ids = [
                row[0]
                for row in rawrows.rows(
                    f'SELECT "id" {_BROWSE_WHERE} AND "published_on" < %s {_BROWSE_ORDER}',
                    [self.agency_id, Status.PUBLISHED.value, before, limit, start - skipped],
                )
            ]
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        found = {
            row[0]: ListRow(*row)
            for row in rawrows.rows(
                f'SELECT {_ROW_COLUMNS} {_BROWSE_WHERE} AND "id" IN ({marks})',
                [self.agency_id, Status.PUBLISHED.value, *ids],
            )
        }
        return [found[pk] for pk in ids if pk in found]


def newer_years(counters: ColumnTotals | None, offset: int) -> tuple[datetime.date, int] | None:
    """Where the agency's newest-first list reaches ``offset``, by its counters' entries per year of
    publication: ``(1 January of the year after the one at offset, the entries published since)`` — the
    rows before ``offset`` that a ``published_on`` below that date leaves out — or ``None`` when nothing
    can be skipped: no counters or no browsing counts, counts per year that do not add up to the total
    (counts out of step with the entries: a write that bypassed the counters), or an
    offset in the newest year."""
    if counters is None or counters.facets is None:
        return None
    years = FacetCounts.from_json({"year": counters.facets.get("year", [])}).year
    if sum(years.values()) != counters.total:
        return None
    newer = 0
    for year in sorted(years, reverse=True):
        if newer + years[year] > offset:
            return (datetime.date(year + 1, 1, 1), newer) if newer else None
        newer += years[year]
    return None


def category_names(ids: Collection[int]) -> list[tuple[int, str]]:
    """The ``(id, name)`` of the categories ``ids`` in their display order (:func:`categories_in_order`)."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    return [
        (int(pk), str(name))
        for pk, name in rawrows.rows(
            f'SELECT "id", "name" FROM "catalogue_category" WHERE "id" IN ({marks}) ORDER BY "order", "name"',
            list(ids),
        )
    ]


# ---------------------------------------------------------------------------------------------
# A search inside one column (its words only, no other filter): its own SQL
# ---------------------------------------------------------------------------------------------
# The column's search (`?q=…`) is the public page PostgreSQL and Python pay most for with the page cache off:
# through the ORM its candidates, exact entries and rows cost ~1 ms of Python each to compile and build.
# The statements are those the querysets made (indexing.SearchResults over public_filters.published_in and
# indexing.search), written once; a test compares the results with the ORM's on SQLite and PostgreSQL
# (tests/catalogue/test_column_search.py). A search with any other filter keeps the querysets.

_SEARCH_SCOPE = 'FROM "catalogue_item" WHERE "agency_id" = CAST(%s AS bigint) AND "status" = %s'
_SEARCH_ORDER = 'ORDER BY "published_on" DESC, "id" DESC'
#: The scope of a search through the agency's own keys (indexing.AGENCY_LEXEMES_SQL), which imply the agency:
#: its id compared as an expression no index answers, so that PostgreSQL does not AND the keys' few rows
#: with the agency's every entry from another index (~1 ms at 50,000 entries), yet checks it on each row.
_SEARCH_SCOPE_BY_KEYS = 'FROM "catalogue_item" WHERE ("agency_id" + 0) = CAST(%s AS bigint) AND "status" = %s'


class ColumnSearch(indexing.StatementSearch[ListRow]):
    """:class:`~gongkai.catalogue.indexing.RankedSearch` of one agency's published entries for ``query``
    (a query with a searchable word, :func:`~gongkai.catalogue.search.is_searchable`), its rows
    :class:`ListRow`: what ``SearchResults(public_search(…))`` finds for the column without other filters,
    in the same order, from SQL of its own. The agency's id is compared as a ``bigint``
    (:func:`~gongkai.catalogue.public_filters.of_agency`: the GIN index on ``(agency_id, search_vector)``)."""

    def __init__(self, agency_id: int, query: str, *, entries: int | None = None) -> None:
        condition = indexing.words_sql(query)
        if condition is None:
            raise ValueError("a column search needs a searchable word")
        self.agency_id = agency_id
        #: The agency's published entries (its counters' total), when known: see :meth:`_walk_rows`.
        self.entries = entries
        self.query = query
        self.cap = indexing.SEARCH_WINDOW
        self._words, self._word_params = condition
        # The same condition through the agency's own posting lists (indexing.AGENCY_LEXEMES_SQL).
        by_agency = indexing.words_sql(query, agency_id=agency_id) or condition
        self._agency_words, self._agency_word_params = by_agency
        self._rank, self._rank_params = indexing.rank_sql(query)

    def _scope_params(self) -> list[Any]:
        return [self.agency_id, Status.PUBLISHED.value]

    def _ranked_sql(
        self, more: str = "", *, by_agency: bool = False, dated: bool = False
    ) -> tuple[str, list[Any]]:
        condition, params = (
            (self._agency_words, self._agency_word_params) if by_agency else (self._words, self._word_params)
        )
        scope = _SEARCH_SCOPE_BY_KEYS if by_agency else _SEARCH_SCOPE
        date = ', "published_on"' if dated else ""
        sql = f'SELECT "id", {self._rank}{date} {scope} AND {condition}{more} {_SEARCH_ORDER}'
        return sql, [*self._rank_params, *self._scope_params(), *params]

    def _frequent(self, limit: int) -> bool:
        """Whether the query is frequent enough in this agency that its newest ``limit`` matches cost less
        to read by walking the agency's newest entries (``limit / share`` entries, each one's search vector
        read to test the words) than from the index's bitmap (every match, ``share * entries``, vectors not
        read), the share being :attr:`_share` (PostgreSQL only; a token not among the statistics' frequent
        ones is not): ``share² × entries > limit × c``, ``c`` what a walked entry costs against a bitmap's
        (:func:`~gongkai.catalogue.indexing.walked_entry_cost`: 1 while the agency's newest vectors are kept
        in their rows, 2 when they are long and kept in TOAST; D65). Their size is read only when the walk
        reads fewer entries at all."""
        if connection.vendor != "postgresql" or not self.entries or self._share <= 0:
            return False
        fewer = self._share * self._share * self.entries / limit  # the bitmap's entries per walked one
        if fewer <= 1:
            return False
        return fewer > indexing.walked_entry_cost(indexing.agency_vector_bytes(self.agency_id))

    @cached_property
    def _share(self) -> float:
        """The query's share of the agency's entries
        (:func:`~gongkai.catalogue.indexing.agency_query_frequency`: the agency's own where its keys are
        among the statistics' frequent ones), once."""
        return indexing.agency_query_frequency(self.agency_id, self.query, self.entries or 0)

    def _walk_rows(self, limit: int) -> int | None:
        """How many of the agency's newest entries to read, newest first, for the newest ``limit`` matches,
        when that costs less than the bitmap (:meth:`_frequent`; ``None``: every match, through the agency's
        keys).

        Left to itself, PostgreSQL reads the rows of either plan from the table, one page each: the newest
        entries until ``limit`` match (``limit / share`` rows), or every match of the agency from the GIN
        index's bitmap (``share * entries``); a walk written out reads the short entries from the walk's own
        index instead (:meth:`_newest`, D66; the rule below does not count that it is cheaper). Its own choice
        goes wrong three ways: with several tokens it takes them as independent and underestimates a word's
        matches (``公积 & 积金`` as 8 % for a word in 29 % of the entries: 9,123 rows read in the 2nd largest
        agency, 170 ms, instead of ~1,700); a token frequent in one agency but rare in the others (``0001`` in
        ``bench-0001``, in all its 31,351 entries and 3 % of the table) it reads from the bitmap, every match
        (57 ms instead of 1.4); and even one token it counts right (``招标`` in 30 % of an agency of 5,971
        entries) it reads from the ``(agency_id, search_vector)`` index's bitmap where the two plans read
        about as many rows (1,767 against ~1,700), the posting list of every agency decoded first: 7.4–8.8 ms
        instead of the walk's 3.2–4.5 (D64). So the walk is written out whenever the share says it costs less:
        fewer rows than the bitmap's, or at most half as many when the entries are long (D65). The share is
        the agency's where known (:attr:`_share`) and the walk reads at most twice the rows it should need; if
        they hold fewer than ``limit`` matches, the bitmap is read after all (the same results either way)."""
        if not self._frequent(limit) or not self.entries:
            return None  # (``entries`` again for the type checker: _frequent has checked it)
        return min(int(2 * limit / self._share) + 1, self.entries)

    @cached_property
    def _covered(self) -> bool:
        """Whether the walk can test the words on the walk's index alone (every word settled by its tokens:
        no ``LIKE`` on the search text, which the index does not hold)."""
        return all(word.tokens_suffice for word in words(self.query))

    def _newest(self, walk: int) -> tuple[str, list[Any]]:
        """The statement of the agency's newest ``walk`` entries, newest first, with what the words and the
        rank are tested on. When the words are settled by their tokens (:attr:`_covered`), read from the
        walk's index (:data:`~gongkai.catalogue.indexing.WALK_INDEX`, migration ``catalogue.0020``: each
        short entry's vector and head, in this order; its leaf pages one after another, no table row read),
        merged in order with the agency's long entries read from the table (their own index: a vector or
        head too long for an index entry), D66; an entry written since the table's last ``VACUUM`` is checked
        in the table. Otherwise from the table through the agency's
        ``(agency, status, -published_on, -id)`` index."""
        if not self._covered:
            sql = (
                'SELECT "id", "published_on", "search_head", "search_text", "search_vector" '
                f"{_SEARCH_SCOPE} {_SEARCH_ORDER} LIMIT %s"
            )
            return sql, [*self._scope_params(), walk]
        columns = 'SELECT "id", "published_on", "search_head", "search_vector"'
        short = f"{columns} {_SEARCH_SCOPE} AND {indexing.WALK_COVERED_SQL} {_SEARCH_ORDER} LIMIT %s"
        long = f"{columns} {_SEARCH_SCOPE} AND NOT ({indexing.WALK_COVERED_SQL}) {_SEARCH_ORDER} LIMIT %s"
        sql = f"({short}) UNION ALL ({long}) {_SEARCH_ORDER} LIMIT %s"
        return sql, [*self._scope_params(), walk, *self._scope_params(), walk, walk]

    def _candidates(self, limit: int) -> list[tuple[int, int]]:
        walk = self._walk_rows(limit)
        if walk is not None:
            # The agency's newest `walk` entries in order (_newest), then the words on those only: the inner
            # LIMIT keeps PostgreSQL from the bitmap. If they hold `limit` matches, those are the newest
            # `limit` of all. (An entry without a vector is in neither of the walk's indexes: it matches no
            # word.)
            newest, newest_params = self._newest(walk)
            walked = (
                f'SELECT "id", {self._rank}, "published_on" FROM ({newest}) "catalogue_item" '
                f"WHERE {self._words} {_SEARCH_ORDER} LIMIT %s"
            )
            found = self._read(walked, [*self._rank_params, *newest_params, *self._word_params, limit])
            if len(found) >= limit:
                return found
        # Not frequent in the agency (or the walk held too few): every match, from the agency's own posting
        # lists (indexing.AGENCY_LEXEMES_SQL), not from the token's over every agency intersected with the
        # agency's (the (agency_id, search_vector) index: ~290,000 entries decoded for a common character) —
        # also when the token is frequent in the whole table but not in this agency by its own statistics:
        # PostgreSQL would then expect many matches and walk the agency's entries for them.
        sql, params = self._ranked_sql(by_agency=True, dated=True)
        return self._read(f"{sql} LIMIT %s", [*params, limit])

    def _read(self, sql: str, params: list[Any]) -> list[tuple[int, int]]:
        """The ids and ranks the candidates' statement ``sql`` (its columns: id, rank, ``published_on``)
        finds. On PostgreSQL the first one also reads the exact entries in the same round trip
        (:meth:`~gongkai.catalogue.indexing.StatementSearch._read_with_exact`): a search of a frequent word
        is capped, and then needs them; when not, they cost a lookup in the head keys' index."""
        if self._exact_found is not None:  # (the walk's fallback: the exact ones came with the walk)
            return [(row[0], row[1]) for row in rawrows.rows(sql, params)]
        return self._read_with_exact(sql, params)

    def _exact_statement(self, where: str, params: list[str]) -> tuple[str, list[Any]]:
        # As SearchResults._exact_ids: on PostgreSQL the head keys' index in a subquery kept apart.
        if connection.vendor == "postgresql":
            sql = (
                f'SELECT "id", "published_on" FROM (SELECT * FROM "catalogue_item" WHERE {where} OFFSET 0) '
                f'"catalogue_item" WHERE "agency_id" = CAST(%s AS bigint) AND "status" = %s {_SEARCH_ORDER} '
                "LIMIT %s"
            )
            return sql, [*params, *self._scope_params(), self.cap]
        sql = f'SELECT "id", "published_on" {_SEARCH_SCOPE} AND {where} {_SEARCH_ORDER} LIMIT %s'
        return sql, [*self._scope_params(), *params, self.cap]

    def _ranked_among(self, ids: list[int]) -> list[tuple[int, int]]:
        marks = ", ".join(["%s"] * len(ids))
        sql, params = self._ranked_sql(f' AND "id" IN ({marks})')
        return [(int(pk), int(rank)) for pk, rank in rawrows.rows(sql, [*params, *ids])]

    def _fetch(self, ids: list[int]) -> list[ListRow]:
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        sql = f'SELECT {_ROW_COLUMNS} FROM "catalogue_item" WHERE "id" IN ({marks})'
        found = {row[0]: ListRow(*row) for row in rawrows.rows(sql, ids)}
        return [found[pk] for pk in ids if pk in found]


def public_search(
    matches: QuerySet[Item],
    query: str,
    *,
    with_agency: bool = False,
    scope: QuerySet[Item] | None = None,
) -> indexing.SearchResults:
    """The entries of ``matches`` (``scope`` searched for ``query``) as list rows, best first
    (:class:`~gongkai.catalogue.indexing.SearchResults`: the newest ``SEARCH_WINDOW`` matches ranked, the
    exact title/文号/索引号 ones of ``scope`` first however old); with
    ``with_agency``, each with its agency's name and code (the site-wide search)."""
    rows = Item.objects.only(*ROW_FIELDS)
    if with_agency:
        rows = Item.objects.select_related("agency").only(*ROW_FIELDS, "agency__name", "agency__short_code")
    return indexing.SearchResults(matches, query, rows=rows, scope=scope)


def public_rows_with_agency(queryset: QuerySet[Item]) -> QuerySet[Item]:
    """``queryset`` as list rows with their agency's name and code (the site-wide search), newest first."""
    return (
        queryset.select_related("agency")
        .only(*ROW_FIELDS, "agency__name", "agency__short_code")
        .order_by("-published_on", "-id")
    )


def column_areas(agency: Agency) -> list[str]:
    """The 基层政务公开标准目录 areas the agency's column shows, in the list's order (国办发〔2019〕54号)."""
    chosen = set(ColumnArea.objects.filter(agency=agency).values_list("area", flat=True))
    return [code for code in AREA_CODES if code in chosen]


def published_counts_by(agency: Agency, field_name: str, **conditions: Any) -> dict[str, int]:
    """``{value of field_name: number of the agency's published entries}`` (those matching ``conditions``;
    one GROUP BY)."""
    rows = (
        published_items()
        .filter(agency=agency, **conditions)
        .values(field_name)
        .annotate(n=Count("id"))
        .order_by(field_name)
    )
    return {row[field_name]: row["n"] for row in rows}


def site_agencies() -> QuerySet[Agency]:
    """Every agency, for /gk/ (the columns its tree needs)."""
    return Agency.objects.only("id", "name", "short_code", "parent_id", "path").order_by("name", "id")


def agency_choices() -> QuerySet[Agency, tuple[str, str]]:
    """Every agency's code and name, by name: the site-wide search's agency filter."""
    return Agency.objects.order_by("name", "id").values_list("short_code", "name")


def front_page_agencies() -> QuerySet[Agency]:
    """Every agency in tree order (the level above first, then each parent's agencies by kind and name),
    for the site's front page."""
    return Agency.objects.only("id", "name", "short_code", "parent_id", "path", "kind").order_by(
        "path", "kind", "name", "id"
    )


def agencies_by_id(ids: Iterable[int]) -> dict[int, Agency]:
    """The named agencies (their names and codes), by id."""
    return {a.pk: a for a in Agency.objects.filter(pk__in=set(ids)).only("id", "name", "short_code")}


#: catalogue): kept in the shared database cache with the newest entry id and dropped on every save or
#: delete of an entry, so no process serves stale counts; kept at most this long in any case.
SITE_COUNTS_KEY = "gongkai:catalogue:published-per-agency"
SITE_COUNTS_SECONDS = 60


def published_counts() -> dict[int, int]:
    """``{agency id: number of published entries}``."""
    newest = Item.objects.aggregate(newest=Max("id"))["newest"]  # the primary key's index
    cached = cache.get(SITE_COUNTS_KEY)
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == newest:
        return dict(cached[1])
    counts = dict(
        published_items()
        .order_by()
        .values_list("agency_id")
        .annotate(n=Count("id"))
        .values_list("agency_id", "n")
    )
    cache.set(SITE_COUNTS_KEY, (newest, counts), SITE_COUNTS_SECONDS)
    return counts


def _forget_counts(**kwargs: Any) -> None:
    cache.delete(SITE_COUNTS_KEY)


def forget_published_counts() -> None:
    """Drop the cached counts, as a save of an entry does (for writes around the signals: bulk_create)."""
    _forget_counts()


post_save.connect(_forget_counts, sender=Item, dispatch_uid="gongkai.catalogue.public.counts.save")
post_delete.connect(_forget_counts, sender=Item, dispatch_uid="gongkai.catalogue.public.counts.delete")


def column_totals(agency: Agency) -> dict[str, Any]:
    """How many entries the agency has published: in all, 制度 and annual reports (its counters,
    :mod:`gongkai.catalogue.totals`: one row, not a count of every entry)."""
    return dict(totals.totals_of(agency))


def latest_published(agency: Agency, limit: int = LATEST) -> list[Item]:
    """The agency's newest published entries, as list rows."""
    return list(public_rows(published_items().filter(agency=agency))[:limit])


def child_agencies(agency: Agency) -> list[Agency]:
    return list(agency.children.only("id", "name", "short_code", "parent_id").order_by("name"))


def cached_facet_counts(agency: Agency, counters: ColumnTotals | None = None) -> FacetCounts:
    """:func:`~gongkai.catalogue.totals.facet_counts` of the agency's published entries, kept.

    Kept in the agency's column counters (``counters``, :func:`totals.counters_of`; read here if not given:
    :attr:`ColumnTotals.facets`), which every publication, withdrawal, correction or edit of a published
    entry counts again in its own transaction (:mod:`gongkai.catalogue.totals`), emptying the browsing
    counts and renewing the ``stamp``: the first reader after it counts them and stores them under the stamp
    it read (:func:`totals.keep_facets`), so they are never stale and a reader after it reads one row — not
    a grouped count over every published entry of the agency (the largest, 54,000 entries: 0.9 s warm, 6 s
    cold on the loaded benchmark machine; all agencies at once in the catalogue's first seconds after a
    load). An agency never counted (no counter row) is counted each time, through the cache keyed by its
    entries' number, newest id and latest change, as before the counters. :data:`FACET_CACHE_SECONDS` only
    bounds how long that key is kept.
    """
    counters = counters if counters is not None else totals.counters_of(agency)
    if counters is not None and counters.facets is not None:
        return FacetCounts.from_json(counters.facets)  # the usual case: no queryset built (~0.1 ms)
    base = published_items().filter(agency=agency)
    if counters is not None:
        counted = facet_counts(base)
        totals.keep_facets(agency.pk, counters.stamp, counted)
        return counted
    stamp = base.order_by().aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at"))
    changed = stamp["changed"].timestamp() if stamp["changed"] else 0
    key = f"gongkai:catalogue:facets:{agency.pk}:{stamp['n']}:{stamp['last']}:{changed}"
    counts = cache.get(key)
    if not isinstance(counts, FacetCounts):
        counts = facet_counts(base)
        cache.set(key, counts, FACET_CACHE_SECONDS)
    return counts


def categories_in_order(ids: list[int]) -> list[Category]:
    """The categories ``ids`` in their display order."""
    return list(Category.objects.filter(pk__in=ids).order_by("order", "name").only("id", "name", "order"))


# An entry's page reads its entry, agency and category, its files, its 政策解读 and its corrections in SQL
# of their own (issue 16: compiling the ORM's five queries cost more than the database's work; the same
# instances, the fields not read deferred as with ``only()``).

#: The entry's columns its page reads: all but the stored search texts.
_ENTRY_FIELDS = tuple(
    field
    for field in Item._meta.concrete_fields
    if field.attname not in ("search_text", "search_head", "search_vector")
)
_ENTRY_SQL = (
    "SELECT "
    + ", ".join(f'i."{field.column}"' for field in _ENTRY_FIELDS)
    + ', a."name", c."name", c."order" FROM "catalogue_item" i '
    'JOIN "agencies_agency" a ON a."id" = i."agency_id" '
    'LEFT JOIN "catalogue_category" c ON c."id" = i."category_id" '
    'WHERE i."id" = %s AND a."short_code" = %s AND i."status" IN (%s, %s)'
)


#: The largest id a ``bigint`` primary key holds.
_LARGEST_ID = 2**63 - 1


def public_entry(short_code: str, pk: int) -> Item:
    """A published or withdrawn entry of the agency ``short_code`` (for its page), with its agency (id, name
    and code) and category, or 404."""
    if not 0 < pk <= _LARGEST_ID:  # (a number the column cannot hold: none such, as the ORM finds)
        raise Http404
    rows = rawrows.rows(_ENTRY_SQL, [pk, short_code, *(status.value for status in PAGE_STATUSES)])
    if not rows:
        raise Http404
    row = rows[0]
    names = [field.attname for field in _ENTRY_FIELDS]
    entry = instance(Item, connection.alias, names, row[: len(names)], convert=True)
    agency_name, category_name, category_order = row[len(names) :]
    entry.agency = instance(
        Agency, connection.alias, ["id", "name", "short_code"], [entry.agency_id, agency_name, short_code]
    )
    if entry.category_id is not None:
        entry.category = instance(
            Category,
            connection.alias,
            ["id", "name", "order"],
            [entry.category_id, category_name, category_order],
        )
    return entry


_ATTACHMENT_NAMES = ("id", "item_id", "filename", "kind", "content_type", "size")


def entry_attachments(entry: Item) -> list[Attachment]:
    """The entry's files, without their contents."""
    columns = ", ".join(f'"{name}"' for name in _ATTACHMENT_NAMES)
    return [
        instance(Attachment, connection.alias, _ATTACHMENT_NAMES, row, convert=True)
        for row in rawrows.rows(
            f'SELECT {columns} FROM "catalogue_attachment" WHERE "item_id" = %s ORDER BY "id"', [entry.pk]
        )
    ]


def _linked_entries(where: str, params: list[Any], order: str) -> list[Item]:
    """Entries as links to their pages (id, title, 索引号, date, status and the agency's code)."""
    names = ("id", "title", "index_number", "published_on", "status", "interprets_id", "agency_id")
    columns = ", ".join(f'i."{name}"' for name in names)
    found = []
    for row in rawrows.rows(
        f'SELECT {columns}, a."short_code" FROM "catalogue_item" i '
        f'JOIN "agencies_agency" a ON a."id" = i."agency_id" WHERE {where} {order}',
        params,
    ):
        entry = instance(Item, connection.alias, names, row[:-1], convert=True)
        entry.agency = instance(Agency, connection.alias, ["id", "short_code"], [entry.agency_id, row[-1]])
        found.append(entry)
    return found


def published_interpretations(entry: Item) -> list[Item]:
    """The published 政策解读 of ``entry``, newest first."""
    return _linked_entries(
        'i."interprets_id" = %s AND i."status" = %s',
        [entry.pk, Status.PUBLISHED.value],
        'ORDER BY i."published_on" DESC, i."id" DESC',
    )


def interpreted_entry(entry: Item) -> Item | None:
    """The document ``entry`` interprets, if it has a public page."""
    if entry.interprets_id is None:
        return None
    found = _linked_entries(
        'i."id" = %s AND i."status" IN (%s, %s)',
        [entry.interprets_id, *(status.value for status in PAGE_STATUSES)],
        "",
    )
    return found[0] if found else None


def public_attachment(short_code: str, pk: int, attachment_pk: int) -> Attachment | None:
    """A file of a published entry (its bytes are read from the storage only when it is sent)."""
    return (
        Attachment.objects.filter(
            pk=attachment_pk, item_id=pk, item__status=Status.PUBLISHED, item__agency__short_code=short_code
        )
        .only("id", "filename", "content_type", "size", "sha256", "file")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# The workspace (/manage/catalogue/)
# ---------------------------------------------------------------------------------------------


def visible_item(user: AbstractBaseUser | AnonymousUser, pk: int) -> Item:
    """The entry if ``user`` may see it; 404 otherwise (never a hint that it exists)."""
    return get_object_or_404(
        permissions.items_visible_to(user).select_related("agency", "category", "interprets"), pk=pk
    )


def workspace_items(
    user: AbstractBaseUser | AnonymousUser,
    *,
    statuses: tuple[str, ...] = (),
    kind: str = "",
    agency: Any = None,
    q: str = "",
) -> QuerySet[Item] | indexing.SearchResults:
    """The entries ``user`` may see, in one of ``statuses`` (any when empty), of ``kind``, of ``agency``
    and matching the search ``q`` (each when given), the latest changed first — or, with ``q``, the best
    matches first among the latest changed 2,000 (:class:`~gongkai.catalogue.indexing.SearchResults`);
    without their texts."""
    items = permissions.items_visible_to(user)
    if len(statuses) == 1:
        items = items.filter(status=statuses[0])
    elif statuses:
        items = items.filter(status__in=statuses)
    if kind:
        items = items.filter(kind=kind)
    if agency:
        items = items.filter(agency=agency)
    scope = items
    if q:
        items = indexing.search(items, q)
    rows = items.select_related("agency").defer(
        "body", "search_text", "search_head", "search_vector", "summary"
    )
    if q:
        # The staff list ranks the latest changed 2,000 (an agency's own entries, all statuses); the public
        # searches rank fewer (indexing.SEARCH_WINDOW).
        return indexing.SearchResults(
            items, q, rows=rows, order=("-updated_at", "-id"), cap=DEFAULT_COUNT_CAP, scope=scope
        )
    return rows.order_by("-updated_at", "-id")


def item_events(item: Item) -> list[ItemEvent]:
    """The entry's events in order, with who made them."""
    return list(item.events.select_related("actor").order_by("at", "id"))


def item_attachments(item: Item) -> list[Attachment]:
    """The entry's files without their contents or texts."""
    return list(item.attachments.defer("text").order_by("id"))


def reading_jobs(attachments: list[Attachment]) -> dict[uuid.UUID, Job]:
    """The jobs reading the unread files among ``attachments``, by id."""
    ids = [a.reading_job for a in attachments if a.reading != Reading.DONE and a.reading_job is not None]
    return {job.pk: job for job in Job.objects.filter(pk__in=ids)} if ids else {}


def attachment_jobs(item_pk: int, kind: str) -> dict[int, Job]:
    """The latest job of ``kind`` (params ``{"item": item_pk, "attachment": pk}``) of each file of the entry,
    by the file's id (a redaction's progress or its reason on the entry page)."""
    latest: dict[int, Job] = {}
    for job in Job.objects.filter(kind=kind, params__item=item_pk).order_by("-created_at")[:200]:
        pk = job.params.get("attachment") if isinstance(job.params, dict) else None
        if isinstance(pk, int) and pk not in latest:
            latest[pk] = job
    return latest


def item_attachment(item: Item, attachment_pk: int, *, with_data: bool) -> Attachment:
    """One file of the entry (its contents only ``with_data``), or 404."""
    attachments = Attachment.objects.filter(item=item)
    if not with_data:
        attachments = attachments.defer("text")
    return get_object_or_404(attachments, pk=attachment_pk)


# ---------------------------------------------------------------------------------------------
# Corrections (更正)
# ---------------------------------------------------------------------------------------------


_CORRECTION_NAMES = ("id", "item_id", "number", "corrected_on", "public_note")


def entry_corrections(entry: Item) -> list[ItemVersion]:
    """The corrections published onto ``entry``, oldest first (the public page shows date and note)."""
    columns = ", ".join(f'"{name}"' for name in _CORRECTION_NAMES)
    return [
        instance(ItemVersion, connection.alias, _CORRECTION_NAMES, row, convert=True)
        for row in rawrows.rows(
            f'SELECT {columns} FROM "catalogue_itemversion" WHERE "item_id" = %s ORDER BY "number"',
            [entry.pk],
        )
    ]


def item_versions(item: Item) -> list[ItemVersion]:
    """The corrections of ``item`` for staff: every field of the record."""
    return list(item.versions.select_related("draft").order_by("number"))


def item_version(item: Item, number: int) -> ItemVersion:
    version: ItemVersion = get_object_or_404(
        ItemVersion.objects.select_related("draft", "item"), item=item, number=number
    )
    return version


def open_correction(item: Item) -> Item | None:
    """The correction draft of ``item`` still under way, if any."""
    return (
        item.correction_drafts.exclude(status=Status.APPLIED).order_by("pk").first()
        if item.pk is not None
        else None
    )
