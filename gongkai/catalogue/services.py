"""Every step of a catalogue entry, one function each: permission-checked, validated, audited, atomic.

Each step locks the entry's row (``select_for_update``) so that two people acting at once are
serialised, checks the step against the workflow table (:mod:`gongkai.catalogue.workflow`) for the
entry's state and the person's roles at its agency, changes the entry, appends an :class:`ItemEvent`
(from/to state, actor, note, data), records an audit event in the same transaction, and refreshes the
entry's search index (:func:`gongkai.catalogue.indexing.reindex`).

The privacy scanner (:mod:`gongkai.catalogue.scanner`) runs on the title, summary, body and the text of
every file when the entry is submitted and again when it is published; publishing with unresolved hits
needs an explicit reason, recorded on the event and in the audit log. The body is scanned twice: as
stored (HTML, whose hits can be masked in place) and as a reader sees it (:func:`body_text`: tags
removed, entities decoded), so that a number split by a tag or written with non-breaking spaces is still
found. A file that could not be checked (``Attachment.extraction_problem``) counts as an unresolved
finding too. Events and audit details keep the masked form of a hit, never the personal data itself.

The entry page shows the scan from the shared cache (:func:`scan_overview`): each part is scanned once
per content and sensitive-word list, and each part lists at most :data:`PAGE_FINDINGS` findings.

People are kept apart (一事一审): besides the roles of the workflow table, the confidentiality review
may not be passed by the entry's creator, by anyone who changed it since it was last returned, or by
its submitter, and the approval may not be given by anyone who passed the review in the same round
(:func:`decide`; superusers are exempt).

Errors a user can fix raise :class:`CatalogueError` (a ``ValidationError`` with a Chinese message);
a user without the right raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import nh3
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.catalogue import extract, index_numbers, indexing, permissions, scanner, workflow
from gongkai.catalogue.models import (
    Attachment,
    DocumentType,
    Item,
    ItemEvent,
    ItemKind,
    SensitiveWord,
    Status,
    Validity,
)
from gongkai.core.audit import record_audit
from gongkai.statute.periods import PUBLICATION_WORKING_DAYS
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar

Actor = AbstractBaseUser | AnonymousUser | None


class CatalogueError(ValidationError):
    """A step that the entry's state or the input does not allow; the message says why, in Chinese."""


# ---------------------------------------------------------------------------------------------
# Rules of the content
# ---------------------------------------------------------------------------------------------

#: The fields an officer fills in (create_draft / update_draft accept these keys).
EDITABLE_FIELDS: tuple[str, ...] = (
    "kind",
    "title",
    "publisher",
    "doc_number",
    "written_on",
    "effective_on",
    "repealed_on",
    "document_type",
    "validity",
    "category",
    "article20_item",
    "disclosure_mode",
    "summary",
    "keywords",
    "body",
    "interprets",
    "is_ogi_rule",
)
#: 第二十条（五）（六）: decisions published one by one are counted under their item (D9).
DECISION_ARTICLE_20: dict[str, int] = {
    ItemKind.LICENSING: 5,
    ItemKind.PENALTY: 6,
    ItemKind.ENFORCEMENT: 6,
}
#: 规章 and 行政规范性文件 carry their validity (有效性), for table 二 (D9).
NEEDS_VALIDITY = frozenset({DocumentType.REGULATION, DocumentType.NORMATIVE})
SUMMARY_MAX_CHARS = 500
NOTE_MAX_CHARS = 2000

#: The body is HTML, cleaned with nh3 at every save: these tags only, links to http(s) only.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"}
    | {"h2", "h3", "h4", "a", "blockquote"}
)
_HAS_TAG = re.compile(r"<[A-Za-z/!]")
#: ASCII control characters other than tab and line feed: XML 1.0 (the feeds) cannot carry most of
#: them, and none belongs in an entry.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: How nh3 writes a non-breaking space (U+00A0, also when given as ``&#160;`` or ``&NonBreakingSpace;``).
_NBSP_ENTITY = "&nbsp;"


def strip_controls(value: str) -> str:
    """``value`` with line ends made ``\\n`` and every other ASCII control character but tab removed."""
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def sanitize_html(value: str) -> str:
    """The body as safe HTML. Text without any tag is taken as plain text: one paragraph per line.

    Control characters are removed and non-breaking spaces become plain spaces, so that the scanner
    finds a number written ``138 0013 8000`` with non-breaking spaces in the stored HTML.
    """
    value = strip_controls(value).replace("\u00a0", " ").strip()
    if not value:
        return ""
    if not _HAS_TAG.search(value):
        lines = [line.strip() for line in value.split("\n")]
        value = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)
    cleaned = nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.replace(_NBSP_ENTITY, " ").replace("\u00a0", " ").strip()


#: Tags that do not break the text (a number split by them reads as one number); every other tag does.
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "code", "em", "font", "i", "mark", "s", "small", "span", "strong", "sub", "sup", "u"}
)
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*>", re.DOTALL)


