"""The privacy scanner (个人信息检查): personal data and sensitive words in text about to be published.

Pure Python (no Django). :func:`scan_text` finds

* 居民身份证号 (公民身份号码, the rule of :mod:`gongkai.statute.resident_id`: 18 characters with the right
  check character, a real birth date not after ``today`` and a province-level region code; or a 15-digit
  first-generation number with a real birth date and a province-level region code);
* mainland mobile numbers (``1[3-9]`` + 9 digits, optionally ``+86``/``86``/``0086`` before them);
* landline numbers (area code ``010``/``02x``/``0xxx`` + a 7–8 digit local number, optional extension);
* bank card numbers (16–19 digits passing the Luhn check);
* e-mail addresses;
* the sensitive words (错敏词) it is given (exact substrings; Latin letters case-insensitive). A 错敏词 is
  no personal data: its hit shows the word in full (``masked`` is the word as written) and carries the
  suggested correction (``replacement``, from ``corrections``; ``*`` per character when none is known),
  which :func:`mask_one` writes in its place (更正).

Numbers may be written with full-width digits and be split into groups by single spaces or dashes
(``110105 19491231 002X``, ``138-0013-8000``, ``6222 0212 3456 7890``). The text is folded to ASCII only
for matching, one character for one character, so every offset is an offset into the text as given.

False positives are avoided by these rules (docs/scanner.md):

* a number is made of whole digit groups: digits that belong to a longer digit run (an 18-digit number, a
  date such as ``20260115``, a 统一社会信用代码) never give a phone or card number;
* a number inside a code mixing letters and digits (``91330106MA2B138001``) is not reported, except a
  valid 身份证号;
* the numbers of a 文号 (``浙政发〔2026〕12号``) and decimal fractions (``13800138000.5``) are not reported;
* a card number must not look like a 身份证号 (an 18-digit number with a real birth date) or be a valid
  统一社会信用代码, and must not start with 0 or 1;
* when hits overlap the most specific one is kept: 身份证号 > 银行卡号 > 电子邮箱 > 手机号码 > 固定电话 >
  错敏词.
"""

from __future__ import annotations

import datetime
import re
import string
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from stdnum import luhn
from stdnum.cn import uscc

from gongkai.core.messages import N_
from gongkai.statute import resident_id

__all__ = [
    "BANK_CARD",
    "EMAIL",
    "KINDS",
    "KIND_LABELS",
    "LANDLINE",
    "MOBILE",
    "RESIDENT_ID",
    "SENSITIVE_WORD",
    "Hit",
    "fold",
    "mask_one",
    "mask_text",
    "scan_text",
]

RESIDENT_ID = "resident_id"
BANK_CARD = "bank_card"
EMAIL = "email"
MOBILE = "mobile"
LANDLINE = "landline"
SENSITIVE_WORD = "sensitive_word"

#: Every kind with its label (an ``N_`` message id), most specific first (the order that wins when
#: hits overlap).
KIND_LABELS: dict[str, str] = {
    RESIDENT_ID: N_("身份证号"),
    BANK_CARD: N_("银行卡号"),
    EMAIL: N_("电子邮箱"),
    MOBILE: N_("手机号码"),
    LANDLINE: N_("固定电话"),
    SENSITIVE_WORD: N_("错敏词"),
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)
_PRECEDENCE = {kind: rank for rank, kind in enumerate(KINDS)}

#: The day a birth date may not be after is today in China (the scanner runs without settings).
_BEIJING = ZoneInfo("Asia/Shanghai")

#: Characters of context shown on either side of a hit.
CONTEXT_CHARS = 15


@dataclass(frozen=True)
class Hit:
    """One finding. ``start``/``end`` are offsets into the scanned text; ``value`` is the text there.

    ``value`` is the only field that shows the personal data: show ``masked`` and ``context`` instead.
    """

    kind: str
    value: str = field(repr=False)
    masked: str
    start: int
    end: int
    context: str
    kind_label: str
    #: What :func:`mask_one` writes in place of the hit: the suggested correction of a 错敏词 (更正);
    #: ``""`` for personal data, which is replaced by :attr:`masked`.
    replacement: str = ""

    @property
    def written_over(self) -> str:
        """The text that takes the hit's place when it is masked (or corrected)."""
        return self.replacement or self.masked

    def to_json(self) -> dict[str, str | int]:
        """The hit without its raw value (for JSON output and templates)."""
        out: dict[str, str | int] = {
            "kind": self.kind,
            "kind_label": self.kind_label,
            "masked": self.masked,
            "start": self.start,
            "end": self.end,
            "context": self.context,
        }
        if self.replacement:
            out["replacement"] = self.replacement
        return out


# ------------------------------------------------------------------------------------------------
# Folding: full-width → ASCII, one character for one character
# ------------------------------------------------------------------------------------------------


