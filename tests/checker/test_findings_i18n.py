"""Findings in the reader's language: a finding carries its message id and parameters (``template``,
``params``), is rendered with ``gongkai.core.i18n.render``, and keeps its Chinese ``message``.

* every ``N_`` template of the checker (and every code's title and description) has an English
  translation in the catalogue;
* every finding the checks make — over the real reports of ``tests/fixtures/reports``, the rendered
  reports of ``renderers`` and the broken reports below — has a template, its Chinese rendering is its
  ``message``, and its English rendering has no Chinese left once the quoted parameters (labels, report
  text, document numbers) are taken out;
* a finding stored before templates existed is shown as its stored message.
"""

from __future__ import annotations

import ast
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from gongkai.checker.checks import run_checks
from gongkai.checker.codes import CODES, finding
from gongkai.checker.pipeline import check_bytes, check_path
from gongkai.checker.presenters import finding_message, findings_from_json, present, result_from_json
from gongkai.checker.presenters.labels import EXPECTED_WORDS
from gongkai.checker.result import CheckResult
from gongkai.core import pocompile
from gongkai.core.messages import Message
from gongkai.reports.findings import Finding
from gongkai.reports.tables import Tables
from tests.checker import renderers
from tests.checker.test_checks import (
    S006_APPLICATIONS,
    SECTION_TEXT,
    get3,
    make_report,
    set3,
    tables_006,
    valid_tables,
)

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "gongkai" / "checker"
FIXTURES = ROOT / "tests" / "fixtures" / "reports"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
EN_PO = pocompile.PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"

#: Chinese characters and the CJK / full-width punctuation (、。（），；：〔〕…) that English text never has.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def catalogue() -> dict[str, str]:
    return {e.msgid: e.msgstr for e in polib.pofile(str(EN_PO), encoding="utf-8") if not e.obsolete}


# ---------------------------------------------------------------------------------------------
# Every template has an English translation
# ---------------------------------------------------------------------------------------------


def checker_templates() -> dict[str, str]:
    """Every ``N_("…")`` of the checker (the readers and the pipeline, which make no finding, aside):
    template -> where."""
    out: dict[str, str] = {}
    for path in sorted(CHECKER.rglob("*.py")):
        rel = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_"):
                continue
            if path.name == "codes.py":
                continue  # the codes' titles and descriptions (f-strings) are checked through CODES
            arg = node.args[0]
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), (
                f"{rel}:{node.lineno}: N_ takes a literal string (a message id), not an expression"
            )
            out.setdefault(arg.value, f"{rel}:{node.lineno}")
    return out


def test_the_scan_finds_the_checks_templates() -> None:
    templates = checker_templates()
    assert len(templates) > 50
    assert "%(table)s“%(row)s”行“%(column)s”列" in templates
    assert any(where.startswith("gongkai/checker/parse/") for where in templates.values())


def test_every_template_of_the_checker_is_translated(catalogue: dict[str, str]) -> None:
    missing = {t: where for t, where in checker_templates().items() if not catalogue.get(t)}
    assert not missing, f"templates without an English translation in django.po: {missing}"


def test_every_codes_title_and_description_is_translated(catalogue: dict[str, str]) -> None:
    missing = [
        (info.code, text)
        for info in CODES.values()
        for text in (info.title, info.description)
        if not catalogue.get(text)
    ]
    assert not missing, f"codes' titles/descriptions without an English translation: {missing}"


def test_the_codes_cite_the_law_not_a_file() -> None:
    for info in CODES.values():
        assert "regulation.md" not in info.description and ".md" not in info.description, info.code


# ---------------------------------------------------------------------------------------------
# The findings the checks make
# ---------------------------------------------------------------------------------------------