def body_text(value: str) -> str:
    """The body as a reader sees it: tags removed (an inline tag such as ``<strong>`` leaves nothing, any
    other tag — a paragraph, a line break, a cell — a line break), entities decoded, whitespace kept."""

    def replace(match: re.Match[str]) -> str:
        name = (match.group(2) or "").lower()
        return "\n" if name and name not in _INLINE_TAGS else ""  # a comment leaves nothing

    return html.unescape(_TAG_OR_COMMENT.sub(replace, value or ""))


def _one_line(value: Any) -> str:
    return " ".join(strip_controls(str(value or "")).split())


# ---------------------------------------------------------------------------------------------
# Reading an entry: the scan and the publication clock
# ---------------------------------------------------------------------------------------------

#: Text fields the scan reads (and a mask may change), with their labels.
TEXT_SOURCES: dict[str, str] = {"title": "名称", "summary": "内容概述", "body": "正文"}
#: The body as a reader sees it (:func:`body_text`): its hits that the stored HTML does not show (a
#: number split by a tag, or written with the non-breaking spaces of an older entry) cannot be masked
#: in place; the officer changes the body by hand.
BODY_TEXT_SOURCE = "body_text"
BODY_TEXT_LABEL = "正文（纯文本）"
ATTACHMENT_SOURCE = "attachment"
#: The "kind" of a finding that is a file the scanner could not read (an image, a scanned or encrypted
#: PDF, a file cut short): a person must look at it, so it counts as unresolved like a hit.
UNCHECKED = "unchecked"
UNCHECKED_LABEL = "无法自动检查"
_TAG_IN_CONTEXT = re.compile(r"<[^>]*>|^[^<]*>|<[^>]*$")


@dataclass(frozen=True)
class Finding:
    """A scanner hit in one part of an entry (or a file that could not be checked: :attr:`unchecked`)."""

    source: str  # "title", "summary", "body", "body_text" or "attachment"
    source_label: str
    hit: scanner.Hit
    attachment_id: int | None = None

    @property
    def maskable(self) -> bool:
        """A hit in the entry's own text can be masked; a file must be replaced (or overridden), a hit
        seen only in the body's plain text must be changed by hand."""
        return self.source in TEXT_SOURCES

    @property
    def unchecked(self) -> bool:
        return self.hit.kind == UNCHECKED

    @property
    def context(self) -> str:
        """The hit's context as plain text (the body is HTML: tags are removed)."""
        if self.source != "body":
            return self.hit.context
        return " ".join(html.unescape(_TAG_IN_CONTEXT.sub(" ", self.hit.context)).split())

    def summary(self) -> dict[str, Any]:
        """What the event log keeps: the masked value and where, never the value itself."""
        return {
            "source": self.source,
            "source_label": self.source_label,
            "kind": self.hit.kind,
            "kind_label": self.hit.kind_label,
            "masked": self.hit.masked,
            "start": self.hit.start,
        }


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


def _hit_key(hit: scanner.Hit) -> tuple[str, str]:
    """The same hit in the HTML and in the plain text has the same key: its kind and its value without
    separators (a mobile number without the country code, which a tag may hide from the HTML's scan)."""
    value = "".join(ch for ch in scanner.fold(html.unescape(hit.value), lower=True) if ch not in " -\n\t")
    if hit.kind == scanner.MOBILE:
        value = value[-11:]
    return hit.kind, value


def _scan_body(body: str, words: list[str]) -> tuple[list[scanner.Hit], list[scanner.Hit]]:
    """The hits of the stored HTML, and the hits of the plain text that the HTML does not show."""
    in_html = scanner.scan_text(body, sensitive_words=words)
    if not body:
        return in_html, []
    remaining = Counter(_hit_key(h) for h in in_html)
    only_plain: list[scanner.Hit] = []
    for hit in scanner.scan_text(body_text(body), sensitive_words=words):
        key = _hit_key(hit)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            only_plain.append(hit)
    return in_html, only_plain


def unchecked_finding(attachment: Attachment) -> Finding:
    """The finding for a file whose text could not (all) be checked."""
    problem = " ".join(attachment.extraction_problem.split()).rstrip("。；;，,")
    message = f"附件无法自动检查：{problem}"
    if not problem.endswith("人工核对"):
        message += "，请人工核对"
    hit = scanner.Hit(
        kind=UNCHECKED,
        value="",
        masked="—",
        start=0,
        end=0,
        context=message + "。",
        kind_label=UNCHECKED_LABEL,
    )
    return Finding(ATTACHMENT_SOURCE, f"附件：{attachment.filename}", hit, attachment.pk)


