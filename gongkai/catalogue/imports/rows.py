"""The rows of an import: Chinese column labels (索引号, 标题, 发布机构 …) → an entry's fields, checked
row by row. Every problem of a row is a :class:`~gongkai.core.messages.Message` saying what is wrong in
which column and how to fix it; a row with none is a :class:`Row` ready for :mod:`.apply`.

The spreadsheet's header and the crawl's 信息索引表 use the same labels (:data:`COLUMNS`, with the
usual other names of :data:`ALIASES`). Index numbers and dates are kept as they were published.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.catalogue import content, index_numbers
from gongkai.catalogue.imports.files import FileSource
from gongkai.catalogue.models import Category, Item, Validity
from gongkai.catalogue.services.files import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from gongkai.catalogue.taxonomy import ARTICLE_20_ITEMS
from gongkai.core.messages import N_, Message
from gongkai.documents import uploads

#: The columns, in the documented order.
COLUMNS: tuple[str, ...] = (
    "索引号",
    "标题",
    "发布机构",
    "文号",
    "成文日期",
    "发布日期",
    "实施日期",
    "废止日期",
    "有效性",
    "主题分类",
    "第二十条事项",
    "关键词",
    "内容概述",
    "正文",
    "附件",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("索引号", "标题", "发布日期")
#: Other names the same columns (and the cells of a 信息索引表) go by.
ALIASES: dict[str, str] = {
    "名称": "标题",
    "信息名称": "标题",
    "文件名称": "标题",
    "题名": "标题",
    "发文机关": "发布机构",
    "发文单位": "发布机构",
    "发布单位": "发布机构",
    "信息来源": "发布机构",
    "发文字号": "文号",
    "文件编号": "文号",
    "发文文号": "文号",
    "生成日期": "成文日期",
    "印发日期": "成文日期",
    "发文日期": "成文日期",
    "公开日期": "发布日期",
    "发布时间": "发布日期",
    "施行日期": "实施日期",
    "生效日期": "实施日期",
    "失效日期": "废止日期",
    "时效性": "有效性",
    "效力状态": "有效性",
    "有效状态": "有效性",
    "分类": "主题分类",
    "第二十条": "第二十条事项",
    "主题词": "关键词",
    "摘要": "内容概述",
    "内容摘要": "内容概述",
    "附件名称": "附件",
    "附件文件名": "附件",
}

MSG_REQUIRED = N_("“%(column)s”不能为空。")
MSG_TOO_LONG = N_("“%(column)s”不能超过 %(max)s 个字（现有 %(n)s 个字）。")
MSG_DATE = N_("“%(column)s”中的“%(value)s”不是可识别的日期：请写成 2024-01-31 或 2024年1月31日。")
MSG_FUTURE = N_("“%(column)s”（%(day)s）晚于今天：导入的是已经公开的信息，请核对日期。")
MSG_VALIDITY = N_("“有效性”中的“%(value)s”无法识别：请填写现行有效、已修改、已废止、已失效，或留空。")
MSG_CATEGORY = N_(
    "主题分类“%(value)s”不在本站的主题分类中：请改为已有的分类（如“综合政务”），或先在管理后台添加。"
)
MSG_ARTICLE_20 = N_("“第二十条事项”中的“%(value)s”无法识别：请填写 1—15 的数字或（一）—（十五）。")
MSG_INDEX_REPEATED = N_("索引号“%(number)s”与第 %(line)s 行重复：同一个索引号只能出现一次。")
MSG_INDEX_OTHER_AGENCY = N_("索引号“%(number)s”已被其他机关的条目使用：请核对索引号。")
MSG_NO_FILES = N_("“附件”列出了“%(name)s”，但没有提供附件文件夹或压缩包：请同时提供附件（--files）。")
MSG_FILE_MISSING = N_("找不到附件“%(name)s”：请确认附件文件夹或压缩包中有同名文件。")
MSG_FILE_REFUSED = N_("附件“%(name)s”：%(reason)s")
MSG_TOO_MANY_FILES = N_("每个条目最多 %(max)s 个附件（本行有 %(n)s 个）。")
MSG_SAME_FILE = N_("附件“%(name)s”与“%(other)s”是同一个文件：请删去重复的附件。")
MSG_FIELD = N_("%(field)s：%(reason)s")
MSG_UNKNOWN_COLUMNS = N_("以下列名无法识别，已忽略：%(names)s。")
MSG_MISSING_COLUMNS = N_(
    "表格缺少必需的列：%(names)s。第一行应为列名，至少包括索引号、标题、发布日期（成文日期可选）。"
)

_VALIDITY: dict[str, str] = {
    "现行有效": Validity.IN_FORCE,
    "有效": Validity.IN_FORCE,
    "已修改": Validity.AMENDED,
    "修改": Validity.AMENDED,
    "已废止": Validity.REPEALED,
    "废止": Validity.REPEALED,
    "已失效": Validity.EXPIRED,
    "失效": Validity.EXPIRED,
    "不适用": "",
}
_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
_CN_ITEMS = {text: n for n, text in enumerate(_NUMERALS, 1)} | {"十" + _NUMERALS[i]: 11 + i for i in range(5)}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_FILE_SPLIT = re.compile(r"[;；,，\n|]+")
_CATEGORY_SPLIT = re.compile(r"[\\/／＼>＞]+")


def label_of(text: str) -> str | None:
    """The column a header (or a 信息索引表 cell's label) names, or None."""
    key = unicodedata.normalize("NFKC", text or "")
    key = re.sub(r"[（(][^）)]*[）)]", "", key)  # 标题（必填）
    key = re.sub(r"[\s*:：]", "", key)
    if key in COLUMNS:
        return key
    return ALIASES.get(key)


@dataclass
class Header:
    """Which column holds which label."""

    positions: dict[str, int]
    unknown: list[str]
    missing: list[str]


def read_header(header: list[str]) -> Header:
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for position, text in enumerate(header):
        label = label_of(text)
        if label is None:
            if text.strip():
                unknown.append(text.strip())
        elif label not in positions:
            positions[label] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    return Header(positions, unknown, missing)


def cells_of(header: Header, cells: list[str]) -> dict[str, str]:
    return {label: cells[position] for label, position in header.positions.items() if position < len(cells)}


@dataclass
class Row:
    """One row (or crawled entry): where it came from, and either its entry's fields or its errors."""

    position: int
    #: "第 N 行" of the spreadsheet, or the page's URL.
    source: str
    index_number: str
    title: str
    #: For :func:`gongkai.catalogue.content.apply_fields`.
    data: dict[str, Any] = field(default_factory=dict)
    published_on: datetime.date | None = None
    #: The attachments' names as the row gives them.
    files: list[str] = field(default_factory=list)
    errors: list[Message] = field(default_factory=list)
    #: The entry the row describes, cleaned and checked (unsaved; set by the check of a valid row).
    candidate: Item | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


def parse_date(text: str) -> datetime.date | None:
    """``2024-01-31``, ``2024/1/31``, ``2024.1.31``, ``2024年1月31日``, ``20240131`` (a time after it is
    ignored); raises ``ValueError`` for anything else."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return None
    match = _DATE.match(value) or _COMPACT_DATE.match(value)
    if match is None:
        raise ValueError(value)
    year, month, day = (int(g) for g in match.groups())
    return datetime.date(year, month, day)


def _article_20(text: str) -> int | None:
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return None
    value = value.removeprefix("第二十条").removeprefix("第").strip()
    match = re.match(r"^\(?(\d{1,2})\)?", value)
    if match:
        number = int(match.group(1))
    else:
        match = re.match(r"^\(?([一二三四五六七八九十]{1,2})\)?项?", value)
        number = _CN_ITEMS.get(match.group(1), 0) if match else 0
        if not number:
            number = next((n for n, label in ARTICLE_20_ITEMS.items() if value and value in label), 0)
    if not 1 <= number <= 15:
        raise ValueError(text)
    return number


class Checker:
    """Checks rows for one agency: the categories, the index numbers already used, the files."""

    def __init__(self, agency: Agency, files: FileSource | None = None, today: datetime.date | None = None):
        self.agency = agency
        self.files = files
        self.today = today or timezone.localdate()
        self.categories = {c.name: c for c in Category.objects.all()}
        self.seen: dict[str, int] = {}

    def _category(self, text: str, errors: list[Message]) -> Category | None:
        value = " ".join(text.split())
        if not value:
            return None
        found = self.categories.get(value)
        if found is None:
            for part in reversed(_CATEGORY_SPLIT.split(value)):
                found = self.categories.get(part.strip())
                if found is not None:
                    break
        if found is None:
            errors.append(Message(MSG_CATEGORY, {"value": value}))
        return found

    def _date(self, cells: Mapping[str, str], column: str, errors: list[Message]) -> datetime.date | None:
        try:
            day = parse_date(cells.get(column, ""))
        except ValueError:
            errors.append(Message(MSG_DATE, {"column": column, "value": cells.get(column, "").strip()}))
            return None
        if day is not None and day > self.today and column in ("成文日期", "发布日期"):
            errors.append(Message(MSG_FUTURE, {"column": column, "day": day.isoformat()}))
        return day

    def check(self, position: int, source: str, cells: Mapping[str, str]) -> Row:
        """The row's entry, or every problem in it."""
        errors: list[Message] = []
        number = " ".join(cells.get("索引号", "").split())
        title = " ".join(cells.get("标题", "").split())
        row = Row(position=position, source=source, index_number=number, title=title[:300], errors=errors)
        for column in REQUIRED_COLUMNS:
            if not cells.get(column, "").strip():
                errors.append(Message(MSG_REQUIRED, {"column": column}))
        if len(number) > index_numbers.MAX_LENGTH:
            errors.append(
                Message(MSG_TOO_LONG, {"column": "索引号", "max": index_numbers.MAX_LENGTH, "n": len(number)})
            )
        if number:
            earlier = self.seen.get(number)
            if earlier is not None:
                errors.append(Message(MSG_INDEX_REPEATED, {"number": number, "line": earlier}))
            else:
                self.seen[number] = position
        published = self._date(cells, "发布日期", errors)
        written = self._date(cells, "成文日期", errors) if cells.get("成文日期", "").strip() else published
        effective = self._date(cells, "实施日期", errors)
        repealed = self._date(cells, "废止日期", errors)
        validity_text = " ".join(cells.get("有效性", "").split())
        validity = _VALIDITY.get(validity_text, None if validity_text else "")
        if validity is None:
            errors.append(Message(MSG_VALIDITY, {"value": validity_text}))
        try:
            article = _article_20(cells.get("第二十条事项", ""))
        except ValueError:
            errors.append(Message(MSG_ARTICLE_20, {"value": cells.get("第二十条事项", "").strip()}))
            article = None
        row.published_on = published
        row.data = {
            "title": title,
            "publisher": cells.get("发布机构", ""),
            "doc_number": cells.get("文号", ""),
            "written_on": written,
            "effective_on": effective,
            "repealed_on": repealed,
            "validity": validity or "",
            "category": self._category(cells.get("主题分类", ""), errors),
            "article20_item": article,
            "summary": cells.get("内容概述", ""),
            "keywords": cells.get("关键词", ""),
            "body": cells.get("正文", ""),
        }
        row.files = [name.strip() for name in _FILE_SPLIT.split(cells.get("附件", "")) if name.strip()]
        self._check_files(row)
        if not errors and written is not None:
            self._check_fields(row)
        return row

    def _check_fields(self, row: Row) -> None:
        """The entry's own rules (lengths, dates in order, validity …), as a draft would be checked."""
        candidate = Item(agency=self.agency)
        try:
            # The agency and the categories were read from the database by this checker.
            content.apply_fields(candidate, row.data, loaded=("agency", "category"))
            row.candidate = candidate
        except content.CatalogueError as exc:
            labels = {
                f.name: str(f.verbose_name) for f in Item._meta.get_fields() if hasattr(f, "verbose_name")
            }
            for name, messages in exc.message_dict.items():
                for text in messages:
                    if name in labels:
                        row.errors.append(Message(MSG_FIELD, {"field": labels[name], "reason": text}))
                    else:
                        row.errors.append(Message(text))

    def _check_files(self, row: Row) -> None:
        if not row.files:
            return
        if len(row.files) > MAX_ATTACHMENTS:
            row.errors.append(Message(MSG_TOO_MANY_FILES, {"max": MAX_ATTACHMENTS, "n": len(row.files)}))
            return
        digests: dict[bytes, str] = {}
        for name in row.files:
            if self.files is None or not len(self.files):
                row.errors.append(Message(MSG_NO_FILES, {"name": name}))
                continue
            duplicate = self.files.duplicate(name)
            data = self.files.read(name)
            if duplicate is not None:
                row.errors.append(duplicate)
            elif data is None:
                row.errors.append(Message(MSG_FILE_MISSING, {"name": name}))
            else:
                self._check_file(row, name, data, digests)

    def _check_file(self, row: Row, name: str, data: bytes, digests: dict[bytes, str]) -> None:
        try:
            uploads.check_upload(name, data, max_bytes=MAX_ATTACHMENT_BYTES)
        except uploads.UploadRefused as exc:
            for message in exc.messages:
                row.errors.append(Message(MSG_FILE_REFUSED, {"name": name, "reason": message}))
            return
        import hashlib

        digest = hashlib.sha256(data).digest()
        if digest in digests:
            row.errors.append(Message(MSG_SAME_FILE, {"name": name, "other": digests[digest]}))
        digests[digest] = name


def other_agency_numbers(agency: Agency, numbers: Iterable[str]) -> set[str]:
    """Which of ``numbers`` belong to another agency's entry (an error of the row)."""
    wanted = [n for n in numbers if n]
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        taken = (
            Item.objects.filter(index_number__in=wanted[start : start + 500])
            .exclude(agency=agency)
            .values_list("index_number", flat=True)
        )
        found.update(number for number in taken if number)
    return found


def mark_other_agencies(agency: Agency, rows: list[Row]) -> None:
    taken = other_agency_numbers(agency, [r.index_number for r in rows])
    for row in rows:
        if row.index_number in taken:
            row.errors.append(Message(MSG_INDEX_OTHER_AGENCY, {"number": row.index_number}))