def broken_reports() -> Iterator[tuple[str, list[Finding]]]:
    """A representative set of defects, each checked on its own."""
    tables = valid_tables("2021")
    set3(tables, "total", "natural_person", int(get3(tables, "total", "natural_person") or 0) - 1)
    set3(tables, "granted", "legal_service", int(get3(tables, "granted", "legal_service") or 0) + 2)
    tables.section4["reconsideration"][0] = int(tables.section4["reconsideration"][0] or 0) + 1
    yield "identities", run_checks(make_report(tables=tables))

    cells = valid_tables("2021")
    cells.section2["regulations"] = {"issued": None, "abolished": "见附件", "in_force": -1}
    cells.section2["normative_documents"]["issued"] = 2.5
    cells.section2["fees"] = {"amount": 24252.311082}
    cells.section3["granted"][0] = None
    yield "cells", run_checks(make_report(tables=cells))

    yield (
        "period",
        run_checks(make_report(year=2019, fmt="2019", period_start="2018-01-01", period_end="2019-12-31")),
    )
    yield "period unstated start", run_checks(make_report(period_start=None, period_end="2022-12-31"))

    t = tables_006()
    t.section4["reconsideration"] = [1, 1, 1, 0, 3]
    yield "prose vs tables", run_checks(make_report(tables=t, extra_text=S006_APPLICATIONS))
    t = tables_006()
    t.section4["litigation_direct"] = [4, 0, 0, 0, 4]
    yield (
        "prose vs litigation",
        run_checks(make_report(tables=t, extra_text="因政府信息公开被申请行政复议2件、诉讼7件。")),
    )

    yield (
        "fee statement",
        run_checks(make_report(sections={**SECTION_TEXT, "other": "本年度无其他需要报告的事项。"})),
    )

    secs = {k: v for k, v in SECTION_TEXT.items() if k != "appeals"}
    yield (
        "structure",
        run_checks(
            make_report(
                sections=secs,
                section_order=["overview", "applications", "proactive", "applications", "problems", "other"],
                year=None,
                agency=None,
                period_start=None,
                period_end=None,
                tables=Tables(section2=valid_tables("2021").section2, section3=valid_tables("2021").section3),
            )
        ),
    )
    full = valid_tables("2021")
    yield (
        "table missing",
        run_checks(make_report(tables=Tables(section2=full.section2, section3=full.section3))),
    )
    yield "format mismatch", run_checks(make_report("2019", 2023, tables=valid_tables("2019")))
    yield "legacy", run_checks(make_report(kind="legacy_report", year=2021, tables=Tables()))
    yield (
        "legacy, old year",
        run_checks(
            make_report(
                kind="legacy_report", year=None, tables=Tables(), period_start="2017-01-01", period_end=None
            )
        ),
    )
    yield "not a report", run_checks(make_report(kind="not_a_report"))

    prev_tables = tables_006()
    prev_tables.section2["normative_documents"] = {"issued": 60, "abolished": 20, "in_force": 470 - 77 + 132}
    prev_tables.section3["carried_forward"] = [1, 0, 0, 0, 0, 0, 1]
    prev_tables.section3["new_received"] = [81, 1, 0, 0, 0, 0, 82]
    yield (
        "carry over",
        run_checks(make_report(tables=tables_006()), make_report(year=2022, tables=prev_tables)),
    )
    prev_tables = tables_006()
    prev_tables.section2["normative_documents"] = {"issued": 50, "abolished": 10, "in_force": 698}
    yield "in force", run_checks(make_report(tables=tables_006()), make_report(year=2022, tables=prev_tables))
    yield "year gap", run_checks(make_report(tables=tables_006()), make_report(year=2020, fmt="2019"))
    yield "year gap, unknown years", run_checks(make_report(year=None), make_report(year=None))
    previous = make_report("2019", 2020, tables=valid_tables("2019"))
    now = valid_tables("2021")
    previous.tables.section3["carried_forward"] = list(now.section3["carried_over"])
    yield "format change", run_checks(make_report("2021", 2021, tables=now), previous)


def checked_files() -> Iterator[tuple[str, CheckResult]]:
    for path in sorted([*FIXTURES.glob("*"), *SEEDS.glob("*")]):
        if path.is_file() and path.suffix in {".txt", ".html", ".htm", ".docx", ".pdf"}:
            yield path.name, check_path(path)
    data, name = renderers.render(valid_tables("2021"), "2021", "pipes")
    lines = data.decode("utf-8").splitlines()
    rows_cut = "\n".join(line for line in lines if "行政许可" not in line and "（一）予以公开" not in line)
    yield "rows cut", check_bytes(rows_cut.encode("utf-8"), name)
    tables = valid_tables("2021")
    tables.section3["granted"][1] = int(tables.section3["granted"][1] or 0) + 1
    for layout in ("squashed", "html", "pipes"):
        data, name = renderers.render(tables, "2021", layout)
        yield name, check_bytes(data, name)


@pytest.fixture(scope="module")
def all_findings() -> list[tuple[str, Finding]]:
    out = [(name, f) for name, found in broken_reports() for f in found]
    out += [(name, f) for name, result in checked_files() for f in result.findings]
    return out


def rendered_params(message: Message) -> list[str]:
    """The parameters of ``message`` as they appear in its rendering (nested messages: their own
    parameters, since their sentence is translated)."""
    out: list[str] = []
    for value in message.params.values():
        if isinstance(value, Message):
            out += rendered_params(value)
        else:
            out.append(str(value))
    return out


def without_params(text: str, message: Message) -> str:
    for value in sorted(rendered_params(message), key=len, reverse=True):
        if value:
            text = text.replace(value, "")
    return text