def _fold_table(lower: bool) -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}  # ！ … ～ → ! … ~
    for cp in (0x00A0, 0x3000, 0x202F, 0x205F, *range(0x2000, 0x200B)):
        table[cp] = " "
    for cp in (*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63):  # hyphens, dashes, minus
        table[cp] = "-"
    if lower:
        table = {cp: ch.lower() for cp, ch in table.items()}
        table.update({ord(ch): ch.lower() for ch in string.ascii_uppercase})
    return table


_FOLD = _fold_table(lower=False)
_FOLD_LOWER = _fold_table(lower=True)


def fold(text: str, *, lower: bool = False) -> str:
    """``text`` with full-width forms, odd spaces and dashes made ASCII (same length, same offsets);
    with ``lower``, Latin letters in lower case too."""
    return text.translate(_FOLD_LOWER if lower else _FOLD)


# ------------------------------------------------------------------------------------------------
# Patterns (on folded text)
# ------------------------------------------------------------------------------------------------

#: Digit groups joined by single spaces or dashes; an ``X`` may end the last group (身份证号).
_RUN = re.compile(r"[0-9]+(?:[ -][0-9]+)*(?:[Xx](?![0-9A-Za-z]))?", re.ASCII)
_GROUP = re.compile(r"[0-9]+[Xx]?", re.ASCII)

#: How each kind may be grouped (the lengths of its digit groups).
_ID_GROUPINGS = {(18,), (6, 8, 4), (6, 4, 4, 4), (4, 4, 4, 4, 2), (3, 3, 4, 4, 4), (6, 12), (15,), (6, 6, 3)}
_MOBILE_GROUPINGS = {(11,), (3, 4, 4), (3, 8), (4, 4, 3), (7, 4)}
_MOBILE_WITH_COUNTRY_GROUPINGS = {(13,), (15,)}  # 86 / 0086 + 11 digits run together
_CARD_GROUPINGS = {
    *((n,) for n in range(16, 20)),
    *((6, n - 6) for n in range(16, 20)),
    *((4, 4, 4, 4, n) for n in range(1, 4)),
    (4, 4, 4, 4),
}
_GROUPINGS = _ID_GROUPINGS | _MOBILE_GROUPINGS | _MOBILE_WITH_COUNTRY_GROUPINGS | _CARD_GROUPINGS
#: Every beginning of a grouping: a longer candidate is only tried while its groups are one of these.
_GROUPING_PREFIXES = {g[:n] for g in _GROUPINGS for n in range(1, len(g) + 1)}
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_MOBILE_WITH_COUNTRY = re.compile(r"(?:0086|86)(1[3-9][0-9]{9})", re.ASCII)
#: ``+86``, ``86``, ``0086`` or ``(+86)`` just before a mobile number.
_MOBILE_PREFIX = re.compile(r"(?:\(\+?(?:00)?86\)|\+?(?:00)?86)[ -]?\Z", re.ASCII)

_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
_LOCAL = r"(?:[2-9][0-9]{6,7}|[2-9][0-9]{2,3}[ -][0-9]{4})"
_LANDLINE = re.compile(
    rf"(?<![0-9])(?:\((?P<area1>{_AREA})\) ?|(?P<area2>{_AREA})[ -]?)(?P<local>{_LOCAL})(?![0-9])"
    r"(?: ?(?:转|分机|-|ext\.? ?|[xX#]) ?(?P<ext>[0-9]{1,6})(?![0-9]))?",
    re.ASCII,
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])",
    re.ASCII,
)
#: The numbers of a 文号: 〔2026〕12号, [2026]第3号, （2026）12号, 【2026】12号, ﹝2026﹞12号.
_DOC_NUMBER = re.compile(r"[〔\[(【﹝] ?(?:19|20)[0-9]{2} ?[〕\])】﹞] ?第? ?[0-9]+ ?号", re.ASCII)
_ALNUM = frozenset(string.ascii_letters + string.digits)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Candidate:
    kind: str
    start: int
    end: int
    masked: str
    replacement: str = ""


# ------------------------------------------------------------------------------------------------
# Masks
# ------------------------------------------------------------------------------------------------


