"""The privacy scan of a catalogue entry (:mod:`gongkai.catalogue.scanner` on its parts): reads only.

The scanner runs on the title, summary, body and the text of every file. The body is scanned twice: as
stored (HTML, whose hits can be masked in place) and as a reader sees it
(:func:`gongkai.catalogue.content.body_text`: tags removed, entities decoded), so that a number split by
a tag or written with non-breaking spaces is still found. A file that could not be checked
(``Attachment.extraction_problem``) counts as an unresolved finding too. Summaries keep the masked form
of a hit, never the personal data itself.

The entry page shows the scan from the shared cache (:func:`scan_overview`): each part is scanned once
per content and sensitive-word list, and each part lists at most :data:`PAGE_FINDINGS` findings.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext, pgettext

from gongkai.catalogue import scanner
from gongkai.catalogue.content import body_text
from gongkai.catalogue.models import Attachment, Item, Reading
from gongkai.catalogue.selectors import word_list_for
from gongkai.core.i18n import render
from gongkai.core.messages import N_, Message, message_from_json

#: Text fields the scan reads (and a mask may change), with their labels.
TEXT_SOURCES: dict[str, str] = {
    "title": N_("名称"),
    "summary": N_("内容概述"),
    "body": N_("正文"),
    # A correction draft's public note (更正说明) is published too, so it is scanned like the content.
    "correction_note": N_("更正说明"),
}
#: The body as a reader sees it (:func:`body_text`): its hits that the stored HTML does not show (a
#: number split by a tag, or written with the non-breaking spaces of an older entry) cannot be masked
#: in place; the officer changes the body by hand.
BODY_TEXT_SOURCE = "body_text"
BODY_TEXT_LABEL = N_("正文（纯文本）")
ATTACHMENT_SOURCE = "attachment"
#: The "kind" of a finding that is a file the scanner could not read (an image, a scanned or encrypted
#: PDF, a file cut short): a person must look at it, so it counts as unresolved like a hit.
UNCHECKED = "unchecked"
UNCHECKED_LABEL = N_("无法自动检查")
ATTACHMENT_LABEL = N_("附件：%(name)s")
#: The context of an unchecked file: its problems, one after the other.
MSG_UNCHECKED = N_("附件无法自动检查：%(problems)s。")
_TAG_IN_CONTEXT = re.compile(r"<[^>]*>|^[^<]*>|<[^>]*$")


@dataclass(frozen=True)
class Finding:
    """A scanner hit in one part of an entry (or a file that could not be checked: :attr:`unchecked`)."""

    source: str  # "title", "summary", "body", "body_text" or "attachment"
    source_label: str | Message
    hit: scanner.Hit
    attachment_id: int | None = None
    #: Why a file could not be checked (:attr:`unchecked`), shown as its context in the reader's language.
    problems: tuple[Message, ...] = ()

    @property
    def maskable(self) -> bool:
        """A hit in the entry's own text can be masked; a file must be replaced (or overridden), a hit
        seen only in the body's plain text must be changed by hand."""
        return self.source in TEXT_SOURCES

    @property
    def unchecked(self) -> bool:
        return self.hit.kind == UNCHECKED

    @property
    def key(self) -> str:
        """What a person acknowledges (确认): this finding at this place in this content. A change of the
        text (or a new file) gives new keys, so what changed is looked at again."""
        where = f"{self.source}|{self.attachment_id or ''}|{self.hit.kind}|{self.hit.start}|{self.hit.end}"
        return hashlib.sha256(f"{where}|{self.hit.masked}".encode()).hexdigest()[:20]

    @property
    def redactable(self) -> bool:
        """A hit in a file's text can be redacted in the file (涂黑; a 错敏词 is corrected)."""
        return self.source == ATTACHMENT_SOURCE and not self.unchecked

    @property
    def context(self) -> str:
        """The hit's context as plain text (the body is HTML: tags are removed)."""
        if self.problems:
            joined = pgettext("list separator", "；").join(render(p) for p in self.problems)
            return gettext(MSG_UNCHECKED) % {"problems": joined}
        if self.source != "body":
            return self.hit.context
        return " ".join(html.unescape(_TAG_IN_CONTEXT.sub(" ", self.hit.context)).split())

    def summary(self) -> dict[str, Any]:
        """What the event log keeps: the masked value and where, never the value itself."""
        return {
            "source": self.source,
            "source_label": str(self.source_label),
            "kind": self.hit.kind,
            "kind_label": self.hit.kind_label,
            "masked": self.hit.masked,
            "start": self.hit.start,
        }