def scan_item(item: Item, words: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of the entry, in full (submit and publish decide on this): the scanner's hits in
    the title, the summary, the body (as stored, then those seen only in its plain text) and each file,
    and each file that could not be checked."""
    words = sensitive_words_for(item.agency_id) if words is None else list(words)
    findings: list[Finding] = []
    for source, label in TEXT_SOURCES.items():
        if source == "body":
            continue
        text = getattr(item, source) or ""
        findings.extend(Finding(source, label, hit) for hit in scanner.scan_text(text, sensitive_words=words))
    in_html, only_plain = _scan_body(item.body or "", words)
    findings.extend(Finding("body", TEXT_SOURCES["body"], hit) for hit in in_html)
    findings.extend(Finding(BODY_TEXT_SOURCE, BODY_TEXT_LABEL, hit) for hit in only_plain)
    if item.pk is not None:
        attachments = item.attachments.only("id", "filename", "text", "extraction_problem").order_by("id")
        for attachment in attachments:
            if attachment.extraction_problem:
                findings.append(unchecked_finding(attachment))
            findings.extend(
                Finding(ATTACHMENT_SOURCE, f"附件：{attachment.filename}", hit, attachment.pk)
                for hit in scanner.scan_text(attachment.text or "", sensitive_words=words)
            )
    return findings


def scan_summary(findings: list[Finding], *, limit: int = 200) -> dict[str, Any]:
    """The scan for an event: how many hits of which kind, and each hit masked."""
    return {
        "count": len(findings),
        "by_kind": dict(Counter(f.hit.kind_label for f in findings)),
        "hits": [f.summary() for f in findings[:limit]],
    }


# --- The scan for the pages: cached, and at most PAGE_FINDINGS findings per part ---------------

#: Findings listed per part of the entry (title, body, each file …) on the entry page and the print forms.
PAGE_FINDINGS = 50
#: How long a scan result is kept in the shared cache. Its key holds the digest of the content and of
#: the sensitive-word list, so it is never stale; this only bounds how long an unused result is kept.
SCAN_CACHE_SECONDS = 7 * 24 * 3600
#: Raised whenever the scanner or the extraction changes what a content gives.
SCAN_CACHE_VERSION = 1
_CACHED_HITS = 200


@dataclass(frozen=True)
class SourceFindings:
    """The findings of one part of the entry: the first few, and how many there are in all."""

    source: str
    source_label: str
    findings: tuple[Finding, ...]
    total: int

    @property
    def unlisted(self) -> int:
        return self.total - len(self.findings)


@dataclass(frozen=True)
class ScanOverview:
    """The scan as the entry page and the print forms show it (part by part, each part cut short)."""

    parts: tuple[SourceFindings, ...]

    @property
    def total(self) -> int:
        return sum(p.total for p in self.parts)

    @property
    def findings(self) -> list[Finding]:
        """The findings listed (at most :data:`PAGE_FINDINGS` per part)."""
        return [f for p in self.parts for f in p.findings]

    @property
    def unchecked(self) -> int:
        return sum(1 for f in self.findings if f.unchecked)


def _words_digest(words: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(words)).encode()).hexdigest()[:32]


def _scan_key(part: str, digest: str, words_digest: str) -> str:
    return f"gongkai:catalogue:scan:v{SCAN_CACHE_VERSION}:{part}:{digest}:{words_digest}"


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _pack(hits: list[scanner.Hit]) -> dict[str, Any]:
    """A scan result for the cache: how many hits, and the first few without their values."""
    return {"total": len(hits), "hits": [h.to_json() for h in hits[:_CACHED_HITS]]}


def _unpack(value: Any) -> tuple[int, list[scanner.Hit]] | None:
    if not isinstance(value, dict) or not isinstance(value.get("total"), int):
        return None
    try:
        hits = [
            scanner.Hit(
                kind=str(h["kind"]),
                value="",
                masked=str(h["masked"]),
                start=int(h["start"]),
                end=int(h["end"]),
                context=str(h["context"]),
                kind_label=str(h["kind_label"]),
            )
            for h in value["hits"]
        ]
    except (KeyError, TypeError, ValueError):
        return None
    return value["total"], hits


def scan_overview(item: Item, *, limit: int = PAGE_FINDINGS) -> ScanOverview:
    """The entry's findings part by part, at most ``limit`` per part, with each part's total.

    Each part's scan is kept in the shared cache under the digest of its content (a file's sha256)
    and of the sensitive-word list, so that a page view scans only what changed since the last one.
    The cached results hold no personal data (masked values and contexts only).
    """
    words = sensitive_words_for(item.agency_id)
    words_digest = _words_digest(words)
    body = item.body or ""
    body_digest = _text_digest(body)
    keys: dict[str, str] = {}
    for source in TEXT_SOURCES:
        keys[source] = _scan_key("text", _text_digest(getattr(item, source) or ""), words_digest)
    keys[BODY_TEXT_SOURCE] = _scan_key("plain", body_digest, words_digest)
    attachments: list[Attachment] = []
    if item.pk is not None:
        attachments = list(
            item.attachments.only("id", "filename", "sha256", "extraction_problem").order_by("id")
        )
    for attachment in attachments:
        keys[f"file:{attachment.pk}"] = _scan_key("file", attachment.sha256, words_digest)
    cached = cache.get_many(set(keys.values()))
    results: dict[str, tuple[int, list[scanner.Hit]]] = {}
    for name, key in keys.items():
        unpacked = _unpack(cached.get(key))
        if unpacked is not None:
            results[name] = unpacked
    fresh: dict[str, dict[str, Any]] = {}

    def store(name: str, hits: list[scanner.Hit]) -> None:
        packed = _pack(hits)
        fresh[keys[name]] = packed
        results[name] = (len(hits), hits)

    for source in ("title", "summary"):
        if source not in results:
            store(source, scanner.scan_text(getattr(item, source) or "", sensitive_words=words))
    if "body" not in results or BODY_TEXT_SOURCE not in results:
        in_html, only_plain = _scan_body(body, words)
        store("body", in_html)
        store(BODY_TEXT_SOURCE, only_plain)
    missing = [a.pk for a in attachments if f"file:{a.pk}" not in results]
    if missing:
        texts = dict(Attachment.objects.filter(pk__in=missing).values_list("id", "text"))
        for pk in missing:
            store(f"file:{pk}", scanner.scan_text(texts.get(pk) or "", sensitive_words=words))
    if fresh:
        cache.set_many(fresh, SCAN_CACHE_SECONDS)

    parts: list[SourceFindings] = []

    def add(source: str, label: str, total: int, findings: list[Finding]) -> None:
        if total:
            parts.append(SourceFindings(source, label, tuple(findings[:limit]), total))

    for source, label in (*TEXT_SOURCES.items(), (BODY_TEXT_SOURCE, BODY_TEXT_LABEL)):
        total, hits = results[source]
        add(source, label, total, [Finding(source, label, h) for h in hits])
    for attachment in attachments:
        total, hits = results[f"file:{attachment.pk}"]
        label = f"附件：{attachment.filename}"
        findings = [Finding(ATTACHMENT_SOURCE, label, h, attachment.pk) for h in hits]
        if attachment.extraction_problem:
            findings.insert(0, unchecked_finding(attachment))
            total += 1
        add(ATTACHMENT_SOURCE, label, total, findings)
    return ScanOverview(tuple(parts))


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
    return PublicationClock(item.written_on, today, due, published, days_left)


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
# Helpers
# ---------------------------------------------------------------------------------------------


def _user(actor: Actor) -> User | None:
    return cast(User, actor) if actor is not None and actor.is_authenticated else None


def actor_label(user: User | None) -> str:
    if user is None:
        return ""
    name = user.get_full_name().strip()
    username = user.get_username()
    return (f"{name}（{username}）" if name and name != username else username)[:150]


def _lock(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("agency").get(pk=item.pk)


def _require(actor: Actor, item: Item, action: str) -> workflow.Decision:
    """The decision (:func:`decide`) for ``actor`` on the (locked) ``item``, or the error."""
    if actor is None or not permissions.can_act(actor, item.agency):
        raise PermissionDenied("您没有办理该机关主动公开事项的权限。")
    decision = decide(actor, item, action)
    if decision.allowed:
        return decision
    if decision.code == workflow.REFUSED_STATE:
        raise CatalogueError(decision.reason, code="not_allowed")
    raise PermissionDenied(decision.reason)


def _event(
    item: Item,
    action: str,
    actor: Actor,
    *,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ItemEvent:
    user = _user(actor)
    return ItemEvent.objects.create(
        item=item,
        action=action,
        from_status=from_status,
        to_status=item.status,
        actor=user,
        actor_label=actor_label(user),
        note=note,
        data=data or {},
    )


def _note(value: str, *, required: bool, label: str = "理由") -> str:
    text = strip_controls(value).strip()
    if required and not text:
        raise CatalogueError({"note": [f"请填写{label}。"]}, code="reason_required")
    if len(text) > NOTE_MAX_CHARS:
        raise CatalogueError({"note": [f"{label}不能超过 {NOTE_MAX_CHARS} 个字。"]}, code="too_long")
    return text


def _merge(errors: dict[str, list[str]], exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, items in exc.error_dict.items():
            errors.setdefault(name, []).extend(m for e in items for m in e.messages)
    else:
        errors.setdefault("__all__", []).extend(exc.messages)


def _apply(item: Item, data: Mapping[str, Any]) -> None:
    """Put ``data`` on ``item`` (cleaned), then check the entry as a whole."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(item, name, value)
    for name in ("title", "publisher", "doc_number", "keywords"):
        setattr(item, name, _one_line(getattr(item, name)))
    item.summary = strip_controls(item.summary).strip()
    item.body = sanitize_html(item.body)
    if not item.publisher:
        item.publisher = item.agency.name
    if item.document_type not in NEEDS_VALIDITY and item.validity == Validity.NOT_APPLICABLE:
        item.validity = ""
    expected = DECISION_ARTICLE_20.get(item.kind)
    if expected is not None and item.article20_item is None:
        item.article20_item = expected
    _validate(item)


