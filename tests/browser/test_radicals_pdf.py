"""A report printed to PDF by headless Chromium whose text layer holds Kangxi radicals and CJK radicals
supplement (``⼀ ⼆ ⾃然⼈ ⾏政许可 ⻔``) reads like the same report in unified ideographs
(``gongkai.reports.normalize``, step 1).

Chrome/Skia PDFs seen in the wild carry radicals where the page had ideographs (their fonts draw both
with one glyph). The Chromium of this machine (Debian's, Noto CJK fonts) prints a page written only in
unified ideographs without a single radical, so the page here is written with radicals for the labels'
characters, and the test first checks that the printed PDF really holds them. (Printing that page,
Chromium also turned ideographs the page wrote unified — 月 至 止 民 面 无 — into radicals in the text
layer; the test does not rely on that.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
from playwright.sync_api import Browser

from gongkai.checker.checks import run_checks
from gongkai.checker.pipeline import parse_bytes
from gongkai.reports.model import SECTION4_GROUP_KEYS
from gongkai.reports.tables import Tables
from tests.browser.chromium import NEEDS_CHROMIUM
from tests.checker.renderers import render_report
from tests.checker.test_real_reports import _section3_key
from tests.checker.test_roundtrip_properties import _differences

pytestmark = [NEEDS_CHROMIUM]

TRUTH = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "truth" / "004.json"
#: Ideographs of the report's labels and headings, and the radical a Chrome PDF writes for each.
RADICALS = {
    "一": "\u2f00",  # ⼀ KANGXI RADICAL ONE
    "二": "\u2f06",  # ⼆
    "人": "\u2f08",  # ⼈
    "入": "\u2f0a",  # ⼊
    "十": "\u2f17",  # ⼗
    "大": "\u2f24",  # ⼤
    "工": "\u2f2f",  # ⼯
    "文": "\u2f42",  # ⽂
    "方": "\u2f45",  # ⽅
    "日": "\u2f47",  # ⽇
    "生": "\u2f63",  # ⽣
    "用": "\u2f64",  # ⽤
    "自": "\u2f83",  # ⾃
    "行": "\u2f8f",  # ⾏
    "见": "\u2ec5",  # ⻅ CJK RADICAL C-SIMPLIFIED SEE
    "长": "\u2ed3",  # ⻓ CJK RADICAL C-SIMPLIFIED LONG
    "门": "\u2ed4",  # ⻔ CJK RADICAL C-SIMPLIFIED GATE
    "民": "\u2ea0",  # ⺠ CJK RADICAL CIVILIAN
}
#: Ruled cells (pdfplumber finds tables by their rules), small enough that no row label wraps.
STYLE = (
    "<style>table{border-collapse:collapse}td{border:1px solid #000;padding:1px;font-size:7px;"
    "white-space:nowrap}</style></head>"
)


def _values() -> Tables:
    """The tables of report 004 (平潭综合实验区 2021, read by hand)."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    groups = ["复议", "诉讼_未经复议", "诉讼_复议后"]
    fees = truth["section2"]["行政事业性收费"]["本年收费金额（单位：万元）"]
    return Tables(
        section2={
            "regulations": {"issued": 0, "abolished": 0, "in_force": 0},
            "normative_documents": {"issued": 69, "abolished": 3, "in_force": 665},
            "licensing": {"decisions": 2293},
            "penalty": {"decisions": 1282},
            "enforcement": {"decisions": 42},
            "fees": {"amount": fees},
        },
        section3={_section3_key("2021", k): v for k, v in truth["section3"].items()},
        section4={SECTION4_GROUP_KEYS[i]: truth["section4"][g] for i, g in enumerate(groups)},
    )


def test_a_chromium_pdf_with_radicals_in_its_text_layer_reads(browser: Browser, tmp_path: Path) -> None:
    values = _values()
    page_html = render_report(values, "2021", "html").decode("utf-8").replace("</head>", STYLE)
    page_html = page_html.translate({ord(k): v for k, v in RADICALS.items()})
    page = browser.new_page()
    page.set_content(page_html)
    pdf = page.pdf()
    (tmp_path / "report.pdf").write_bytes(pdf)
    with pdfplumber.open(tmp_path / "report.pdf") as doc:
        layer = "".join(p.extract_text() or "" for p in doc.pages)
    # The input really has radicals where the labels have ideographs.
    assert "\u2f83然" in layer and "\u2f8f政许可" in layer and "自然" not in layer
    assert {ch for ch in layer if "\u2e80" <= ch <= "\u2fdf"} >= {"\u2f00", "\u2f06", "\u2ea0"}

    report = parse_bytes(pdf, "report.pdf")
    assert (report.kind, report.format, report.year) == ("annual_report", "2021", 2023)
    assert _differences(report.tables, values, ("section2", "section3", "section4")) == []
    errors = [f.code for f in run_checks(report, None) if f.severity == "error"]
    assert errors == []