def _hit_key(hit: scanner.Hit) -> tuple[str, str]:
    """The same hit in the HTML and in the plain text has the same key: its kind and its value without
    separators (a mobile number without the country code, which a tag may hide from the HTML's scan)."""
    value = "".join(ch for ch in scanner.fold(html.unescape(hit.value), lower=True) if ch not in " -\n\t")
    if hit.kind == scanner.MOBILE:
        value = value[-11:]
    return hit.kind, value


Words = Mapping[str, str]


def scan(text: str, words: Words) -> list[scanner.Hit]:
    """:func:`scanner.scan_text` with the sensitive words ``words`` (word → suggested correction)."""
    return scanner.scan_text(text, sensitive_words=words, corrections=words)


def _words(item: Item, words: Iterable[str] | Words | None) -> dict[str, str]:
    if words is None:
        return word_list_for(item.agency_id)
    if isinstance(words, Mapping):
        return dict(words)
    return dict.fromkeys(words, "")


def _scan_body(body: str, words: Words) -> tuple[list[scanner.Hit], list[scanner.Hit]]:
    """The hits of the stored HTML, and the hits of the plain text that the HTML does not show."""
    in_html = scan(body, words)
    if not body:
        return in_html, []
    remaining = Counter(_hit_key(h) for h in in_html)
    only_plain: list[scanner.Hit] = []
    for hit in scan(body_text(body), words):
        key = _hit_key(hit)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            only_plain.append(hit)
    return in_html, only_plain


def attachment_problems(attachment: Attachment) -> list[Message]:
    """What could not be checked in a file, as messages (a file stored before they were kept as messages
    gives its Chinese text, shown as it is)."""
    stored = [message_from_json(data) for data in attachment.extraction_problems or []]
    problems = [problem for problem in stored if problem is not None]
    if not problems and attachment.extraction_problem:
        problems = [Message(" ".join(attachment.extraction_problem.split()).rstrip("。；;，,"))]
    return problems


def attachment_label(attachment: Attachment) -> Message:
    """How findings name a file: "附件：name"."""
    return Message(ATTACHMENT_LABEL, {"name": attachment.filename})


def unchecked_finding(attachment: Attachment) -> Finding:
    """The finding for a file whose text could not (all) be checked."""
    problems = tuple(attachment_problems(attachment))
    hit = scanner.Hit(
        kind=UNCHECKED,
        value="",
        masked="—",
        start=0,
        end=0,
        context=MSG_UNCHECKED % {"problems": "；".join(str(p) for p in problems)},
        kind_label=UNCHECKED_LABEL,
    )
    return Finding(ATTACHMENT_SOURCE, attachment_label(attachment), hit, attachment.pk, problems=problems)