def _validate(item: Item) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    try:
        item.full_clean(exclude=["search_text", "search_vector", "created_by", "index_number"])
    except ValidationError as exc:
        _merge(errors, exc)
    today = timezone.localdate()
    if isinstance(item.written_on, datetime.date) and item.written_on > today:
        add("written_on", f"成文日期（{item.written_on}）不能晚于今天（{today}）。")
    if item.document_type in NEEDS_VALIDITY and not item.validity:
        add(
            "validity",
            f"{DocumentType(item.document_type).label}须注明有效性（现行有效、已修改、已废止或已失效）。",
        )
    if item.validity == Validity.REPEALED and not item.repealed_on:
        add("repealed_on", "已废止的文件须填写废止日期。")
    if item.repealed_on and isinstance(item.written_on, datetime.date) and item.repealed_on < item.written_on:
        add("repealed_on", "废止日期不能早于成文日期。")
    if item.repealed_on and item.effective_on and item.repealed_on < item.effective_on:
        add("repealed_on", "废止日期不能早于实施日期。")
    expected = DECISION_ARTICLE_20.get(item.kind)
    if expected is not None and item.article20_item not in (None, expected):
        add(
            "article20_item",
            f"{ItemKind(item.kind).label}属于第二十条第{'五' if expected == 5 else '六'}项"
            "（统计在年度报告表二中），请选择该项。",
        )
    if item.interprets_id is not None:
        if item.kind != ItemKind.INTERPRETATION:
            add("interprets", "只有“政策解读”类条目可以关联所解读的文件。")
        elif item.pk is not None and item.interprets_id == item.pk:
            add("interprets", "条目不能解读它自己。")
    if len(item.summary) > SUMMARY_MAX_CHARS:
        add("summary", f"内容概述不能超过 {SUMMARY_MAX_CHARS} 个字（现有 {len(item.summary)} 个字）。")
    if errors:
        raise CatalogueError(errors, code="invalid")


