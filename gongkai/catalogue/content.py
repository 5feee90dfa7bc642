"""The rules of a catalogue entry's content: which fields an officer fills in, how they are cleaned
(the body is sanitised HTML, control characters go), and what a whole entry must satisfy.

Pure rules: nothing here reads or writes the database (an entry is checked with ``full_clean``, which
may look up its foreign keys). The steps that save an entry are in :mod:`gongkai.catalogue.services`.

Errors a user can fix raise :class:`CatalogueError` (a ``ValidationError`` with a Chinese message).
"""

from __future__ import annotations

import datetime
import functools
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue.models import DocumentType, Item, ItemKind, Validity


class CatalogueError(ValidationError):
    """A step that the entry's state or the input does not allow; the message says why, in Chinese."""


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
    "standard_area",
    "topic",
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

#: The body is HTML, cleaned with nh3 at every save: these tags only, links to http(s) only. What Word
#: and the editor write for the same things (``b``, ``i``, ``u``, ``sub``/``sup``, a table's caption and
#: merged cells) is kept; styles, classes, fonts and scripts never are.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"}
    | {"h2", "h3", "h4", "a", "blockquote"}
    | {"b", "i", "u", "sub", "sup", "caption", "tfoot"}
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
#: The page's own title is its only ``h1``: a body's level-1 heading becomes a level-2 one, levels 5 and
#: 6 become level 4 (the levels the editor offers).
_HEADING = re.compile(r"<(/?)h([156])(?=[\s>/])", re.IGNORECASE)
_HEADING_LEVEL = {"1": "2", "5": "4", "6": "4"}
#: Word's clipboard HTML: the bullet or number of a list paragraph sits between these markers (only
#: shown by Word itself), in a "downlevel-revealed" conditional or a comment.
_WORD_BULLET = re.compile(
    r"<!(?:--)?\[if !supportLists\](?:--)?>(.*?)<!(?:--)?\[endif\](?:--)?>", re.IGNORECASE | re.DOTALL
)
#: Other conditional blocks of Word (VML shapes, Office settings): dropped whole.
_WORD_CONDITIONAL = re.compile(r"<!--\[if [^\]]*\]>.*?<!\[endif\]-->", re.IGNORECASE | re.DOTALL)
#: A paragraph Word marks as a list item (``style='mso-list:l0 level1 lfo1'``).
_WORD_LIST_PARAGRAPH = re.compile(r"<p\b[^>]*mso-list:[^>]*>(?P<body>.*?)</p>", re.IGNORECASE | re.DOTALL)
_ORDERED_BULLET = re.compile(r"^\s*(\(?[0-9a-zA-Z一二三四五六七八九十]+[.)、．）])")
_TAGS = re.compile(r"<[^>]*>")
_HAS_TAG = re.compile(r"<[A-Za-z/!]")
#: ASCII control characters other than tab and line feed, and the noncharacters U+FFFE and U+FFFF: XML 1.0
#: (the feeds) cannot carry them, and none belongs in an entry.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
#: How nh3 writes a non-breaking space (U+00A0, also when given as ``&#160;`` or ``&NonBreakingSpace;``).
_NBSP_ENTITY = "&nbsp;"


def strip_controls(value: str) -> str:
    """``value`` with line ends made ``\\n`` and every other ASCII control character but tab removed, and
    the noncharacters U+FFFE and U+FFFF."""
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def word_lists(value: str) -> str:
    """Word's list paragraphs (``<p style='mso-list:…'>`` with the bullet in a conditional block) as
    ``<ol>``/``<ul>`` lists; Word's other conditional blocks removed. Other HTML is returned unchanged."""
    if "mso-" not in value and "[if " not in value:
        return value
    out: list[str] = []
    pos = 0
    current: str | None = None  # the list being written: "ol" or "ul"
    for m in _WORD_LIST_PARAGRAPH.finditer(value):
        between = value[pos : m.start()]
        if current and between.strip():
            out.append(f"</{current}>")
            current = None
        out.append(between)
        bullet = _WORD_BULLET.search(m.group("body"))
        marker = html.unescape(_TAGS.sub("", bullet.group(1))) if bullet else ""
        kind = "ol" if _ORDERED_BULLET.match(marker) else "ul"
        if current != kind:
            if current:
                out.append(f"</{current}>")
            out.append(f"<{kind}>")
            current = kind
        out.append(f"<li>{_WORD_BULLET.sub('', m.group('body'))}</li>")
        pos = m.end()
    if current:
        out.append(f"</{current}>")
    out.append(value[pos:])
    return _WORD_CONDITIONAL.sub("", _WORD_BULLET.sub("", "".join(out)))


def sanitize_html(value: str) -> str:
    """The body as safe HTML. Text without any tag is taken as plain text: one paragraph per line.

    HTML pasted from Word keeps its headings, lists (Word's list paragraphs become lists:
    :func:`word_lists`), tables, bold and links, and loses its styles, classes, fonts, comments and
    Office tags (``<o:p>``). Control characters are removed and non-breaking spaces become plain spaces,
    so that the scanner finds a number written ``138 0013 8000`` with non-breaking spaces in the stored
    HTML.
    """
    value = strip_controls(value).replace("\u00a0", " ").strip()
    if not value:
        return ""
    if not _HAS_TAG.search(value):
        lines = [line.strip() for line in value.split("\n")]
        value = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)
    value = _HEADING.sub(lambda m: f"<{m.group(1)}h{_HEADING_LEVEL[m.group(2)]}", word_lists(value))
    cleaned = nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
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