def test_the_findings_cover_the_representative_codes(all_findings: list[tuple[str, Finding]]) -> None:
    covered = {f.code for _, f in all_findings}
    for code in (
        "section3.row_total",
        "section3.results_total",
        "section3.balance",
        "section4.group_total",
        "parse.row_not_found",
        "parse.ambiguous_split",
        "document.truncated",
        "period.mismatch",
        "prose.table_mismatch",
        "prose.sum_mismatch",
        "section6.fee_statement_missing",
        "crossyear.carry_over",
        "crossyear.in_force",
        "crossyear.year_gap",
        "crossyear.format_change",
        "structure.section_missing",
        "structure.section_order",
        "structure.section_duplicated",
        "table.missing",
        "cell.blank",
        "cell.not_number",
        "cell.negative",
        "cell.fraction",
        "fee.decimals",
        "format.legacy",
        "format.mismatch",
        "format.year_unknown",
        "agency.unknown",
        "kind.not_a_report",
    ):
        assert code in covered, code


def test_every_finding_has_a_translated_template(
    all_findings: list[tuple[str, Finding]], catalogue: dict[str, str]
) -> None:
    def templates(message: Message) -> Iterator[str]:
        yield message.template
        for value in message.params.values():
            if isinstance(value, Message):
                yield from templates(value)

    for name, f in all_findings:
        assert f.template is not None, (name, f.code, f.message)
        text = f.text
        assert isinstance(text, Message)
        for template in templates(text):
            assert catalogue.get(template), (name, f.code, template)


def test_the_chinese_rendering_is_the_message(all_findings: list[tuple[str, Finding]]) -> None:
    with translation.override("zh-hans"):
        for name, f in all_findings:
            assert str(f.text) == f.message, (name, f.code)
            assert finding_message(f) == f.message, (name, f.code)


def test_the_english_rendering_has_no_chinese_but_the_quoted_parameters(
    all_findings: list[tuple[str, Finding]],
) -> None:
    with translation.override("en"):
        for name, f in all_findings:
            text = f.text
            assert isinstance(text, Message)
            english = finding_message(f)
            assert english != f.message, (name, f.code)
            rest = without_params(english, text)
            assert not CJK.search(rest), (name, f.code, english, CJK.findall(rest))


def test_english_renderings_of_representative_findings() -> None:
    with translation.override("en"):
        found = {name: [finding_message(f) for f in fs] for name, fs in broken_reports()}
    results_total = re.compile(
        r"Table 3, row “（七）总计”, column “自然人” is \d+, "
        r"but the outcomes （一） to （六） add up to \d+\."
    )
    assert any(results_total.fullmatch(m) for m in found["identities"]), found["identities"]
    assert found["period"] == [
        "The report's figures cover 1/1/2018 to 12/31/2019; the statistics period of a report for 2019 is "
        "1/1/2019 to 12/31/2019."
    ]
    assert found["period unstated start"] == [
        "The report's figures cover (not stated) to 12/31/2022; "
        "the statistics period of a report for 2023 is 1/1/2023 to 12/31/2023."
    ]
    assert found["fee statement"] == [
        "Section 6 (other matters to report) does not say what information processing fees were charged; "
        "it should give the number and total amount of fee notices sent and the total amount actually "
        "collected, or state that no information processing fee was charged."
    ]
    assert found["year gap"] == [
        "The previous year's report used for the check is the report for 2020, "
        "while this report is for 2023; the report for 2022 should be used. No cross-year check was made."
    ]
    assert found["carry over"][0] == (
        "Table 3, “二、上年结转政府信息公开申请数量”, column “自然人” is 0, "
        "but “四、结转下年度继续办理” in the report for 2022 is 1; the two must be equal."
    )
    assert (
        "Table 2, row “行政规范性文件”, column “本年制发件数” is 2.5; a count must be a whole number."
        in found["cells"]
    )
    assert (
        "Table 3, row “（一）予以公开”: column(s) “自然人” are blank; "
        "what did not happen should be filled in as 0." in found["cells"]
    )
    assert found["prose vs litigation"] == [
        "In the text “因政府信息公开被申请行政复议2件、诉讼7件”, Administrative litigation: 7, "
        "but the sum of “总计” of litigation “未经复议直接起诉” and “复议后起诉” in Table 4 is 6; "
        "the text and the tables must agree."
    ]


# ---------------------------------------------------------------------------------------------
# JSON, old stored findings, the presenters and the command line
# ---------------------------------------------------------------------------------------------


def test_json_keeps_the_chinese_message_and_adds_template_and_params() -> None:
    [f] = run_checks(make_report(period_start="2022-01-01", period_end="2023-12-31"))
    data = json.loads(json.dumps(f.to_json(), ensure_ascii=False))
    assert data["message"] == f.message
    assert data["message"].startswith("报告所列数据的统计期限为2022年1月1日至2023年12月31日")
    assert (
        data["template"] == "报告所列数据的统计期限为%(start)s至%(end)s，"
        "%(year)s年度报告的统计期限应为%(expected_start)s至%(expected_end)s。"
    )
    assert data["params"]["year"] == 2023
    assert data["params"]["start"] == {
        "template": "%(year)s年%(month)s月%(day)s日",
        "params": {"year": 2022, "month": 1, "day": 1},
    }
    [back] = findings_from_json([data])
    assert back == f
    with translation.override("en"):
        assert finding_message(back).startswith("The report's figures cover 1/1/2022 to 12/31/2023;")


