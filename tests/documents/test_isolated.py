"""Every outside document is read in a child process with memory, CPU and time limits
(:mod:`gongkai.documents.isolated`): a small PDF that inflates into gigabytes, or spins, a .docx whose XML
takes more memory than allowed, is stopped — the catalogue says "not checked", the checker refuses the
file — and never takes the server's memory; ordinary files are read as before."""

from __future__ import annotations

import io
import os
import signal
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from pydoc import locate

import pytest

from gongkai.catalogue import extract
from gongkai.catalogue.extract import MSG_TOO_COMPLEX, extract_text
from gongkai.checker import pipeline
from gongkai.checker.readers import pdf as checker_pdf
from gongkai.checker.readers import read_bytes
from gongkai.checker.readers.common import MSG_PDF_BROKEN, MSG_PDF_ENCRYPTED, MSG_PDF_TOO_COMPLEX
from gongkai.checker.source import UnreadableFile
from gongkai.documents import isolated, pdf
from gongkai.documents.isolated import TooComplex, read_isolated
from tests.catalogue.conftest import pdf_bytes
from tests.documents.children import answer_of, dying, environment, in_child, nested, raising, sleeping
from tests.pdfs import one_page_pdf

MIB = 2**20
ROOT = Path(__file__).resolve().parents[2]


def zeros_deflated(mib: int) -> bytes:
    """zlib data that inflates to ``mib`` MiB of zero bytes, made in milliseconds without holding them.

    After a full flush the compressor refers to nothing before it, so every further MiB of zeros is the
    same block; the stream ends with an empty final block and the Adler-32 of ``n`` zeros,
    ``(n mod 65521) << 16 | 1``.
    """
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9)
    head = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH) == block
    size = mib * MIB
    return head + block * (mib - 1) + b"\x03\x00" + struct.pack(">I", ((size % 65521) << 16) | 1)


def pdf_with_stream(stream: bytes) -> bytes:
    """A one-page PDF whose content stream is ``stream`` (FlateDecode)."""
    return one_page_pdf(stream, flate=True)


def test_the_bomb_is_what_it_claims() -> None:
    data = zeros_deflated(8)
    assert zlib.decompress(data) == bytes(8 * MIB)
    assert len(zeros_deflated(1024)) < 1.1 * MIB  # 1 GiB of zeros in about 1 MB


def test_a_pdf_that_inflates_to_a_gigabyte_is_stopped_by_the_memory_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the memory limit can stop it: no wall clock in the way (about 2 s on a quiet machine).
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 3600)
    bomb = pdf_with_stream(zeros_deflated(1024))
    assert len(bomb) < 1.1 * MIB
    result = extract_text(bomb, "bomb.pdf")
    assert (result.kind, result.text, result.pages) == ("pdf", "", None)
    assert result.problem == MSG_TOO_COMPLEX == "文件过大或过于复杂，无法自动检查，请人工核对"


def test_a_pdf_that_spins_is_stopped_by_the_cpu_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # 16 MiB of zeros in a content stream take pdfminer over ten seconds of CPU; only the CPU limit can
    # stop it (the wall-clock limit is out of the way).
    monkeypatch.setattr(isolated, "CPU_SECONDS", 1)
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 3600)
    result = extract_text(pdf_with_stream(zeros_deflated(16)), "slow.pdf")
    assert result.problem == MSG_TOO_COMPLEX


def test_a_pdf_that_takes_too_long_is_not_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the wall clock can stop it: the PDF takes pdfminer over ten seconds of CPU, the CPU limit is
    # out of the way.
    monkeypatch.setattr(isolated, "CPU_SECONDS", 3600)
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 0.5)
    result = extract_text(pdf_with_stream(zeros_deflated(16)), "a.pdf")
    assert (result.text, result.problem) == ("", MSG_TOO_COMPLEX)


def test_an_ordinary_pdf_is_still_read_with_its_pages_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    result = extract_text(pdf_bytes("Tel 13800138000", "Second line"), "a.pdf")
    assert (result.kind, result.pages, result.problem) == ("pdf", 1, "")
    assert "13800138000" in result.text and "Second line" in result.text
    assert result.page_of(0) == 1
    # The limits of this process are the child's (they are passed to it).
    monkeypatch.setattr(extract, "MAX_CHARS", 5)
    cut = extract_text(pdf_bytes("Tel 13800138000"), "a.pdf")
    assert cut.text == "Tel 1"
    assert "只检查了前 5字" in cut.problem


def test_a_broken_pdf_is_still_reported_as_broken() -> None:
    result = extract_text(b"%PDF-1.4\n this is not a pdf", "a.pdf")
    assert result.problem == "PDF 文件已损坏或格式不正确，无法检查；请重新保存后再试，或人工核对"


def test_the_child_answers_broken_and_pages() -> None:
    assert read_isolated("layout", b"%PDF-1.4\n this is not a pdf")["error"] == "broken"
    answer = read_isolated("pages", pdf_bytes("Tel 13800138000"), max_pages=5, max_chars=100)
    assert answer == {"pages": 1, "texts": ["Tel 13800138000"], "scanned": []}