def one_line(value: Any) -> str:
    return " ".join(strip_controls(str(value or "")).split())


def check_note(value: str, *, required: bool, label: str = "理由") -> str:
    text = strip_controls(value).strip()
    if required and not text:
        raise CatalogueError({"note": [_("请填写%(label)s。") % {"label": _(label)}]}, code="reason_required")
    if len(text) > NOTE_MAX_CHARS:
        raise CatalogueError(
            {"note": [_("%(label)s不能超过 %(max)s 个字。") % {"label": _(label), "max": NOTE_MAX_CHARS}]},
            code="too_long",
        )
    return text


def _merge(errors: dict[str, list[str]], exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, items in exc.error_dict.items():
            errors.setdefault(name, []).extend(m for e in items for m in e.messages)
    else:
        errors.setdefault("__all__", []).extend(exc.messages)


def apply_fields(item: Item, data: Mapping[str, Any], *, loaded: Iterable[str] = ()) -> None:
    """Put ``data`` on ``item`` (cleaned), then check the entry as a whole (``loaded``: see
    :func:`validate`)."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(item, name, value)
    for name in ("title", "publisher", "doc_number", "keywords"):
        setattr(item, name, one_line(getattr(item, name)))
    item.summary = strip_controls(item.summary).strip()
    item.body = sanitize_html(item.body)
    if not item.publisher:
        item.publisher = item.agency.name
    if item.document_type not in NEEDS_VALIDITY and item.validity == Validity.NOT_APPLICABLE:
        item.validity = ""
    expected = DECISION_ARTICLE_20.get(item.kind)
    if expected is not None and item.article20_item is None:
        item.article20_item = expected
    validate(item, loaded=loaded)


@functools.cache
def _constraints_apply(exclude: frozenset[str]) -> bool:
    """Whether one of the entry's constraints concerns none of the fields in ``exclude``. Its one constraint
    (a published entry has an index number) concerns the index number, which a draft's check excludes
    (it is issued at publication): Django would still build its query for each check, only to find a
    field missing (2 ms a row of an import)."""
    for constraint in Item._meta.constraints:
        condition = getattr(constraint, "condition", None)
        fields = set(getattr(constraint, "fields", ()) or ())
        if isinstance(condition, Q):
            fields |= condition.referenced_base_fields
        if not fields & exclude:
            return True
    return False


def validate(item: Item, *, loaded: Iterable[str] = ()) -> None:
    """Check the entry as a whole; a :class:`CatalogueError` lists every problem by field. ``loaded``: the
    foreign keys (``agency``, ``category``) whose objects the caller read from the database just now, so
    that their existence is not asked again (an import checks thousands of rows against the agency and
    the categories it loaded once)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    exclude = frozenset(
        ("search_text", "search_head", "search_vector", "created_by", "index_number", *loaded)
    )
    try:
        item.full_clean(exclude=exclude, validate_constraints=_constraints_apply(exclude))
    except ValidationError as exc:
        _merge(errors, exc)
    today = timezone.localdate()
    if isinstance(item.written_on, datetime.date) and item.written_on > today:
        add(
            "written_on",
            _("成文日期（%(day)s）不能晚于今天（%(today)s）。") % {"day": item.written_on, "today": today},
        )
    if item.document_type in NEEDS_VALIDITY and not item.validity:
        add(
            "validity",
            _("%(type)s须注明有效性（现行有效、已修改、已废止或已失效）。")
            % {"type": DocumentType(item.document_type).label},
        )
    if item.validity == Validity.REPEALED and not item.repealed_on:
        add("repealed_on", _("已废止的文件须填写废止日期。"))
    if item.repealed_on and isinstance(item.written_on, datetime.date) and item.repealed_on < item.written_on:
        add("repealed_on", _("废止日期不能早于成文日期。"))
    if item.repealed_on and item.effective_on and item.repealed_on < item.effective_on:
        add("repealed_on", _("废止日期不能早于实施日期。"))
    expected = DECISION_ARTICLE_20.get(item.kind)
    if expected is not None and item.article20_item not in (None, expected):
        add(
            "article20_item",
            (
                _("%(kind)s属于第二十条第五项（统计在年度报告表二中），请选择该项。")
                if expected == 5
                else _("%(kind)s属于第二十条第六项（统计在年度报告表二中），请选择该项。")
            )
            % {"kind": ItemKind(item.kind).label},
        )
    if item.interprets_id is not None:
        if item.kind != ItemKind.INTERPRETATION:
            add("interprets", _("只有“政策解读”类条目可以关联所解读的文件。"))
        elif item.pk is not None and item.interprets_id == item.pk:
            add("interprets", _("条目不能解读它自己。"))
    if len(item.summary) > SUMMARY_MAX_CHARS:
        add(
            "summary",
            _("内容概述不能超过 %(max)s 个字（现有 %(n)s 个字）。")
            % {"max": SUMMARY_MAX_CHARS, "n": len(item.summary)},
        )
    if errors:
        raise CatalogueError(errors, code="invalid")


def changed_fields(before: dict[str, Any], item: Item) -> list[str]:
    return [name for name in EDITABLE_FIELDS if before.get(name) != field_value(item, name)]


def field_value(item: Item, name: str) -> Any:
    if name in ("category", "interprets"):
        return getattr(item, f"{name}_id")
    return getattr(item, name)
