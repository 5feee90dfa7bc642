"""Reading the spreadsheet of an import: ``.xlsx`` (openpyxl, read-only) or ``.csv`` (UTF-8 or
GBK/GB18030, detected), into a header and rows of text. Pure: no Django; the .xlsx is read in the limited
child process (:func:`gongkai.documents.isolated.run_isolated`) like every outside document.

:func:`read_table` raises :class:`TableUnreadable` with a :class:`~gongkai.core.messages.Message` saying
what is wrong and how to fix it (an unknown format, a broken file, no header row, too many rows).
"""

from __future__ import annotations

import csv
import datetime
import io
import warnings
from dataclasses import dataclass, field

from gongkai.core.messages import N_, Message
from gongkai.documents import isolated, sniffing, zipguard
from gongkai.documents.isolated import TooComplex

#: At most this many data rows in one spreadsheet (a county's ten years fit many times over).
MAX_ROWS = 50_000
#: At most this many columns are read.
MAX_COLUMNS = 60
#: A cell longer than this is an error of its row (no silent truncation): 正文 of a long document fits.
MAX_CELL_CHARS = 200_000

MSG_FORMAT = N_("无法识别文件格式：请上传 Excel 表格（.xlsx）或 CSV 文件（.csv，UTF-8 或 GBK 编码）。")
MSG_OLD_EXCEL = N_(
    "不支持旧版 Excel（.xls）或 WPS 表格（.et）文件：请在 Excel 或 WPS 中另存为 .xlsx 后再导入。"
)
MSG_BROKEN = N_("文件已损坏或不是有效的 Excel 表格（.xlsx），无法读取：请在 Excel 中打开后重新保存。")
MSG_TOO_COMPLEX = N_("表格过大或过于复杂，无法在限定的时间和内存内读取：请拆分为几个较小的文件分别导入。")
MSG_EMPTY = N_("表格中没有内容：第一行应为列名（索引号、标题、发布日期……），从第二行起每行一个条目。")
MSG_TOO_MANY = N_("表格有 %(n)s 行，超过一次导入 %(max)s 行的上限：请拆分为几个文件分别导入。")
MSG_ENCODING = N_("CSV 文件的编码无法识别：请另存为 UTF-8 或 GBK 编码。")
MSG_CSV = N_("CSV 文件格式有误（%(reason)s）：请在 Excel 或 WPS 中另存为 CSV 后再导入。")


class TableUnreadable(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.template)
        self.message = message


@dataclass
class Table:
    """The header (as written) and the data rows: ``(line number, cells)``; empty rows are left out."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    #: ``csv-utf-8``, ``csv-gb18030`` or ``xlsx``.
    source: str = ""


def cell_text(value: object) -> str:
    """A cell as text: dates as ``YYYY-MM-DD``, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(rows: list[tuple[int, list[str]]], source: str) -> Table:
    filled = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not filled:
        raise TableUnreadable(Message(MSG_EMPTY))
    (_line, header), *data = filled
    if len(data) > MAX_ROWS:
        raise TableUnreadable(Message(MSG_TOO_MANY, {"n": len(data), "max": MAX_ROWS}))
    width = len(header)
    return Table(
        header=[h.strip() for h in header],
        rows=[(line, (cells + [""] * width)[:width]) for line, cells in data],
        source=source,
    )


def read_xlsx_here(data: bytes) -> Table:
    """The first sheet of an .xlsx, in this process (the child runs it)."""
    import openpyxl  # type: ignore[import-untyped]

    try:
        zipguard.check_zip(data, zipguard.OFFICE_LIMITS)
    except zipguard.ZipRefused as exc:
        raise TableUnreadable(Message(MSG_TOO_COMPLEX)) from exc
    except Exception as exc:  # not a zip at all
        raise TableUnreadable(Message(MSG_BROKEN)) from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                rows: list[tuple[int, list[str]]] = []
                for line, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1):
                    rows.append((line, [cell_text(v) for v in values]))
                    if len(rows) > MAX_ROWS + 1:
                        break
            finally:
                book.close()
    except TableUnreadable:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a broken file: no library exception escapes
        raise TableUnreadable(Message(MSG_BROKEN)) from exc
    return _table(rows, "xlsx")


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV and its encoding: UTF-8 (with or without BOM) when it decodes, else GB18030
    (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise TableUnreadable(Message(MSG_ENCODING))


def read_csv(data: bytes) -> Table:
    text, encoding = decode_csv(data)
    if "\x00" in text:
        raise TableUnreadable(Message(MSG_FORMAT))
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = []
        for values in reader:
            rows.append((reader.line_num, [v for v in values[:MAX_COLUMNS]]))
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise TableUnreadable(Message(MSG_CSV, {"reason": str(exc)})) from exc
    return _table(rows, f"csv-{encoding}")


def read_table(data: bytes, filename: str = "") -> Table:
    """The spreadsheet in ``data``: its kind sniffed from the bytes (the name only tells .csv apart)."""
    if data.startswith(sniffing.OLE_MAGIC):
        raise TableUnreadable(Message(MSG_OLD_EXCEL))
    if data.startswith(b"PK"):
        try:
            return isolated.run_isolated(read_xlsx_here, data)
        except TooComplex as exc:
            raise TableUnreadable(Message(MSG_TOO_COMPLEX)) from exc
    if filename.lower().endswith((".xlsx", ".xls", ".et")):
        raise TableUnreadable(Message(MSG_BROKEN))
    return read_csv(data)