def _changed(before: dict[str, Any], item: Item) -> list[str]:
    return [name for name in EDITABLE_FIELDS if before.get(name) != _field_value(item, name)]


def _field_value(item: Item, name: str) -> Any:
    if name in ("category", "interprets"):
        return getattr(item, f"{name}_id")
    return getattr(item, name)


# ---------------------------------------------------------------------------------------------
# Drafting
# ---------------------------------------------------------------------------------------------


def create_draft(*, actor: Actor, agency: Agency, data: Mapping[str, Any]) -> Item:
    """A new entry of ``agency`` in state 草稿 (the agency's 信息员)."""
    if actor is None or not (
        permissions.is_superuser(actor) or workflow.OFFICER in permissions.roles_at(actor, agency.pk)
    ):
        raise PermissionDenied("只有本机关的信息员可以起草主动公开条目。")
    item = Item(agency=agency, status=Status.DRAFT, created_by=_user(actor))
    _apply(item, data)
    with transaction.atomic():
        item.save()
        _event(item, "create", actor, from_status="", data={"title": item.title})
        record_audit(actor, "catalogue.item_created", item, title=item.title)
        indexing.reindex(item)
    return item


def update_draft(*, actor: Actor, item: Item, data: Mapping[str, Any]) -> Item:
    """Change the fields of a draft or returned entry."""
    with transaction.atomic():
        item = _lock(item)
        _require(actor, item, workflow.EDIT)
        before = {name: _field_value(item, name) for name in EDITABLE_FIELDS}
        _apply(item, data)
        changed = _changed(before, item)
        if not changed:
            return item
        item.save()
        _event(item, workflow.EDIT, actor, from_status=item.status, data={"fields": changed})
        record_audit(actor, "catalogue.item_updated", item, fields=changed)
        indexing.reindex(item)
    return item


# --- Files ----------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 20
#: Sniffed kinds that may be attached, with the extensions each may have.
ALLOWED_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "image": (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"),
}
KIND_LABELS: dict[str, str] = {
    "pdf": "PDF 文件",
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 表格（.xlsx）",
    "image": "图片",
    "text": "纯文本文件",
    "unknown": "无法识别的格式",
}
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def clean_filename(filename: str) -> str:
    """The file's own name: no directories, no control characters, at most 255 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 255 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name


def _extension(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def _content_type(kind: str, data: bytes) -> str:
    if kind == "image":
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return "image/webp"
        for magic, content_type in _IMAGE_MAGIC:
            if data.startswith(magic):
                return content_type
        return "application/octet-stream"
    return CONTENT_TYPES[kind]


def check_file(filename: str, data: bytes) -> tuple[str, str]:
    """The file's clean name and sniffed kind, or a :class:`CatalogueError` saying what is wrong."""
    name = clean_filename(filename)
    if not name:
        raise CatalogueError({"file": ["文件名无效。"]}, code="bad_filename")
    if not data:
        raise CatalogueError({"file": [f"文件“{name}”是空的。"]}, code="empty_file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise CatalogueError(
            {"file": [f"文件“{name}”超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB，不能上传。"]},
            code="too_large",
        )
    kind = extract.sniff(data, name)
    if kind not in ALLOWED_EXTENSIONS:
        hint = ""
        if _extension(name) in (".doc", ".xls", ".wps", ".et"):
            hint = "旧版 Word、Excel 或 WPS 格式请另存为 .docx 或 .xlsx 后上传。"
        raise CatalogueError(
            {
                "file": [
                    f"只能上传 PDF、Word（.docx）、Excel（.xlsx）文件或图片；"
                    f"“{name}”是{KIND_LABELS.get(kind, KIND_LABELS['unknown'])}。{hint}"
                ]
            },
            code="file_type",
        )
    extension = _extension(name)
    if extension not in ALLOWED_EXTENSIONS[kind]:
        raise CatalogueError(
            {
                "file": [
                    f"文件“{name}”的扩展名（{extension or '无'}）与文件内容（{KIND_LABELS[kind]}）不符，"
                    f"请确认文件无误并使用正确的扩展名（{'、'.join(ALLOWED_EXTENSIONS[kind])}）。"
                ]
            },
            code="extension_mismatch",
        )
    return name, kind