# -- the checker reads its PDFs in the same child ------------------------------------------------


def test_the_checker_refuses_a_pdf_that_inflates_to_a_gigabyte(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 3600)  # only the memory limit can stop it
    with pytest.raises(UnreadableFile) as refused:
        read_bytes(pdf_with_stream(zeros_deflated(1024)), "bomb.pdf")
    assert str(refused.value) == MSG_PDF_TOO_COMPLEX
    assert "过大或过于复杂" in MSG_PDF_TOO_COMPLEX


def test_the_checker_does_not_wait_for_a_pdf_that_spins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "CPU_SECONDS", 1)
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 3600)  # only the CPU limit can stop it
    with pytest.raises(UnreadableFile) as refused:
        read_bytes(pdf_with_stream(zeros_deflated(16)), "slow.pdf")
    assert str(refused.value) == MSG_PDF_TOO_COMPLEX


def test_the_checker_does_not_wait_past_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "CPU_SECONDS", 3600)
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 0.5)  # only the wall clock can stop it
    with pytest.raises(UnreadableFile) as refused:
        read_bytes(pdf_with_stream(zeros_deflated(16)), "a.pdf")
    assert str(refused.value) == MSG_PDF_TOO_COMPLEX


def test_the_readings_errors_become_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    def raising(error: BaseException) -> object:
        def read(data: bytes) -> pdf.Answer:
            raise error

        return read

    monkeypatch.setitem(pdf.READINGS, "test", raising(PDFPasswordIncorrect()))
    assert pdf.run_reading("test", b"", {}) == {"error": "encrypted"}
    monkeypatch.setitem(pdf.READINGS, "test", raising(ValueError("a password is needed")))
    assert pdf.run_reading("test", b"", {}) == {"error": "broken", "password": True}
    monkeypatch.setitem(pdf.READINGS, "test", raising(KeyError("Root")))
    assert pdf.run_reading("test", b"", {}) == {"error": "broken", "password": False}
    monkeypatch.setitem(pdf.READINGS, "test", raising(RuntimeError("wrapped", MemoryError())))
    with pytest.raises(MemoryError):
        pdf.run_reading("test", b"", {})


@pytest.mark.parametrize(
    ("answer", "checker_message", "catalogue_problem"),
    [
        ({"error": "encrypted"}, MSG_PDF_ENCRYPTED, extract.MSG_PDF_ENCRYPTED),
        # the checker has always taken a library error that speaks of a password for encryption
        ({"error": "broken", "password": True}, MSG_PDF_ENCRYPTED, extract.MSG_BROKEN % {"kind": "PDF "}),
        ({"error": "broken", "password": False}, MSG_PDF_BROKEN, extract.MSG_BROKEN % {"kind": "PDF "}),
        ({"pages": "not a list"}, MSG_PDF_TOO_COMPLEX, MSG_TOO_COMPLEX),
    ],
)
def test_each_caller_words_the_childs_answer(
    monkeypatch: pytest.MonkeyPatch, answer: dict[str, object], checker_message: str, catalogue_problem: str
) -> None:
    def read_isolated(reading: str, data: bytes, **options: int) -> dict[str, object]:
        return answer

    monkeypatch.setattr(checker_pdf, "read_isolated", read_isolated)
    monkeypatch.setattr(extract, "read_isolated", read_isolated)
    with pytest.raises(UnreadableFile) as refused:
        read_bytes(b"%PDF-1.4 whatever", "a.pdf")
    assert str(refused.value) == checker_message
    # extract_text runs extract_here in the child, which does not see this process's monkeypatching
    assert extract.extract_here(b"%PDF-1.4 whatever", "pdf").problem == catalogue_problem


def test_what_stops_a_bomb_is_the_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Neither the CPU nor the wall-clock limit is in the way: the child itself reports running out of memory.
    monkeypatch.setattr(isolated, "CPU_SECONDS", 3600)
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 3600)
    with pytest.raises(isolated.TooComplex, match=rf"^exit status {isolated.OUT_OF_MEMORY}$"):
        isolated.read_isolated("pages", pdf_with_stream(zeros_deflated(1024)), max_pages=10, max_chars=1000)


def test_what_stops_a_spinning_pdf_is_the_cpu_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The kernel's SIGXCPU at the CPU limit ends the child (a negative status: killed by a signal).
    monkeypatch.setattr(isolated, "CPU_SECONDS", 1)
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 3600)
    with pytest.raises(isolated.TooComplex, match=rf"^exit status -({signal.SIGXCPU}|{signal.SIGKILL})$"):
        isolated.read_isolated("pages", pdf_with_stream(zeros_deflated(16)), max_pages=10, max_chars=1000)


# -- the child process itself ---------------------------------------------------------------------


def test_a_reading_runs_in_a_child_and_once_there_in_place() -> None:
    assert isolated.run_isolated(in_child) is True
    assert in_child() is False
    child_says_child, child_pid, same_pid = isolated.run_isolated(nested)
    assert child_says_child and same_pid and child_pid != os.getpid()


