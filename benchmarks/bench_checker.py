"""Throughput of the whole checker pipeline on one core: reports per second of ``check_bytes``.

``check_bytes`` is everything a user waits for: read the file (text decoding / HTML / Word / PDF),
normalise, parse the tables, run every check. The reports are rendered by the test renderers
(``tests/checker/renderers.py``) from realistic tables — a small agency (mostly zeros, a few counts) and a
big city (five-digit 自然人 counts, like report 012) — in every layout, plus the real seeds in
``tests/fixtures/seeds``.

Method: one process, one thread, pinned to one CPU where the OS allows it. For each report: a warm-up
(at least 2 runs and 0.3 s), then ``--repeats`` timed loops of ``--seconds / --repeats`` each (at least one
run per loop), ``time.perf_counter`` around the loop; the result is the median of the loops' time per
report. Prints a Markdown table.

    .venv/bin/python benchmarks/bench_checker.py [--seconds N] [--repeats R] [--case SUBSTRING]
    .venv/bin/python benchmarks/bench_checker.py --pages [--ocr]    # or --ocr alone

``--pages`` measures the PDF reader per page instead: pages per second of the ``layout`` reading (in the
limited child, as the checker runs it) on text PDFs of 10 and 100 pages (the report's prose and ruled tables
repeated), and the peak memory (VmHWM) of a fresh process reading each — side by side with the reading as
it was before pages were closed after reading (``page.close()``), the baseline; ``--ocr`` adds OCR's
seconds per page on the scanned fixture (``tests/fixtures/derived``, two pages).

Profile one case: ``.venv/bin/python -m cProfile -s cumtime benchmarks/bench_checker.py --case squashed``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai.checker.pipeline import check_bytes  # noqa: E402
from gongkai.reports.model import (  # noqa: E402
    FORMATS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    FormatVersion,
)
from gongkai.reports.tables import Tables  # noqa: E402
from tests.checker.markdown_renderers import Shape, render_markdown  # noqa: E402
from tests.checker.renderers import (  # noqa: E402
    Layout,
    document_blocks,
    pdf_from_blocks,
    render,
    render_pdf,
)

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
TEXT_LAYOUTS: tuple[Layout, ...] = ("pipes", "squashed", "cell_per_line", "tabs")
MARKDOWN_SHAPES: tuple[Shape, ...] = ("grid", "fragments")
TEXT_TARGET = 200.0  # reports per second, text layouts


# ---------------------------------------------------------------------------------------------------
# Realistic tables
# ---------------------------------------------------------------------------------------------------


def realistic_tables(version: FormatVersion, size: str, seed: int = 2023) -> Tables:
    """A valid table set: ``size`` "town" (a small agency) or "city" (a big city's government)."""
    rng = random.Random(f"{version}-{size}-{seed}")
    fmt = FORMATS[version]
    city = size == "city"

    def natural() -> int:
        if city:
            return int(rng.lognormvariate(4.5, 1.6))  # median ~90, tail into the thousands
        return rng.choice([0, 0, 0, 0, 1, 2, 3, 5])

    def organisation() -> int:
        if city:
            return rng.choice([0, 0, 0, 1, 2, 5, 17, 44])
        return rng.choice([0, 0, 0, 0, 0, 0, 1])

    values = Tables()
    for block, row in fmt.section2_rows():
        cells: dict[str, int | float | str | None] = {}
        for col in block.columns:
            if col.kind == "amount":
                cents = rng.randint(0, 10**8 if city else 10**5)
                amount = cents / 100 if version == "2019" else cents / 10**4
                cells[col.key] = int(amount) if amount == int(amount) else amount
            elif col.kind == "signed_count":
                cells[col.key] = rng.randint(-8, 8)
            else:
                cells[col.key] = rng.randint(0, 9000 if city else 30)
        values.section2[row.key] = cells
    rows = {key: [0] * len(SECTION3_COLUMN_KEYS) for key in fmt.section3_row_keys}
    for j, _column in enumerate(SECTION3_APPLICANT_COLUMNS):
        draw: Callable[[], int] = natural if j == 0 else organisation
        for key in fmt.section3_result_keys:
            rows[key][j] = draw()
        total = sum(rows[key][j] for key in fmt.section3_result_keys)
        rows["total"][j] = total
        rows["carried_forward"][j] = draw() // 3
        rows["carried_over"][j] = min(draw() // 3, total)
        rows["new_received"][j] = total + rows["carried_forward"][j] - rows["carried_over"][j]
    for cells3 in rows.values():
        cells3[-1] = sum(cells3[:-1])
    values.section3 = {k: list(v) for k, v in rows.items()}
    for key in SECTION4_GROUP_KEYS:
        results = [rng.choice([0, 0, 1, 2, 7, 30] if city else [0, 0, 0, 1]) for _ in range(4)]
        values.section4[key] = [*results, sum(results)]
    return values


# ---------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    kind: str  # "text", "html", "docx", "pdf", "seed"
    data: bytes
    filename: str
    #: Whether the rendered tables came back exactly (None for seeds: no truth here).
    round_trip: bool | None = None


def cases(version: FormatVersion, only: str = "") -> list[Case]:
    """Every report to time (only those whose name contains ``only``), each checked once here."""
    out: list[Case] = []
    for size in ("town", "city"):
        values = realistic_tables(version, size)
        for layout in (*TEXT_LAYOUTS, "html", "docx", "pdf"):
            name = f"{layout} ({size})"
            if only not in name:
                continue
            if layout == "pdf":
                data, filename = render_pdf(values, version), f"report-{version}.pdf"
            else:
                data, filename = render(values, version, layout)  # type: ignore[arg-type]
            report = check_bytes(data, filename).report
            same = (report.tables.section3, report.tables.section4) == (values.section3, values.section4)
            if layout != "squashed":  # squashed table 二 is not guaranteed (see the renderers)
                same = same and report.tables.section2 == values.section2
            kind = "text" if layout in TEXT_LAYOUTS else layout
            out.append(Case(name, kind, data, filename, same))
        for shape in MARKDOWN_SHAPES:  # converter Markdown (tests/checker/markdown_renderers.py)
            name = f"markdown {shape} ({size})"
            if only not in name:
                continue
            data = render_markdown(values, version, shape)
            report = check_bytes(data, "report.md").report
            same = (report.tables.section2, report.tables.section3, report.tables.section4) == (
                values.section2,
                values.section3,
                values.section4,
            )
            out.append(Case(name, "text", data, "report.md", same))
    for path in sorted(SEEDS.iterdir()):
        if path.is_file() and only in f"seed {path.name}":
            data = path.read_bytes()
            report = check_bytes(data, path.name).report
            what = report.layout if report.layout != "none" else report.kind
            out.append(Case(f"seed {path.name[:3]} ({what})", "seed", data, path.name))
    return out


# ---------------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------------


def time_case(case: Case, seconds: float, repeats: int) -> list[float]:
    """Seconds per report of each of ``repeats`` timed loops, after a warm-up."""
    start = time.perf_counter()
    runs = 0
    while runs < 2 or time.perf_counter() - start < 0.3:
        check_bytes(case.data, case.filename)
        runs += 1
    per_loop = seconds / repeats
    samples: list[float] = []
    for _ in range(repeats):
        n = 0
        t0 = time.perf_counter()
        while True:
            check_bytes(case.data, case.filename)
            n += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= per_loop:
                break
        samples.append(elapsed / n)
    return samples


def pin_to_one_cpu() -> str:
    if hasattr(os, "sched_getaffinity") and hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# ---------------------------------------------------------------------------------------------------
# Per page: PDF reading speed and memory, OCR
# ---------------------------------------------------------------------------------------------------

SCAN = ROOT / "tests" / "fixtures" / "derived" / "012_ceshishi-2025-scan.pdf"
PAGES_TARGET = 5.0  # pages per second per core, text PDF
MEMORY_TARGET_MB = 100.0  # peak for a 100-page PDF

#: A fresh interpreter that reads a PDF once and prints its peak resident memory (kB). ``baseline`` reads
#: it as the reader did before pages were closed after reading.
_PEAK = """
import sys
sys.path.insert(0, {root!r})
from gongkai.documents import pdf
data = open({path!r}, "rb").read()
if {baseline!r}:
    import io, pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            len(page.chars)
            pdf._layout_page(page)
else:
    pdf.read_layout(data)
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(line.split()[1])
"""


def long_pdf(pages: int, version: FormatVersion = "2021") -> bytes:
    """A text PDF of about ``pages`` pages: the report's prose and ruled tables, repeated."""
    title, blocks = document_blocks(realistic_tables(version, "city"), version)
    per_copy = page_count(pdf_from_blocks(title, blocks * 10)) / 10
    copies = max(1, int(pages / per_copy))
    data = pdf_from_blocks(title, blocks * copies)
    while page_count(data) < pages:
        copies += 1
        data = pdf_from_blocks(title, blocks * copies)
    return data


def page_count(data: bytes) -> int:
    import pypdfium2  # type: ignore[import-untyped]

    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def peak_mb(data: bytes, baseline: bool) -> float:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        code = _PEAK.format(root=str(ROOT), path=file.name, baseline=baseline)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024


def pages_main(repeats: int, ocr: bool, pdf_pages: bool = True) -> int:
    from gongkai.documents import isolated, pdf
    from gongkai.documents.isolated import read_isolated

    # a shared machine may be slower than the child's wall-clock limit allows: time, do not refuse
    isolated.TIMEOUT_SECONDS = 1200
    isolated.CPU_SECONDS = 600

    print(f"Python {platform.python_version()} on {cpu_model()}, {os.cpu_count()} CPUs, {pin_to_one_cpu()}")
    print(f"load average before: {os.getloadavg()[0]:.2f}\n")
    print(
        "| PDF | pages | pages per CPU-second (in process) | pages/s wall (limited child) | "
        "peak RSS, pages closed (MB) | peak RSS, baseline (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    worst = float("inf")
    peak_100 = 0.0
    for wanted in (10, 100) if pdf_pages else ():
        data = long_pdf(wanted)
        pages = page_count(data)
        read_isolated("layout", data)  # warm-up: the fork server and its imports
        walls, cpus = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            answer = read_isolated("layout", data)
            walls.append(time.perf_counter() - t0)
            c0 = time.process_time()
            pdf.read_layout(data)
            cpus.append(time.process_time() - c0)
        assert "error" not in answer and len(answer["pages"]) == pages
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        closed, baseline = peak_mb(data, False), peak_mb(data, True)
        worst = min(worst, pages / cpu)
        if wanted == 100:
            peak_100 = closed
        print(
            f"| text, {wanted}+ pages | {pages} | {pages / cpu:.1f} | {pages / wall:.1f} | {closed:.0f} | "
            f"{baseline:.0f} |",
            flush=True,
        )
    if pdf_pages:
        print(
            f"\nPDF target ≥ {PAGES_TARGET:.0f} pages/s per core (CPU time): "
            f"{'met' if worst >= PAGES_TARGET else 'MISSED'}"
            f" (slowest {worst:.1f}); peak under {MEMORY_TARGET_MB:.0f} MB at ~100 pages: "
            f"{'met' if peak_100 < MEMORY_TARGET_MB else 'MISSED'} ({peak_100:.0f} MB)."
        )
    if ocr:
        if hasattr(os, "sched_setaffinity"):  # Tesseract is a process of its own: let it use any core
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        data = SCAN.read_bytes()
        pages = page_count(data)
        samples, cpus = [], []
        for _ in range(max(1, repeats // 2)):
            t0 = time.perf_counter()
            answer = read_isolated("ocr", data, pages=list(range(1, pages + 1)), seconds=1000)
            samples.append(time.perf_counter() - t0)
            assert "error" not in answer, answer
            cpus.append(float(answer["cpu_seconds"]))
        per, cpu = statistics.median(samples), statistics.median(cpus)
        print(
            f"\nOCR (Tesseract chi_sim, 300 dpi, two passes): {SCAN.name}, {pages} pages: "
            f"{cpu / pages:.1f} CPU-s/page, {per / pages:.1f} s/page wall (median of {len(samples)})."
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per report (default 3)")
    parser.add_argument("--repeats", type=int, default=5, help="timed loops per report (default 5)")
    parser.add_argument(
        "--format", choices=("2019", "2021"), default="2021", help="format of the rendered reports"
    )
    parser.add_argument("--case", default="", help="only the cases whose name contains this")
    parser.add_argument("--pages", action="store_true", help="PDF pages/s and peak memory per page count")
    parser.add_argument("--ocr", action="store_true", help="with --pages: OCR seconds per page")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    if args.pages or args.ocr:
        return pages_main(args.repeats, args.ocr, pdf_pages=args.pages)

    pinned = pin_to_one_cpu()
    print(
        f"Python {platform.python_version()} on {cpu_model()}, {os.cpu_count()} CPUs, {pinned}; "
        f"{args.repeats} loops of {args.seconds / args.repeats:.2f} s per report, median; "
        f"format {args.format}\n"
    )
    rows: list[tuple[Case, float]] = []
    print("| report | reports/s | ms/report | spread of loops | size (KB) | tables round-trip |")
    print("|---|---:|---:|---:|---:|---|")
    for case in cases(args.format, args.case):
        samples = time_case(case, args.seconds, args.repeats)
        per = statistics.median(samples)
        spread = (max(samples) - min(samples)) / per
        rows.append((case, per))
        rt = "—" if case.round_trip is None else ("yes" if case.round_trip else "**NO**")
        print(
            f"| {case.name} | {1 / per:,.0f} | {per * 1000:.2f} | ±{spread * 50:.0f}% | "
            f"{len(case.data) / 1024:.1f} | {rt} |",
            flush=True,
        )
    text = [(c, per) for c, per in rows if c.kind == "text"]
    if text:
        worst_case, worst = max(text, key=lambda x: x[1])
        verdict = "met" if 1 / worst >= TEXT_TARGET else "MISSED"
        print(
            f"\nText target ≥ {TEXT_TARGET:.0f} reports/s: {verdict} — slowest text report "
            f"{worst_case.name}: {1 / worst:,.0f} reports/s; all text reports together: "
            f"{len(text) / sum(per for _, per in text):,.0f} reports/s."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