def add_attachment(*, actor: Actor, item: Item, filename: str, data: bytes) -> Attachment:
    """Attach a PDF, Word, Excel or image file (≤ 20 MB, ≤ 20 per entry); its text is extracted."""
    # Cheap checks first, then the permission (no text extraction for someone who may not attach).
    with transaction.atomic():
        _require(actor, _lock(item), workflow.EDIT)
    name, kind = check_file(filename, data)
    extracted = extract.extract_text(data, name)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        item = _lock(item)
        _require(actor, item, workflow.EDIT)
        if item.attachments.count() >= MAX_ATTACHMENTS:
            raise CatalogueError(
                {"file": [f"每个条目最多 {MAX_ATTACHMENTS} 个附件。"]}, code="too_many_files"
            )
        duplicate = item.attachments.filter(sha256=digest).values_list("filename", flat=True).first()
        if duplicate is not None:
            raise CatalogueError({"file": [f"该文件已经上传过（“{duplicate}”）。"]}, code="duplicate_file")
        attachment = Attachment.objects.create(
            item=item,
            filename=name,
            kind=kind,
            content_type=_content_type(kind, data),
            size=len(data),
            sha256=digest,
            data=data,
            text=extracted.text or "",
            extraction_problem=(extracted.problem or "")[:300],
        )
        details: dict[str, Any] = {
            "attachment_id": attachment.pk,
            "filename": name,
            "kind": kind,
            "size": len(data),
        }
        _event(item, "attachment_add", actor, from_status=item.status, data={**details, "sha256": digest})
        record_audit(actor, "catalogue.attachment_added", item, **details, sha256=digest)
        Item.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        indexing.reindex(item)
    return attachment


def remove_attachment(*, actor: Actor, attachment: Attachment) -> None:
    """Remove a file from a draft or returned entry (to replace it, e.g. by a masked version)."""
    with transaction.atomic():
        item = _lock(attachment.item)
        _require(actor, item, workflow.EDIT)
        current = item.attachments.filter(pk=attachment.pk).only("id", "filename", "sha256").first()
        if current is None:
            raise CatalogueError("该附件已经删除。", code="gone")
        details: dict[str, Any] = {"attachment_id": current.pk, "filename": current.filename}
        current.delete()
        _event(
            item,
            "attachment_remove",
            actor,
            from_status=item.status,
            data={**details, "sha256": current.sha256},
        )
        record_audit(actor, "catalogue.attachment_removed", item, **details)
        Item.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        indexing.reindex(item)


# --- Masking --------------------------------------------------------------------------------


def mask_hit(*, actor: Actor, item: Item, source: str, start: int, end: int, kind: str) -> Item:
    """Replace one scanner hit in the title, summary or body by its masked form (one click).

    The hit is found again by scanning the field now: if the text has changed since the page was
    shown, nothing is masked and the user is asked to look again. Files cannot be edited here.
    """
    if source == BODY_TEXT_SOURCE:
        raise CatalogueError(
            "该处内容被正文的格式分隔（如加粗、不间断空格），不能一键遮盖：请在正文中手工修改。",
            code="not_maskable",
        )
    if source not in TEXT_SOURCES:
        raise CatalogueError(
            "附件中的内容不能在线遮盖：请替换为处理后的文件，或在发布时说明理由。", code="not_maskable"
        )
    with transaction.atomic():
        item = _lock(item)
        _require(actor, item, workflow.MASK)
        text = getattr(item, source) or ""
        hits = scanner.scan_text(text, sensitive_words=sensitive_words_for(item.agency_id))
        hit = next((h for h in hits if (h.start, h.end, h.kind) == (start, end, kind)), None)
        if hit is None:
            raise CatalogueError(
                "该处内容已经变化（可能已经遮盖），请刷新页面后重新查看。", code="hit_not_found"
            )
        masked = scanner.mask_one(text, hit)
        if source == "body":
            masked = sanitize_html(masked)
        elif source == "title":
            masked = _one_line(masked)[:300]
        else:
            masked = strip_controls(masked)
        setattr(item, source, masked)
        item.save(update_fields=[source, "updated_at"])
        details: dict[str, Any] = {
            "source": source,
            "source_label": TEXT_SOURCES[source],
            "kind": hit.kind,
            "kind_label": hit.kind_label,
            "masked": hit.masked,
            "start": hit.start,
        }
        _event(item, workflow.MASK, actor, from_status=item.status, data=details)
        record_audit(actor, "catalogue.hit_masked", item, **details)
        indexing.reindex(item)
    return item


# ---------------------------------------------------------------------------------------------
# The review workflow
# ---------------------------------------------------------------------------------------------