def _mask_id(number: str) -> str:
    """The first 6 and the last 4 characters: ``110105********002X``, ``110105*****1002``."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:].upper()


def _mask_mobile(number: str, prefix: bool) -> str:
    return ("+86 " if prefix else "") + number[:3] + "****" + number[-4:]


def _mask_card(number: str) -> str:
    middle = "*" * (len(number) - 8)
    groups = [middle[i : i + 4] for i in range(0, len(middle), 4)]
    return " ".join([number[:4], *groups, number[-4:]])


def _mask_landline(match: re.Match[str]) -> str:
    area = match.group("area1") or match.group("area2")
    local = re.sub(r"[^0-9]", "", match.group("local"))
    ext = match.group("ext")
    return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}" + (f"转{ext}" if ext else "")


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[0]}***@{domain}"


# ------------------------------------------------------------------------------------------------
# Finders
# ------------------------------------------------------------------------------------------------


def _looks_like_id(number: str) -> bool:
    """An 18-digit number with a real birth date where a 身份证号 has it (possibly mistyped)."""
    if len(number) != 18 or number[0] not in "12345678":
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def _numbers(folded: str, today: datetime.date) -> list[_Candidate]:
    """身份证号, bank card and mobile numbers: whole digit groups of each run of digits."""
    found: list[_Candidate] = []
    for run in _RUN.finditer(folded):
        groups = [(m.start(), m.end()) for m in _GROUP.finditer(folded, run.start(), run.end())]
        for i in range(len(groups)):
            lengths: tuple[int, ...] = ()
            for j in range(i, len(groups)):
                if j > i + 1 and folded[groups[j - 1][1]] != folded[groups[i][1]]:
                    break  # one kind of separator within a number
                lengths += (groups[j][1] - groups[j][0],)
                if lengths not in _GROUPING_PREFIXES:
                    break
                if lengths in _GROUPINGS:
                    start, end = groups[i][0], groups[j][1]
                    compact = "".join(folded[a:b] for a, b in groups[i : j + 1])
                    found.extend(_classify(folded, compact, lengths, start, end, today))
    return found


def _classify(
    folded: str, compact: str, lengths: tuple[int, ...], start: int, end: int, today: datetime.date
) -> list[_Candidate]:
    out: list[_Candidate] = []
    if lengths in _ID_GROUPINGS and resident_id.is_valid(compact, today=today):
        return [_Candidate(RESIDENT_ID, start, end, _mask_id(compact))]
    if not compact.isdigit():
        return out
    if (
        16 <= len(compact) <= 19
        and compact[0] not in "01"
        and lengths in _CARD_GROUPINGS
        and luhn.is_valid(compact)
        and not _looks_like_id(compact)
        and not (len(compact) == 18 and uscc.is_valid(compact))
    ):
        out.append(_Candidate(BANK_CARD, start, end, _mask_card(compact)))
    if lengths in _MOBILE_GROUPINGS and _MOBILE.fullmatch(compact):
        prefix = _MOBILE_PREFIX.search(folded, max(0, start - 8), start)
        with_prefix = prefix is not None and (prefix.start() == 0 or not folded[prefix.start() - 1].isdigit())
        if prefix is not None and with_prefix:
            start = prefix.start()
        out.append(_Candidate(MOBILE, start, end, _mask_mobile(compact, prefix=with_prefix)))
    elif lengths in _MOBILE_WITH_COUNTRY_GROUPINGS and (m := _MOBILE_WITH_COUNTRY.fullmatch(compact)):
        if start > 0 and folded[start - 1] == "+":
            start -= 1
        out.append(_Candidate(MOBILE, start, end, _mask_mobile(m.group(1), prefix=True)))
    return out


def _landlines(folded: str) -> list[_Candidate]:
    return [_Candidate(LANDLINE, m.start(), m.end(), _mask_landline(m)) for m in _LANDLINE.finditer(folded)]


def _emails(folded: str) -> list[_Candidate]:
    return [_Candidate(EMAIL, m.start(), m.end(), _mask_email(m.group())) for m in _EMAIL.finditer(folded)]


def _word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    folded = {fold(w.strip(), lower=True) for w in words if w and w.strip()}
    if not folded:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(folded, key=lambda w: (-len(w), w))))


def _sensitive_words(
    text: str, pattern: re.Pattern[str] | None, corrections: Mapping[str, str]
) -> list[_Candidate]:
    """Each word as written (it is no personal data: shown in full) with its correction, or one ``*``
    per character when the list suggests none."""
    if pattern is None:
        return []
    lowered = fold(text, lower=True)
    suggested = {fold(w.strip(), lower=True): c for w, c in corrections.items() if c and c.strip()}
    return [
        _Candidate(
            SENSITIVE_WORD,
            m.start(),
            m.end(),
            text[m.start() : m.end()],
            suggested.get(m.group(), "*" * (m.end() - m.start())),
        )
        for m in pattern.finditer(lowered)
    ]


# ------------------------------------------------------------------------------------------------
# False positives and overlaps
# ------------------------------------------------------------------------------------------------


class _Spans:
    """Sorted, non-overlapping spans; answers "does [start, end) touch one of them?"."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return True
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _inside_code(folded: str, start: int, end: int) -> bool:
    """Is [start, end) part of a code that mixes letters and digits (``91330106MA2B138001``)?"""
    left = start
    while left > 0 and folded[left - 1] in _ALNUM:
        left -= 1
    right = end
    while right < len(folded) and folded[right] in _ALNUM:
        right += 1
    outside = folded[left:start] + folded[end:right]
    return any(ch.isdigit() for ch in outside) and any(ch.isalpha() for ch in folded[left:right])


