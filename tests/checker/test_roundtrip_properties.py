"""Round-trip properties of the whole pipeline (read → normalise → parse → check) on generated reports.

* A valid table (every identity of the format holds), rendered in each layout real reports come in
  (``tests/checker/renderers.py``) and read back with ``parse_bytes``, gives exactly the same cells —
  ints stay ints — and ``check_bytes`` finds no error.
* Changing one cell of table 三 or 四 makes exactly the identities that cell is part of fail, each at
  its own place: the expected ``(code, table, row, column)`` set is computed from
  ``model.FORMATS[v].identities``, never written by hand.
* Squashed text (a crawler's innerText, cells run together): the cells are only recoverable when the
  digits and the identities leave one reading. An independent enumeration here decides whether they
  do; when they do the parser must find exactly that table, and when they do not, every row it reads
  differently from the truth must carry a ``parse.ambiguous_split`` finding (never a silent guess).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import cast

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gongkai.checker.pipeline import check_bytes
from gongkai.checker.result import CheckResult
from gongkai.reports.findings import Finding
from gongkai.reports.model import (
    FORMAT_VERSIONS,
    FORMATS,
    SECTION3_COLUMN_KEYS,
    SECTION3_HEADER_NOTE,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    SECTIONS,
    CellRef,
    FormatVersion,
)
from gongkai.reports.tables import Cell, Tables
from tests.checker.renderers import LAYOUTS, MARKED_LAYOUTS, Layout, render, render_pdf
from tests.checker.strategies import identity_failures, tables

#: Examples per (layout, format). Sized for < 60 s for the whole file on this 2-core machine (~30 s
#: measured): a docx costs ~0.25 s to build with python-docx, a PDF 0.2–1 s to read with pdfplumber.
EXAMPLES: dict[Layout, int] = {
    "pipes": 40,
    "cell_per_line": 40,
    "tabs": 40,
    "html": 30,
    "docx": 6,
    "squashed": 40,
}
PDF_EXAMPLES = 3
_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------


def _same(a: Cell, b: Cell) -> bool:
    """Equal value and type (``12`` is not ``12.0``)."""
    return type(a) is type(b) and a == b


def _differences(parsed: Tables, expected: Tables, which: Sequence[str]) -> list[str]:
    out: list[str] = []
    for table in which:
        got: dict[str, object] = getattr(parsed, table)
        want: dict[str, object] = getattr(expected, table)
        for key in sorted(set(got) | set(want)):
            g, w = got.get(key), want.get(key)
            if isinstance(g, dict) and isinstance(w, dict):
                same = g.keys() == w.keys() and all(_same(g[k], w[k]) for k in w)
            elif isinstance(g, list) and isinstance(w, list):
                same = len(g) == len(w) and all(_same(x, y) for x, y in zip(g, w, strict=True))
            else:
                same = False
            if not same:
                out.append(f"{table}.{key}: parsed {g!r}, expected {w!r}")
    return out


def _errors(result: CheckResult) -> list[Finding]:
    return [f for f in result.findings if f.severity == "error"]


def _describe(findings: Sequence[Finding]) -> str:
    return "\n".join(f"{f.severity} {f.code} {f.table}/{f.row}/{f.column}: {f.message}" for f in findings)


def _check(values: Tables, version: FormatVersion, layout: Layout) -> CheckResult:
    data, name = render(values, version, layout)
    return check_bytes(data, name)


def expected_failures(version: FormatVersion, changed: CellRef) -> set[tuple[str, str, str, str]]:
    """``(code, table, row, column)`` of every identity whose left or right side holds ``changed``."""
    return {
        (ident.code, ident.where[0], ident.where[1], ident.where[2])
        for ident in FORMATS[version].identities
        if changed in ident.left or changed in ident.right
    }


# ---------------------------------------------------------------------------------------------------
# An independent reading of squashed digit runs (the truth the parser is measured against)
# ---------------------------------------------------------------------------------------------------

#: Beyond this many combinations of ambiguous rows the oracle does not decide (the reading is then
#: treated as ambiguous, and only the "never a silent guess" property is asserted).
_ORACLE_LIMIT = 200_000


def digit_splits(runs: Sequence[str], n: int, totals: Mapping[int, Sequence[int]]) -> list[tuple[int, ...]]:
    """Every way to cut ``runs`` (strings of digits) into ``n`` whole numbers — no number spans two runs
    or has a leading zero — such that ``cells[t] == sum(cells[i] for i in totals[t])``."""
    out: list[tuple[int, ...]] = []
    acc: list[int] = []

    def walk(run_i: int, pos: int) -> None:
        if run_i == len(runs) or len(acc) == n:
            if run_i == len(runs) and len(acc) == n:
                out.append(tuple(acc))
            return
        run = runs[run_i]
        ends = [pos + 1] if run[pos] == "0" else range(pos + 1, len(run) + 1)
        for end in ends:
            value = int(run[pos:end])
            terms = totals.get(len(acc))
            if terms is not None and value != sum(acc[i] for i in terms):
                continue
            acc.append(value)
            if end == len(run):
                walk(run_i + 1, 0)
            else:
                walk(run_i, end)
            acc.pop()

    walk(0, 0)
    return out


_S3_TOTALS = {6: range(6)}
_S4_TOTALS = {g * 5 + 4: range(g * 5, g * 5 + 4) for g in range(3)}


def squashed_section3_runs(text: str, version: FormatVersion) -> dict[str, list[str]]:
    """The digit runs between each table-三 row label and the next one in a squashed report (labels as
    printed; the group labels in between hold no digits)."""
    pos = text.index(SECTION3_HEADER_NOTE)
    spans: list[tuple[str, int, int]] = []
    for row in FORMATS[version].section3_rows:
        start = text.index(row.label, pos)
        pos = start + len(row.label)
        spans.append((row.key, start, pos))
    end = text.index(SECTIONS[3].heading, pos)
    out: dict[str, list[str]] = {}
    for i, (key, _start, label_end) in enumerate(spans):
        region_end = spans[i + 1][1] if i + 1 < len(spans) else end
        out[key] = re.findall(r"\d+", text[label_end:region_end])
    return out


def squashed_section4_runs(text: str) -> list[str]:
    """The digit runs of table 四's one data row: what stands right before section 五's heading."""
    end = text.index(SECTIONS[4].heading)
    m = re.search(r"[\d ]*$", text[:end])
    assert m is not None
    return m.group(0).split()


def _columns_hold(version: FormatVersion, rows: dict[str, tuple[int, ...]]) -> bool:
    fmt = FORMATS[version]
    for j in range(len(SECTION3_COLUMN_KEYS)):
        if sum(rows[k][j] for k in fmt.section3_result_keys) != rows["total"][j]:
            return False
        if rows["new_received"][j] + rows["carried_over"][j] != rows["total"][j] + rows["carried_forward"][j]:
            return False
    return True


def section3_readings(text: str, version: FormatVersion) -> list[dict[str, tuple[int, ...]]] | None:
    """Every table 三 that the squashed digits and all the identities allow (at most 2 are collected),
    or ``None`` when there are too many combinations to decide."""
    candidates = {
        key: digit_splits(runs, len(SECTION3_COLUMN_KEYS), _S3_TOTALS)
        for key, runs in squashed_section3_runs(text, version).items()
    }
    fixed = {k: c[0] for k, c in candidates.items() if len(c) == 1}
    open_rows = [k for k, c in candidates.items() if len(c) != 1]
    combos = 1
    for k in open_rows:
        combos *= len(candidates[k])
    if combos > _ORACLE_LIMIT:
        return None
    found: list[dict[str, tuple[int, ...]]] = []
    for combo in itertools.product(*(candidates[k] for k in open_rows)):
        rows = dict(fixed)
        rows.update(zip(open_rows, combo, strict=True))
        if _columns_hold(version, rows):
            found.append(rows)
            if len(found) == 2:
                break
    return found


def allowed3(text: str, version: FormatVersion, rows: Mapping[str, tuple[object, ...]]) -> bool:
    """Whether ``rows`` is one of the tables 三 :func:`section3_readings` tries (each row a split of its
    digits) and satisfies every identity."""
    runs = squashed_section3_runs(text, version)
    splits_ok = all(
        rows[key] in digit_splits(row_runs, len(SECTION3_COLUMN_KEYS), _S3_TOTALS)
        for key, row_runs in runs.items()
    )
    return splits_ok and _columns_hold(version, cast(dict[str, tuple[int, ...]], dict(rows)))


def section4_readings(text: str) -> list[tuple[int, ...]]:
    return digit_splits(squashed_section4_runs(text), 15, _S4_TOTALS)


# ---------------------------------------------------------------------------------------------------
# Property 1: valid tables round-trip, and a valid report has no error
# ---------------------------------------------------------------------------------------------------


def _assert_roundtrip_marked(values: Tables, version: FormatVersion, layout: str) -> None:
    if layout == "pdf":
        result = check_bytes(render_pdf(values, version), "report.pdf")
    else:
        result = _check(values, version, layout)  # type: ignore[arg-type]
    diffs = _differences(result.report.tables, values, ("section2", "section3", "section4"))
    assert not diffs, "\n".join(diffs)
    assert result.report.layout == layout
    assert result.report.format == version
    parse_findings = [f for f in result.findings if f.code.startswith("parse.")]
    assert not parse_findings, _describe(parse_findings)
    assert not _errors(result), _describe(_errors(result))


def _assert_roundtrip_squashed(values: Tables, version: FormatVersion) -> None:
    data, name = render(values, version, "squashed")
    result = check_bytes(data, name)
    report = result.report
    assert report.layout == "squashed"
    assert report.format == version
    # Table 二 is drawn squash-safe: every row's digits have one split.
    diffs = _differences(report.tables, values, ("section2",))
    assert not diffs, "\n".join(diffs)
    text = data.decode("utf-8")
    ambiguous = {(f.table, f.row) for f in result.findings if f.code == "parse.ambiguous_split"}
    assert not any(t == "section2" for t, _ in ambiguous), _describe(result.findings)

    readings3 = section3_readings(text, version)
    readings4 = section4_readings(text)
    truth3 = {k: tuple(v) for k, v in values.section3.items()}
    truth4 = tuple(v for k in SECTION4_GROUP_KEYS for v in values.section4[k])
    # The oracle itself reads the truth: among its readings, or — as it stops at the second one it finds
    # (ambiguous enough), and the truth may be a later one (three rows each 33 0 33 or 3 30 33, the truth
    # the third way to balance them) — as one of the combinations it would have tried.
    assert (
        readings3 is None or truth3 in readings3 or (len(readings3) == 2 and allowed3(text, version, truth3))
    )
    assert truth4 in readings4
    unique3 = readings3 is not None and len(readings3) == 1
    unique4 = len(readings4) == 1
    event(f"table 三 {'unique' if unique3 else 'ambiguous' if readings3 else 'undecided'}")
    event(f"table 四 {'unique' if unique4 else 'ambiguous'}")

    if unique3:
        diffs = _differences(report.tables, values, ("section3",))
        assert not diffs, "the digits and identities allow one table 三 only:\n" + "\n".join(diffs)
        assert not any(t == "section3" for t, _ in ambiguous), _describe(result.findings)
    else:
        for key, want in values.section3.items():
            got = report.tables.section3.get(key)
            if got != want:
                assert ("section3", key) in ambiguous, f"silent misread of {key}: {got} != {want}"
    if unique4:
        diffs = _differences(report.tables, values, ("section4",))
        assert not diffs, "the digits and identities allow one table 四 only:\n" + "\n".join(diffs)
        assert ("section4", None) not in ambiguous
    elif any(report.tables.section4.get(k) != values.section4[k] for k in SECTION4_GROUP_KEYS):
        assert ("section4", None) in ambiguous, "silent misread of table 四"
    if unique3 and unique4:
        assert not _errors(result), _describe(_errors(result))


@pytest.mark.parametrize("version", FORMAT_VERSIONS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_valid_tables_round_trip(layout: Layout, version: FormatVersion) -> None:
    squashed = layout == "squashed"

    @settings(max_examples=EXAMPLES[layout], **_SETTINGS)  # type: ignore[arg-type]
    @given(values=tables(version, squash_safe=squashed))
    def run(values: Tables) -> None:
        assert not identity_failures(values, version)  # the strategy's own promise
        if squashed:
            _assert_roundtrip_squashed(values, version)
        else:
            _assert_roundtrip_marked(values, version, layout)

    run()


@pytest.mark.parametrize("version", FORMAT_VERSIONS)
def test_valid_tables_round_trip_pdf(version: FormatVersion) -> None:
    """The same through a PDF with ruled tables (pdfplumber); few examples: ~0.3–1 s each."""

    @settings(max_examples=PDF_EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
    @given(values=tables(version))
    def run(values: Tables) -> None:
        _assert_roundtrip_marked(values, version, "pdf")

    run()


# ---------------------------------------------------------------------------------------------------
# Property 2: one changed cell breaks exactly its identities, at their places
# ---------------------------------------------------------------------------------------------------


@st.composite
def changed_cell(draw: st.DrawFn, version: FormatVersion) -> tuple[Tables, CellRef]:
    values = draw(tables(version))
    if draw(st.booleans()):
        table, rows, columns = "section3", FORMATS[version].section3_row_keys, SECTION3_COLUMN_KEYS
        cells = values.section3
    else:
        table, rows, columns = "section4", SECTION4_GROUP_KEYS, SECTION4_COLUMN_KEYS
        cells = values.section4
    row = draw(st.sampled_from(rows))
    j = draw(st.integers(0, len(columns) - 1))
    old = cells[row][j]
    assert isinstance(old, int)
    cells[row][j] = draw(st.integers(0, old + 60).filter(lambda v: v != old))
    return values, (table, row, columns[j])


@pytest.mark.parametrize("version", FORMAT_VERSIONS)
@pytest.mark.parametrize("layout", MARKED_LAYOUTS)
def test_changed_cell_fires_its_identities(layout: Layout, version: FormatVersion) -> None:
    @settings(max_examples=EXAMPLES[layout], **_SETTINGS)  # type: ignore[arg-type]
    @given(case=changed_cell(version))
    def run(case: tuple[Tables, CellRef]) -> None:
        values, ref = case
        expected = expected_failures(version, ref)
        assert expected, f"{ref} is in no identity"
        assert {
            (c, "section3" if c.startswith("section3") else "section4", r, col)
            for c, r, col in identity_failures(values, version)
        } == expected
        result = _check(values, version, layout)
        diffs = _differences(result.report.tables, values, ("section2", "section3", "section4"))
        assert not diffs, "\n".join(diffs)
        found = {(f.code, f.table or "", f.row or "", f.column or "") for f in _errors(result)}
        assert found == expected, f"changed {ref}\n" + _describe(_errors(result))

    run()


def test_expected_failures_of_a_total_cell() -> None:
    """The example the set computation is checked against by hand (2021): 自然人 of （一）予以公开 is in
    its row's total and in 三（七）'s 自然人 column sum, not in the balance (outcome rows are not in it);
    三（七）总计's 总计 cell is in its row total, its column sum and the 总计 column's balance."""
    assert expected_failures("2021", ("section3", "granted", "natural_person")) == {
        ("section3.row_total", "section3", "granted", "total"),
        ("section3.results_total", "section3", "total", "natural_person"),
    }
    assert expected_failures("2021", ("section3", "total", "total")) == {
        ("section3.row_total", "section3", "total", "total"),
        ("section3.results_total", "section3", "total", "total"),
        ("section3.balance", "section3", "carried_forward", "total"),
    }
    assert expected_failures("2019", ("section4", "litigation_direct", "pending")) == {
        ("section4.group_total", "section4", "litigation_direct", "total"),
    }


# ---------------------------------------------------------------------------------------------------
# Squashed: an ambiguous row resolved by the column identities
# ---------------------------------------------------------------------------------------------------


def _zero_tables(version: FormatVersion) -> Tables:
    fmt = FORMATS[version]
    values = Tables()
    for block, row in fmt.section2_rows():
        values.section2[row.key] = {c.key: 0 for c in block.columns}
    for key in fmt.section3_row_keys:
        values.section3[key] = [0] * len(SECTION3_COLUMN_KEYS)
    for key in SECTION4_GROUP_KEYS:
        values.section4[key] = [0] * len(SECTION4_COLUMN_KEYS)
    return values


@pytest.mark.parametrize(
    "unable_not_held",
    [(22, 0, 0, 0, 0, 3, 25), (2, 20, 0, 0, 0, 3, 25)],
    ids=["22-natural-persons", "2-natural-20-commercial"],
)
def test_squashed_ambiguous_row_is_resolved_by_the_column_identities(
    unable_not_held: tuple[int, ...],
) -> None:
    """Report 004's row "2200003 25" admits (22,0,0,0,0,3,25) and (2,20,0,0,0,3,25); only the column
    sums (三（七） = Σ outcomes, 一 + 二 = 三（七） + 四) tell which one the table means."""
    version: FormatVersion = "2021"
    values = _zero_tables(version)
    granted = (5, 0, 0, 0, 0, 0, 5)
    s3 = values.section3
    s3["granted"] = list(granted)
    s3["unable_not_held"] = list(unable_not_held)
    s3["total"] = [a + b for a, b in zip(granted, unable_not_held, strict=True)]
    s3["new_received"] = list(s3["total"])
    assert not identity_failures(values, version)

    data, name = render(values, version, "squashed")
    text = data.decode("utf-8")
    runs = squashed_section3_runs(text, version)
    # The premise: on its own, the row's digits have both readings.
    assert set(digit_splits(runs["unable_not_held"], 7, _S3_TOTALS)) == {
        (22, 0, 0, 0, 0, 3, 25),
        (2, 20, 0, 0, 0, 3, 25),
    }
    result = check_bytes(data, name)
    assert result.report.layout == "squashed"
    assert result.report.tables.section3["unable_not_held"] == list(unable_not_held)
    diffs = _differences(result.report.tables, values, ("section2", "section3", "section4"))
    assert not diffs, "\n".join(diffs)
    assert not [f for f in result.findings if f.code == "parse.ambiguous_split"], _describe(result.findings)
    assert not _errors(result), _describe(_errors(result))


def test_squashed_table4_that_the_identities_cannot_decide_is_reported() -> None:
    """Table 四 is not fully constrained when squashed: the group run "1100011" is (11,0,0,0,11) and
    equally (1,10,0,0,11). The parser must say so (``parse.ambiguous_split``), not guess silently."""
    version: FormatVersion = "2021"
    values = _zero_tables(version)
    values.section4["reconsideration"] = [11, 0, 0, 0, 11]
    data, name = render(values, version, "squashed")
    readings = section4_readings(data.decode("utf-8"))
    assert set(readings) == {(11, 0, 0, 0, 11) + (0,) * 10, (1, 10, 0, 0, 11) + (0,) * 10}
    result = check_bytes(data, name)
    ambiguous = [f for f in result.findings if f.code == "parse.ambiguous_split" and f.table == "section4"]
    assert len(ambiguous) == 1, _describe(result.findings)
    parsed = tuple(v for k in SECTION4_GROUP_KEYS for v in result.report.tables.section4[k])
    assert parsed in readings
    assert ambiguous[0].expected == list(parsed)
    assert not _errors(result), _describe(_errors(result))


#: A valid 2021 table 三 (the other rows are zeros) whose squashed digits have exactly one reading under
#: the identities (the oracle above finds it), but nine rows are ambiguous on their own: 9·4·2·2·2·2·3·2·9
#: = 31,104 combinations: too many to try one by one; the parser's pruned search must still find it.
_MANY_AMBIGUOUS_ROWS: dict[str, list[int]] = {
    "new_received": [2929, 22, 18, 12, 25, 17, 3023],
    "denied_enforcement_files": [0, 11, 0, 0, 22, 0, 33],
    "denied_query_matters": [0, 0, 0, 11, 0, 0, 11],
    "unable_not_held": [2861, 0, 1, 0, 0, 0, 2862],
    "unable_needs_creation": [1, 0, 17, 0, 0, 0, 18],
    "unable_unclear": [0, 0, 0, 0, 1, 17, 18],
    "rejected_excessive": [0, 11, 0, 0, 2, 0, 13],
    "other_no_correction": [11, 0, 0, 1, 0, 0, 12],
    "other_no_fee": [34, 0, 0, 0, 0, 0, 34],
    "other_other": [22, 0, 0, 0, 0, 0, 22],
    "total": [2929, 22, 18, 12, 25, 17, 3023],
}


def test_squashed_table3_with_many_ambiguous_rows_is_read_as_its_only_reading() -> None:
    version: FormatVersion = "2021"
    values = _zero_tables(version)
    for key, row in _MANY_AMBIGUOUS_ROWS.items():
        values.section3[key] = list(row)
    assert not identity_failures(values, version)
    data, name = render(values, version, "squashed")
    readings = section3_readings(data.decode("utf-8"), version)
    assert readings is not None and len(readings) == 1  # the digits allow this table only
    result = check_bytes(data, name)
    diffs = _differences(result.report.tables, values, ("section3",))
    assert not diffs, "\n".join(diffs)
    assert not _errors(result), _describe(_errors(result))