def _transition(
    *,
    actor: Actor,
    item: Item,
    action: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    audit: dict[str, Any] | None = None,
    decision: workflow.Decision | None = None,
) -> Item:
    """Move the (locked) entry by ``action``; the caller holds the transaction (and may have checked
    the step already: ``decision``)."""
    decision = decision or _require(actor, item, action)
    from_status = item.status
    item.status = decision.to_state
    item.save()
    _event(item, action, actor, from_status=from_status, note=note, data=data)
    record_audit(
        actor,
        f"catalogue.item_{action}",
        item,
        from_status=from_status,
        to_status=item.status,
        note=note,
        **(audit or {}),
    )
    indexing.reindex(item)
    return item


def _check_complete(item: Item) -> None:
    """What a catalogue entry must have before review: 名称、内容概述、生成日期 (第十二条) and more."""
    errors: dict[str, list[str]] = {}
    if not item.summary:
        errors["summary"] = ["提交审查前请填写内容概述（政府信息公开目录的必备项目，条例第十二条）。"]
    if item.category_id is None:
        errors["category"] = ["提交审查前请选择主题分类。"]
    if not item.body and not item.attachments.exists():
        errors["body"] = ["提交审查前请填写正文或上传附件。"]
    if errors:
        raise CatalogueError(errors, code="incomplete")


def submit(*, actor: Actor, item: Item, note: str = "") -> Item:
    """Submit for the confidentiality review (信息员); the scan's result is kept on the event."""
    note = _note(note, required=False, label="说明")
    with transaction.atomic():
        item = _lock(item)
        decision = _require(actor, item, workflow.SUBMIT)
        _validate(item)
        _check_complete(item)
        summary = scan_summary(scan_item(item))
        return _transition(
            actor=actor,
            item=item,
            action=workflow.SUBMIT,
            note=note,
            data={"scan": summary},
            audit={"scan_hits": summary["count"]},
            decision=decision,
        )


def review_pass(*, actor: Actor, item: Item, note: str = "") -> Item:
    """保密审查通过 (审核人, not the submitter)."""
    note = _note(note, required=False, label="审查意见")
    with transaction.atomic():
        item = _lock(item)
        decision = _require(actor, item, workflow.REVIEW_PASS)
        summary = scan_summary(scan_item(item))
        return _transition(
            actor=actor,
            item=item,
            action=workflow.REVIEW_PASS,
            note=note,
            data={"scan": summary},
            audit={"scan_hits": summary["count"]},
            decision=decision,
        )


def review_return(*, actor: Actor, item: Item, reason: str) -> Item:
    """保密审查退回, with the reasons (审核人)."""
    reason = _note(reason, required=True, label="退回理由")
    with transaction.atomic():
        return _transition(actor=actor, item=_lock(item), action=workflow.REVIEW_RETURN, note=reason)


def approve(*, actor: Actor, item: Item, note: str = "") -> Item:
    """领导审批同意 (分管领导)."""
    note = _note(note, required=False, label="审批意见")
    with transaction.atomic():
        return _transition(actor=actor, item=_lock(item), action=workflow.APPROVE, note=note)


def approve_return(*, actor: Actor, item: Item, reason: str) -> Item:
    """领导审批退回, with the reasons (分管领导)."""
    reason = _note(reason, required=True, label="退回理由")
    with transaction.atomic():
        return _transition(actor=actor, item=_lock(item), action=workflow.APPROVE_RETURN, note=reason)


def publish_return(*, actor: Actor, item: Item, reason: str) -> Item:
    """Return an approved entry before publishing it (信息员 or 分管领导)."""
    reason = _note(reason, required=True, label="退回理由")
    with transaction.atomic():
        return _transition(actor=actor, item=_lock(item), action=workflow.PUBLISH_RETURN, note=reason)


def _unresolved(findings: list[Finding]) -> str:
    """Why publishing needs a reason: the hits still in the entry, the files nobody could check."""
    unchecked = sum(1 for f in findings if f.unchecked)
    hits = len(findings) - unchecked
    parts: list[str] = []
    if hits:
        parts.append(f"发布前检查发现 {hits} 处疑似个人信息或错敏词，尚未处理。")
    if unchecked:
        parts.append(f"{'另有' if hits else '发布前检查发现'} {unchecked} 个附件无法自动检查，须人工核对。")
    return (
        "".join(parts) + "请退回修改（遮盖、修改正文或替换附件）；"
        "确需按原样发布的（或已人工核对无误的），请填写理由。"
    )