def _decimal(folded: str, start: int, end: int) -> bool:
    before = folded[max(0, start - 2) : start]
    after = folded[end : end + 2]
    return (len(before) == 2 and before[1] == "." and before[0].isdigit()) or (
        len(after) == 2 and after[0] == "." and after[1].isdigit()
    )


def _plausible(folded: str, candidate: _Candidate, doc_numbers: _Spans) -> bool:
    if candidate.kind in (SENSITIVE_WORD, EMAIL):
        return True
    if doc_numbers.overlaps(candidate.start, candidate.end):
        return False
    if candidate.kind == RESIDENT_ID:
        return True
    return not _inside_code(folded, candidate.start, candidate.end) and not _decimal(
        folded, candidate.start, candidate.end
    )


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the most specific of overlapping candidates (then the earlier, then the longer)."""
    candidates.sort(key=lambda c: (_PRECEDENCE[c.kind], c.start, c.start - c.end))
    taken = _Spans()
    kept: list[_Candidate] = []
    for c in candidates:
        if not taken.overlaps(c.start, c.end):
            taken.add(c.start, c.end)
            kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept


def _context(text: str, kept: Sequence[_Candidate], index: int) -> str:
    """About :data:`CONTEXT_CHARS` characters either side of ``kept[index]``, every hit in it masked (a hit
    cut by the edge of the window is shown whole)."""
    hit = kept[index]
    lo = max(0, hit.start - CONTEXT_CHARS)
    hi = min(len(text), hit.end + CONTEXT_CHARS)
    first = index
    while first > 0 and kept[first - 1].end > lo:
        first -= 1
    last = index
    while last + 1 < len(kept) and kept[last + 1].start < hi:
        last += 1
    lo = min(lo, kept[first].start)
    hi = max(hi, kept[last].end)
    parts: list[str] = ["…" if lo > 0 else ""]
    pos = lo
    for other in kept[first : last + 1]:
        parts += [text[pos : other.start], other.masked]
        pos = other.end
    parts += [text[pos:hi], "…" if hi < len(text) else ""]
    return _WHITESPACE.sub(" ", "".join(parts)).strip()


# ------------------------------------------------------------------------------------------------
# API
# ------------------------------------------------------------------------------------------------


def _beijing_today() -> datetime.date:
    return datetime.datetime.now(_BEIJING).date()


def scan_text(
    text: str,
    *,
    sensitive_words: Iterable[str] = (),
    today: datetime.date | None = None,
    corrections: Mapping[str, str] | None = None,
) -> list[Hit]:
    """Every piece of personal data and every sensitive word in ``text``, in order of position.

    ``today`` (default: today in Beijing) bounds the birth date of a 身份证号. ``corrections`` maps a
    sensitive word to its suggested correction (the hit's ``replacement``).
    """
    folded = fold(text)
    doc_numbers = _Spans()
    for m in _DOC_NUMBER.finditer(folded):
        doc_numbers.add(m.start(), m.end())
    candidates = [
        c
        for c in (*_numbers(folded, today or _beijing_today()), *_landlines(folded), *_emails(folded))
        if _plausible(folded, c, doc_numbers)
    ]
    candidates += _sensitive_words(text, _word_pattern(sensitive_words), corrections or {})
    kept = _resolve(candidates)
    return [
        Hit(
            kind=c.kind,
            value=text[c.start : c.end],
            masked=c.masked,
            start=c.start,
            end=c.end,
            context=_context(text, kept, i),
            kind_label=KIND_LABELS[c.kind],
            replacement=c.replacement,
        )
        for i, c in enumerate(kept)
    ]


def mask_text(text: str, hits: Iterable[Hit]) -> str:
    """``text`` with the span of each hit replaced by its masked form, or a 错敏词 by its correction
    (:attr:`Hit.written_over`; of overlapping hits, the first).

    Raises :class:`ValueError` when the text at a hit is no longer its value (the text changed since
    it was scanned).
    """
    out: list[str] = []
    pos = 0
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if hit.start < pos:
            continue
        if text[hit.start : hit.end] != hit.value:
            raise ValueError(f"text changed since it was scanned: no {hit.kind} at {hit.start}–{hit.end}")
        out += [text[pos : hit.start], hit.written_over]
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)


def mask_one(text: str, hit: Hit) -> str:
    """``text`` with only ``hit`` masked (the one-click mask)."""
    return mask_text(text, [hit])