def scan_item(
    item: Item,
    words: Iterable[str] | Words | None = None,
    *,
    attachments: Iterable[Attachment] | None = None,
) -> list[Finding]:
    """Every finding of the entry, in full (submit and publish decide on this): the scanner's hits in
    the title, the summary, the body (as stored, then those seen only in its plain text) and each file,
    and each file that could not be checked. ``words``: the sensitive words (with their corrections),
    by default the agency's list. ``attachments``: the entry's files when the caller holds them (an
    import scans an entry before it is saved), else its stored ones."""
    words = _words(item, words)
    findings: list[Finding] = []
    for source, label in TEXT_SOURCES.items():
        if source == "body":
            continue
        text = getattr(item, source) or ""
        findings.extend(Finding(source, label, hit) for hit in scan(text, words))
    in_html, only_plain = _scan_body(item.body or "", words)
    findings.extend(Finding("body", TEXT_SOURCES["body"], hit) for hit in in_html)
    findings.extend(Finding(BODY_TEXT_SOURCE, BODY_TEXT_LABEL, hit) for hit in only_plain)
    if attachments is None and item.pk is not None:
        attachments = item.attachments.only(
            "id", "filename", "text", "extraction_problem", "extraction_problems"
        ).order_by("id")
    if attachments is not None:
        for attachment in attachments:
            if attachment.extraction_problem:
                findings.append(unchecked_finding(attachment))
            findings.extend(
                Finding(ATTACHMENT_SOURCE, attachment_label(attachment), hit, attachment.pk)
                for hit in scan(attachment.text or "", words)
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
SCAN_CACHE_VERSION = 2
_CACHED_HITS = 200


@dataclass(frozen=True)
class SourceFindings:
    """The findings of one part of the entry: the first few, and how many there are in all."""

    source: str
    source_label: str | Message
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


def _words_digest(words: Words) -> str:
    listed = "\n".join(f"{word}\t{correction}" for word, correction in sorted(words.items()))
    return hashlib.sha256(listed.encode()).hexdigest()[:32]


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
                replacement=str(h.get("replacement", "")),
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
    words = word_list_for(item.agency_id)
    words_digest = _words_digest(words)
    keys = _text_keys(item, words_digest)
    attachments: list[Attachment] = []
    if item.pk is not None:
        # A file not read yet has no text to scan: it is left out (and not cached as clean under its digest).
        attachments = list(
            item.attachments.filter(reading=Reading.DONE)
            .only("id", "filename", "sha256", "extraction_problem", "extraction_problems")
            .order_by("id")
        )
    for attachment in attachments:
        keys[f"file:{attachment.pk}"] = _scan_key("file", attachment.sha256, words_digest)
    results = _cached_results(keys)
    _scan_missing(item, attachments, words, keys, results)
    return ScanOverview(tuple(_overview_parts(results, attachments, limit)))


def _text_keys(item: Item, words_digest: str) -> dict[str, str]:
    """The cache key of each text part's scan, by part name."""
    body_digest = _text_digest(item.body or "")
    keys: dict[str, str] = {}
    for source in TEXT_SOURCES:
        keys[source] = _scan_key("text", _text_digest(getattr(item, source) or ""), words_digest)
    keys[BODY_TEXT_SOURCE] = _scan_key("plain", body_digest, words_digest)
    return keys


def _cached_results(keys: dict[str, str]) -> dict[str, tuple[int, list[scanner.Hit]]]:
    """The scans found in the cache, by part name."""
    cached = cache.get_many(set(keys.values()))
    results: dict[str, tuple[int, list[scanner.Hit]]] = {}
    for name, key in keys.items():
        unpacked = _unpack(cached.get(key))
        if unpacked is not None:
            results[name] = unpacked
    return results


def _scan_missing(
    item: Item,
    attachments: list[Attachment],
    words: Words,
    keys: dict[str, str],
    results: dict[str, tuple[int, list[scanner.Hit]]],
) -> None:
    """Scan the parts not in ``results``, add them to it and to the cache."""
    fresh: dict[str, dict[str, Any]] = {}

    def store(name: str, hits: list[scanner.Hit]) -> None:
        packed = _pack(hits)
        fresh[keys[name]] = packed
        results[name] = (len(hits), hits)

    for source in TEXT_SOURCES:
        if source != "body" and source not in results:
            store(source, scan(getattr(item, source) or "", words))
    if "body" not in results or BODY_TEXT_SOURCE not in results:
        in_html, only_plain = _scan_body(item.body or "", words)
        store("body", in_html)
        store(BODY_TEXT_SOURCE, only_plain)
    missing = [a.pk for a in attachments if f"file:{a.pk}" not in results]
    if missing:
        texts = dict(Attachment.objects.filter(pk__in=missing).values_list("id", "text"))
        for pk in missing:
            store(f"file:{pk}", scan(texts.get(pk) or "", words))
    if fresh:
        cache.set_many(fresh, SCAN_CACHE_SECONDS)


def _overview_parts(
    results: dict[str, tuple[int, list[scanner.Hit]]], attachments: list[Attachment], limit: int
) -> list[SourceFindings]:
    """The parts with findings, in page order, at most ``limit`` findings each."""
    parts: list[SourceFindings] = []

    def add(source: str, label: str | Message, total: int, findings: list[Finding]) -> None:
        if total:
            parts.append(SourceFindings(source, label, tuple(findings[:limit]), total))

    for source, label in (*TEXT_SOURCES.items(), (BODY_TEXT_SOURCE, BODY_TEXT_LABEL)):
        total, hits = results[source]
        add(source, label, total, [Finding(source, label, h) for h in hits])
    for attachment in attachments:
        total, hits = results[f"file:{attachment.pk}"]
        file_label = attachment_label(attachment)
        findings = [Finding(ATTACHMENT_SOURCE, file_label, h, attachment.pk) for h in hits]
        if attachment.extraction_problem:
            findings.insert(0, unchecked_finding(attachment))
            total += 1
        add(ATTACHMENT_SOURCE, file_label, total, findings)
    return parts