def publish(*, actor: Actor, item: Item, override_reason: str = "") -> Item:
    """Publish today (信息员): scan again, issue the index number, record everything.

    With hits still in the entry, or files the scanner could not check, publishing needs
    ``override_reason`` (e.g. the numbers are the agency's own public service lines, or the scanned
    pages were checked by a person); the reason and the masked hits go on the event and into the audit
    log. An index number that would not fit its column (:class:`index_numbers.IndexNumberTooLong`) is
    refused with what to change.
    """
    override_reason = _note(override_reason, required=False, label="发布理由")
    try:
        with transaction.atomic():
            item = _lock(item)
            decision = _require(actor, item, workflow.PUBLISH)
            findings = scan_item(item)
            summary = scan_summary(findings)
            if findings and not override_reason:
                raise CatalogueError({"override_reason": [_unresolved(findings)]}, code="unresolved_hits")
            today = timezone.localdate()
            try:
                item.index_number = index_numbers.issue(item.agency, today)
            except index_numbers.IndexNumberTooLong as exc:
                raise CatalogueError(
                    f"本机关的索引号（如“{exc.number}”）有 {len(exc.number)} 个字符，"
                    f"超过 {index_numbers.MAX_LENGTH} 个字符的上限，未能发布。"
                    "请系统管理员在管理后台本机关的“索引号规则”中设置较短的自定义前段码"
                    "（或为本机关填写统一社会信用代码）后再发布。",
                    code="index_number_too_long",
                ) from exc
            item.published_on = today
            data: dict[str, Any] = {"scan": summary, "index_number": item.index_number}
            audit: dict[str, Any] = {"index_number": item.index_number, "scan_hits": len(findings)}
            if findings:
                data["override_reason"] = override_reason
                audit["override_reason"] = override_reason
            item = _transition(
                actor=actor,
                item=item,
                action=workflow.PUBLISH,
                note=override_reason,
                data=data,
                audit=audit,
                decision=decision,
            )
            if findings:
                record_audit(
                    actor,
                    "catalogue.scan_overridden",
                    item,
                    override_reason=override_reason,
                    index_number=item.index_number,
                    hits=summary["hits"],
                )
    except IntegrityError as exc:
        raise CatalogueError("索引号冲突，未能发布，请重试。", code="index_number_conflict") from exc
    return item


def withdraw(*, actor: Actor, item: Item, reason: str) -> Item:
    """Withdraw a published entry (信息员). It keeps its index number; the public sees only the
    title, the index number and 已撤回 with the reason."""
    reason = _note(reason, required=True, label="撤回理由")
    with transaction.atomic():
        item = _lock(item)
        decision = _require(actor, item, workflow.WITHDRAW)
        item.withdrawn_reason = reason
        return _transition(actor=actor, item=item, action=workflow.WITHDRAW, note=reason, decision=decision)


def perform(*, actor: Actor, item: Item, action: str, note: str = "") -> Item:
    """Run the step ``action`` (one of :data:`workflow.STEPS`) with ``note``: the opinion, the reason
    for a return or withdrawal, or the reason for publishing despite the scanner's hits."""
    if action == workflow.SUBMIT:
        return submit(actor=actor, item=item, note=note)
    if action == workflow.REVIEW_PASS:
        return review_pass(actor=actor, item=item, note=note)
    if action == workflow.REVIEW_RETURN:
        return review_return(actor=actor, item=item, reason=note)
    if action == workflow.APPROVE:
        return approve(actor=actor, item=item, note=note)
    if action == workflow.APPROVE_RETURN:
        return approve_return(actor=actor, item=item, reason=note)
    if action == workflow.PUBLISH_RETURN:
        return publish_return(actor=actor, item=item, reason=note)
    if action == workflow.PUBLISH:
        return publish(actor=actor, item=item, override_reason=note)
    if action == workflow.WITHDRAW:
        return withdraw(actor=actor, item=item, reason=note)
    raise ValueError(f"not a workflow step: {action}")


# ---------------------------------------------------------------------------------------------
# Sensitive words (错敏词)
# ---------------------------------------------------------------------------------------------

WORD_MAX_CHARS = 50


def add_sensitive_word(*, actor: Actor, agency: Agency | None, word: str, note: str = "") -> SensitiveWord:
    """Add a word to the agency's list (``agency=None``: the site-wide list, superusers only)."""
    if actor is None or not permissions.can_manage_words(actor, agency):
        raise PermissionDenied("您没有维护该错敏词表的权限。")
    word = _one_line(word)
    note = _one_line(note)[:200]
    if not word:
        raise CatalogueError({"word": ["请填写词语。"]}, code="required")
    if len(word) > WORD_MAX_CHARS:
        raise CatalogueError({"word": [f"词语不能超过 {WORD_MAX_CHARS} 个字。"]}, code="too_long")
    with transaction.atomic():
        exists = SensitiveWord.objects.filter(word=word)
        if exists.filter(agency__isnull=True).exists():
            raise CatalogueError({"word": [f"“{word}”已在全站通用的错敏词表中。"]}, code="duplicate")
        if agency is not None and exists.filter(agency=agency).exists():
            raise CatalogueError({"word": [f"“{word}”已在本机关的错敏词表中。"]}, code="duplicate")
        try:
            with transaction.atomic():
                entry = SensitiveWord.objects.create(agency=agency, word=word, note=note)
        except IntegrityError as exc:
            raise CatalogueError({"word": [f"“{word}”已在错敏词表中。"]}, code="duplicate") from exc
        record_audit(actor, "catalogue.sensitive_word_added", entry, agency=agency, word=word, note=note)
    return entry


def delete_sensitive_word(*, actor: Actor, word: SensitiveWord) -> None:
    if actor is None or not permissions.can_manage_words(actor, word.agency):
        raise PermissionDenied("您没有维护该错敏词表的权限。")
    with transaction.atomic():
        record_audit(actor, "catalogue.sensitive_word_deleted", word, agency=word.agency, word=word.word)
        word.delete()