def test_an_old_stored_finding_without_template_shows_its_stored_message() -> None:
    stored = {
        "code": "cell.negative",
        "severity": "error",
        "message": "表二“规章”行“本年制发件数”列为-1，数量和金额不能为负数。",
        "section": "proactive",
        "table": "section2",
        "row": "regulations",
        "column": "issued",
        "expected": ">= 0",
        "found": -1,
    }
    [f] = findings_from_json([stored])
    assert f.template is None and f.text == stored["message"]
    assert f.to_json() == stored  # written back as it was: no template, no params
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            assert finding_message(f) == stored["message"]
            view = present(
                result_from_json({"kind": "annual_report", "format": "2021", "findings": [stored]})
            )
            assert [v.message for v in view.findings] == [stored["message"]]


def test_a_finding_made_from_plain_text_has_no_template() -> None:
    f = finding("document.truncated", "报告不完整")
    assert f.template is None and f.message == "报告不完整" and "template" not in f.to_json()


def test_the_presenters_render_in_the_active_language() -> None:
    tables = valid_tables("2021")
    tables.section2["regulations"]["in_force"] = -1
    result = CheckResult(
        path="x", report=make_report(tables=tables), findings=run_checks(make_report(tables=tables))
    )
    stored = result_from_json(result.to_json())
    with translation.override("en"):
        for checked in (result, stored):
            view = present(checked)
            [negative] = [v for v in view.findings if v.code == "cell.negative"]
            assert (
                negative.message
                == "Table 2, row “规章”, column “现行有效件数” is -1; counts and amounts cannot be negative."
            )
            assert negative.code_title == "Negative number"
            [cell] = [c for t in view.tables for row in t.body for c in row if c.title]
            assert cell.title == negative.message
    with translation.override("zh-hans"):
        view = present(stored)
        [negative] = [v for v in view.findings if v.code == "cell.negative"]
        assert negative.message == "表二“规章”行“现行有效件数”列为-1，数量和金额不能为负数。"
        assert negative.code_title == "数量为负数"


def run_command(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_reports", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue()


def test_the_command_line_renders_findings_in_the_language_asked() -> None:
    path = str(FIXTURES / "002_pingtan-2019.txt")
    chinese = "正文称共公布政府信息2599条，但“其中”所列各类信息之和为2533条"
    english = "The text says 2599 items of government information were published in all"
    code, out = run_command(path)
    assert code == 1 and chinese in out and english not in out
    assert run_command(path, "--lang", "zh-hans") == (code, out)
    code, out = run_command(path, "--lang", "en")
    assert code == 1 and english in out and chinese not in out
    assert "[prose.sum_mismatch]" in out
    # --json keeps the Chinese message, and adds the template and its parameters, whatever --lang says.
    code, out = run_command(path, "--json", "--lang", "en")
    [result] = json.loads(out)
    [f] = [f for f in result["findings"] if f["code"] == "prose.sum_mismatch"]
    assert f["message"].startswith(chinese)
    assert f["template"] == (
        "正文称共公布政府信息%(total)s条，但“其中”所列各类信息之和为%(sum)s条（%(parts)s），两者应相等。"
    )
    assert f["params"] == {"total": 2599, "sum": 2533, "parts": "25+68+28+69+90+175+67+983+48+124+856"}
    with pytest.raises(CommandError):
        call_command("check_reports", path, "--lang", "fr")


def test_the_words_the_checks_expect_are_shown_in_the_readers_language() -> None:
    labels = {"自然人…其他、总计"}  # official column labels, quoted as written
    for path in sorted(CHECKER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "expected"
                and isinstance(node.value, ast.Constant)
            ):
                value = node.value.value
                if isinstance(value, str) and CJK.search(value):
                    assert value in EXPECTED_WORDS | labels, (
                        f"{path.name}: expected={value!r} is not translated"
                    )
    tables = valid_tables("2021")
    tables.section2["regulations"]["abolished"] = "见附件"
    result = CheckResult(
        path="x", report=make_report(tables=tables), findings=run_checks(make_report(tables=tables))
    )
    for lang, word in (("zh-hans", "“数字”"), ("en", "“a number”")):
        with translation.override(lang):
            [view] = [v for v in present(result).findings if v.code == "cell.not_number"]
            assert (view.expected, view.found) == (word, "“见附件”")