def test_the_childs_exception_is_raised_in_the_parent() -> None:
    with pytest.raises(UnreadableFile) as refused:
        isolated.run_isolated(raising)
    assert str(refused.value) == "坏文件"


def test_a_child_that_dies_without_an_answer_is_too_complex() -> None:
    with pytest.raises(TooComplex, match=r"^exit status 9$"):
        isolated.run_isolated(dying)


def test_the_child_keeps_no_secret_of_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "not for children")
    assert set(isolated.run_isolated(environment)) <= set(isolated.KEEP_ENVIRONMENT)


def test_an_answer_that_is_no_object_is_too_complex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "run_isolated", lambda *args: [1, 2])
    with pytest.raises(TooComplex):
        read_isolated("layout", pdf_bytes("x"))
    with pytest.raises(ValueError):
        read_isolated("nonsense", b"")


def test_the_parent_is_not_held_by_a_child_that_takes_too_long(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 0.2)
    with pytest.raises(TooComplex, match="TimeoutExpired"):
        isolated.run_isolated(sleeping, 600)
    assert isolated.run_isolated(answer_of, b"x" * 5_000_000) == b"x" * 5_000_000


#: A program that is slow to start (as a script that sets Django up at its top), with a log of every run of
#: it: as the program itself (``__main__``) or run again in a child (``__mp_main__``).
HEAVY_PROGRAM = """
import os, sys, time
with open(os.environ["RUNS_LOG"], "a", encoding="utf-8") as log:
    log.write(__name__ + "\\n")
time.sleep(0.3)
from gongkai.documents import isolated
if __name__ == "__main__":
    print(len({isolated.run_isolated(os.getpid) for _ in range(3)}))
"""


@pytest.mark.processes
@pytest.mark.parametrize("started_as", ["script", "module"])
def test_a_child_does_not_run_the_parents_program_again(tmp_path: Path, started_as: str) -> None:
    """``python heavy.py`` and ``python -m heavy`` (as the installed ``gongkai`` script, ``manage.py``,
    pytest or a benchmark): three readings, three children, and the program ran once — in the parent."""
    (tmp_path / "heavy.py").write_text(HEAVY_PROGRAM, encoding="utf-8")
    log = tmp_path / "runs.log"
    command = [sys.executable, "heavy.py"] if started_as == "script" else [sys.executable, "-m", "heavy"]
    env = {**os.environ, "RUNS_LOG": str(log), "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3"]
    assert log.read_text(encoding="utf-8").split() == ["__main__"]


def test_a_function_of_the_running_program_is_refused() -> None:
    def program_function() -> None:
        pass

    program_function.__module__ = "__main__"
    with pytest.raises(TypeError, match="importable modules"):
        isolated.run_isolated(program_function)


def test_the_fork_server_prepares_its_children_without_the_parents_program() -> None:
    isolated.run_isolated(os.getpid)  # the fork server runs
    # What multiprocessing would have the child run again, and what it does instead: the rest is prepared.
    assert isolated.run_isolated(locate, "__main__.__name__") == "__main__"
    assert isolated.run_isolated(locate, "sys.path") == sys.path


# -- every kind of file, not only PDFs ----------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with_body(body: str) -> bytes:
    """A minimal .docx whose document.xml body is ``body``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        )
    return buffer.getvalue()


def test_a_docx_is_read_in_the_child_like_any_file() -> None:
    report = pipeline.parse_bytes(
        docx_with_body("<w:p><w:r><w:t>某某局2023年政府信息公开工作年度报告</w:t></w:r></w:p>"), "a.docx"
    )
    assert report.year == 2023 and "某某局" in report.text
    extracted = extract_text(docx_with_body("<w:p><w:r><w:t>电话 13800138000</w:t></w:r></w:p>"), "a.docx")
    assert (extracted.kind, extracted.text.strip(), extracted.problem) == ("docx", "电话 13800138000", "")


def test_a_docx_whose_xml_needs_more_memory_than_allowed_costs_one_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 300,000 empty paragraphs: under the zip guard's limits (6 MB of XML, 10 KB zipped), but each
    # element costs lxml and python-docx memory: more than a child is given here.
    monkeypatch.setattr(isolated, "MEMORY_BYTES", 200 * MIB)
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 3600)  # only the memory limit can stop it
    hostile = docx_with_body("<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 300_000)
    assert len(hostile) < 100_000
    with pytest.raises(UnreadableFile) as refused:
        pipeline.parse_bytes(hostile, "a.docx")
    assert str(refused.value) == pipeline.MSG_TOO_COMPLEX
    assert extract_text(hostile, "a.docx").problem == MSG_TOO_COMPLEX


def test_parse_bytes_does_not_wait_past_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "CPU_SECONDS", 3600)
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 0.5)  # only the wall clock can stop it
    with pytest.raises(UnreadableFile) as refused:
        pipeline.parse_bytes(pdf_with_stream(zeros_deflated(16)), "a.pdf")
    assert str(refused.value) == MSG_PDF_TOO_COMPLEX
