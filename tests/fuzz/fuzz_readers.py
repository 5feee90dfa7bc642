"""atheris harness for the readers of outside documents (no Django): the checker's text, HTML and .docx
readers and the whole read → parse path (``pipeline.parse_here``, what the limited child runs), the
catalogue's text extraction (``extract.extract_here``), and the documents package's sniffing and text
decoding. A reader may refuse a file (``UnreadableFile``) — any other exception is a crash, which atheris
reports with the input that caused it (and exits with a non-zero status).

    .venv/bin/python tests/fuzz/fuzz_readers.py -runs=10000 CORPUS_DIR   # as test_atheris_readers.py does
    .venv/bin/python tests/fuzz/fuzz_readers.py -max_total_time=3600 CORPUS_DIR   # an hour (README.md)

``--write-seeds DIR`` writes the small seed corpus (a text report, a web page, a .docx, an .xlsx) to DIR.
PDFs are left out: every PDF is read in a child process of its own (tests/documents/test_isolated.py).
"""

from __future__ import annotations

import io
import os
import sys
import warnings
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["gongkai"]):
    from gongkai.catalogue import extract
    from gongkai.checker import pipeline
    from gongkai.checker.readers.html import read_html
    from gongkai.checker.readers.text import read_text
    from gongkai.checker.readers.word import read_docx
    from gongkai.checker.source import UnreadableFile
    from gongkai.documents import sniffing, text


#: Set by the test that proves a crash is reported: an input starting with b"PLANTED" then raises.
PLANTED = os.environ.get("GONGKAI_FUZZ_PLANTED_CRASH") == "1"


def one_input(data: bytes) -> None:
    if len(data) < 1:
        return
    which, body = data[0] % 7, data[1:]
    if PLANTED and data.startswith(b"PLANTED"):
        raise RuntimeError("planted crash")
    if sniffing.sniff(body).kind == "pdf":
        return  # PDFs are read in a child process of their own
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if which == 0:
                pipeline.parse_here(body, "report.txt")
            elif which == 1:
                read_text(body.decode("utf-8", "replace"))
            elif which == 2:
                read_html(body.decode("utf-8", "replace"))
            elif which == 3:
                read_docx(body)
            elif which == 4:
                pipeline.parse_here(body, "report.docx")
            elif which == 5:
                extract.extract_here(body, extract.file_kind(body))
            else:
                text.decode_text(body)
                sniffing.sniff(body)
        except UnreadableFile:
            pass


def write_seeds(directory: Path) -> None:
    import docx
    import openpyxl  # type: ignore[import-untyped]

    directory.mkdir(parents=True, exist_ok=True)
    report = (
        "某某局2023年政府信息公开工作年度报告\n本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n"
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
    )
    (directory / "text").write_bytes(b"\x00" + report.encode("utf-8"))
    (directory / "gbk").write_bytes(b"\x06" + report.encode("gb18030"))
    html = (
        "<html><body><p>"
        + report.replace("\n", "</p><p>")
        + "</p><table><tr><td>1</td></tr></table></body></html>"
    )
    (directory / "html").write_bytes(b"\x02" + html.encode("utf-8"))
    document = docx.Document()
    for line in report.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=3)
    table.rows[0].cells[0].text = "一、本年新收政府信息公开申请数量"
    table.rows[0].cells[1].text = "1"
    out = io.BytesIO()
    document.save(out)
    (directory / "docx").write_bytes(b"\x04" + out.getvalue())
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "电话", 13800138000])
    out = io.BytesIO()
    workbook.save(out)
    (directory / "xlsx").write_bytes(b"\x05" + out.getvalue())


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--write-seeds":
        write_seeds(Path(sys.argv[2]))
        return
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
