"""Find the official tables in a report and read every cell.

The parser is *label-anchored*: it looks for each official row label (``gongkai.checker.labels``) in the
order the format (``gongkai.reports.model``) gives, and reads the cells between one label and the
next. That works the same on every layout the readers produce (``gongkai.checker.source``):

* table rows with marked cells (HTML, Word, PDF, pipes, tabs, one cell per line): the cells after the
  label cell, continuing on following rows until the row has all its cells;
* squashed text, where a crawler ran the cells together: the digit runs between two labels, split with
  the table's own identities (``gongkai.checker.split``); when several splits satisfy them, the column
  identities of table 三 decide, and if a choice is still a judgement it is reported.

A cell that holds text where a number belongs keeps that text; blanks and "/", "—", "无" are ``None``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gongkai.checker import labels as L
from gongkai.checker.codes import finding
from gongkai.checker.detect import detect_metadata
from gongkai.checker.result import LabelSeen, ParsedReport
from gongkai.checker.source import CELL, Source
from gongkai.checker.split import Number, SumConstraint, choose, fits, rest_after, split_runs
from gongkai.reports.findings import Finding
from gongkai.reports.model import (
    FORMATS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION3_COLUMNS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUPS,
    SECTIONS,
    TABLE_BY_KEY,
    TABLE_KEYS,
    TABLES,
    FormatVersion,
    ReportFormat,
    format_for_year,
)
from gongkai.reports.tables import Cell, Tables

#: How far (characters) the next row label may be from the previous one before it counts as missing.
ROW_WINDOW = 2500
TABLE4_WINDOW = 4000

_BLANKS = {"", "/", "／", "—", "——", "-", "－", "─", "无", "空", "\\", "、"}
_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?:万元|元|件|条|项|个|次|份|人次|起|宗|%)?$"
)
_RUN = re.compile(r"\d+(?:\.\d+)?")

Scorer = Callable[[tuple[Number, ...]], tuple[float, ...]]

#: Table 三 rows whose label spans more than one label column (no sub-label beside it).
_SPANNING_LABEL_ROWS = frozenset(
    {"new_received", "carried_over", "granted", "partially_granted", "other", "total", "carried_forward"}
)

_ROW_TOTAL = SumConstraint(tuple(range(6)), 6)
_GROUP_TOTALS = tuple(SumConstraint(tuple(range(g * 5, g * 5 + 4)), g * 5 + 4) for g in range(3))


def parse_cell(text: str) -> Cell:
    """A cell's value: a number, ``None`` for a blank, or the text itself."""
    t = text.strip()
    if t.isdigit() and t.isascii():  # the common case, ~3× faster than the regex
        return int(t)
    if t in _BLANKS:
        return None
    m = _NUMBER.match(t)
    if m:
        raw = m.group("num").replace(",", "")
        return float(raw) if "." in raw else int(raw)
    return t


def _is_number(v: Cell) -> bool:
    return isinstance(v, (int, float))


@dataclass
class _Anchor:
    key: str
    start: int  # where the label's cell (or the label itself) starts
    end: int  # where the row's cells start
    label: str  # the label cell's text as written


@dataclass
class _RowRead:
    key: str
    values: list[Cell]
    candidates: list[tuple[Number, ...]] = field(default_factory=list)
    squashed: bool = False
    raw: str = ""


# ---------------------------------------------------------------------------------------------------
# Locating labels
# ---------------------------------------------------------------------------------------------------


def _anchor(text: str, m: re.Match[str], key: str) -> _Anchor:
    ms, me = m.start(), m.end()
    line_start = text.rfind("\n", 0, ms) + 1
    line_end = text.find("\n", me)
    if line_end < 0:
        line_end = len(text)
    cell_end = text.find(CELL, me, line_end)
    if cell_end < 0:
        return _Anchor(key, ms, me, m.group(0))
    prev = text.rfind(CELL, line_start, ms)
    cell_start = prev + 1 if prev >= 0 else line_start
    return _Anchor(key, cell_start, cell_end + 1, text[cell_start:cell_end].strip())


def _find_rows(
    text: str, keys: Sequence[str], patterns: dict[str, re.Pattern[str]], start: int, end: int
) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    pos = start
    for key in keys:
        limit = end if not anchors else min(end, pos + ROW_WINDOW)
        m = patterns[key].search(text, pos, limit)
        if m is None:
            continue
        a = _anchor(text, m, key)
        anchors.append(a)
        pos = a.end
    return anchors


# ---------------------------------------------------------------------------------------------------
# Reading the cells of one row
# ---------------------------------------------------------------------------------------------------


def _cells_of_region(region: str, n: int, ends_at_label: bool = True) -> tuple[list[Cell], list[str]]:
    """Values of a region with marked cells, and any unofficial extra rows' labels found after them."""
    values: list[Cell] = []
    extra_rows: list[str] = []
    lines = region.split("\n")
    if len(lines) > 1 and ends_at_label:
        # The region ends where the next label's cell starts: the cells before it on its line (group
        # labels, fillers) belong to the next row.
        lines.pop()
    for line in lines:
        if CELL not in line:
            if values and line.strip():
                break  # prose after the table row
            continue
        pieces = line.split(CELL)[:-1]
        if len(values) >= n:
            texts = [p.strip() for p in pieces if p.strip()]
            if (
                texts
                and not _is_number(parse_cell(texts[0]))
                and any(_is_number(parse_cell(p)) for p in texts[1:])
            ):
                extra_rows.append(texts[0])
            continue
        for piece in pieces:
            value = parse_cell(piece)
            if isinstance(value, str) and L.is_label_like(value):
                continue
            values.append(value)
    return values, extra_rows


def _fit(values: list[Cell], n: int, label_filler: bool = False) -> tuple[list[Cell], list[Cell]]:
    """Trim fillers to ``n`` cells; returns (cells, extra non-blank values dropped).

    ``label_filler``: the table writes an empty filler cell after a label that spans two columns, so a
    blank right after such a label is that filler, not the first column.
    """
    vals = list(values)
    if label_filler and vals and vals[0] is None:
        vals.pop(0)
    while len(vals) > n and vals[-1] is None:
        vals.pop()
    while len(vals) > n and vals[0] is None:
        vals.pop(0)
    extra: list[Cell] = [v for v in vals[n:] if v is not None]
    return vals[:n], extra


def _runs(region: str) -> list[str]:
    return [m.group(0) for m in _RUN.finditer(region)]


def _split(
    runs: list[str], n: int, constraints: Sequence[SumConstraint], decimals_at: frozenset[int]
) -> list[tuple[Number, ...]]:
    """The splits of ``runs`` meeting the identities; if none does (the report's own arithmetic is
    wrong), the one split there is when the digits allow only one (e.g. seven digits in seven cells),
    so that the checks report the wrong sum rather than an unreadable row."""
    cands = split_runs(runs, n, constraints, decimals_at=decimals_at)
    if cands or not constraints:
        return cands
    forced = split_runs(runs, n, (), decimals_at=decimals_at, limit=2)
    return forced if len(forced) == 1 else []


def _read_row(
    region: str,
    key: str,
    n: int,
    constraints: Sequence[SumConstraint],
    decimals_at: frozenset[int],
    label_filler: bool = False,
    ends_at_label: bool = True,
    hint: tuple[Number, ...] | None = None,
) -> tuple[_RowRead, list[str], list[Cell]]:
    """Read one row's cells. Returns the row, unofficial rows seen after it, and extra values.

    ``hint``: the cells the other rows' identities imply; used for run-together digits when the digits
    are exactly those cells (it is then the only reading consistent with the table).
    """
    if CELL in region:
        values, extra_rows = _cells_of_region(region, n, ends_at_label)
        cells, extra = _fit(values, n, label_filler)
        if len(cells) < n:
            # Cells with several numbers separated by spaces ("0 0 0"), or run together.
            runs: list[str] = []
            ok = True
            for v in cells:
                if v is None:
                    ok = False
                    break
                s = str(v) if _is_number(v) else v
                assert isinstance(s, str)
                if not re.fullmatch(r"[\d.\s]+", s):
                    ok = False
                    break
                runs.extend(_runs(s))
            if ok and runs:
                cands = _split(runs, n, constraints, decimals_at)
                if cands:
                    return (
                        _RowRead(key, list(cands[0]), cands, squashed=True, raw=" ".join(runs)),
                        extra_rows,
                        [],
                    )
        return _RowRead(key, cells), extra_rows, extra
    runs = _runs(region)
    if not runs:
        return _RowRead(key, [], raw=region.strip()), [], []
    raw = " ".join(runs)
    if hint is not None and fits(runs, hint):
        return _RowRead(key, list(hint), [hint], squashed=True, raw=raw), [], []
    cands = _split(runs, n, constraints, decimals_at)
    if not cands and constraints:
        # The report's own arithmetic is wrong: the identities cannot guide the split.
        return _RowRead(key, [], [], squashed=True, raw=raw), [], []
    first: list[Cell] = list(cands[0]) if cands else []
    return _RowRead(key, first, cands, squashed=True, raw=raw), [], []


# ---------------------------------------------------------------------------------------------------
# Plausibility of a split when the identities leave a choice (reported as parse.ambiguous_split)
# ---------------------------------------------------------------------------------------------------


def _digits(v: Number) -> int:
    return len(str(int(abs(v)))) if v else 1


def _balance(c: tuple[Number, ...]) -> float:
    lengths = [_digits(v) for v in c]
    mean = sum(lengths) / len(lengths)
    return -sum((x - mean) ** 2 for x in lengths)


def _zeros(c: tuple[Number, ...]) -> float:
    return float(sum(1 for v in c if v == 0))


def _score_section2(key: str, fmt: FormatVersion, prose_numbers: set[int]) -> Scorer:
    def score(c: tuple[Number, ...]) -> tuple[float, ...]:
        stated = 0.0
        if key in ("regulations", "normative_documents"):
            stated = float(sum(1 for v in c if isinstance(v, int) and v >= 10 and v in prose_numbers))
        if fmt == "2021" and len(c) == 3:
            issued, abolished, in_force = c
            return (stated, float(in_force >= issued), _balance(c), float(abolished <= issued))
        if fmt == "2019" and key in ("regulations", "normative_documents") and len(c) == 3:
            made, published, total = c
            return (stated, float(made == published), float(total >= published), _balance(c))
        if fmt == "2019" and key == "procurement" and len(c) == 2:
            items, amount = c
            # A 政府集中采购 item typically costs around 10^5.5 元; the run has no other clue.
            per_item = math.log10(max(float(amount), 1.0) / max(float(items), 1.0))
            return (stated, -abs(per_item - 5.5))
        if fmt == "2019" and len(c) >= 2:
            return (stated, float(c[1] == 0), _balance(c))
        return (stated, _balance(c))

    return score


def _score_counts(c: tuple[Number, ...]) -> tuple[float, ...]:
    return (_zeros(c), float(c[0] == max(c)), _balance(c))


# ---------------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------------


@dataclass
class _Parse:
    text: str
    fmt: ReportFormat
    prose: str
    tables: Tables = field(default_factory=Tables)
    findings: list[Finding] = field(default_factory=list)
    labels_seen: list[LabelSeen] = field(default_factory=list)
    squashed: bool = False
    marked: bool = False
    found: set[str] = field(default_factory=set)
    #: Where the text stops when it ends inside a table (a cut copy of a report).
    truncated_in: str | None = None
    truncated_after_row: str | None = None

    # -- table 二 ----------------------------------------------------------------------------------

    def section2(self) -> int:
        text = self.text
        first = L.caption_pattern("一").search(text)
        if first is None:
            # Some reports drop the captions; fall back to the first row label after "信息内容".
            first = re.search(L.fuzzy("信息内容"), text)
            if first is None:
                return 0
        start = first.start()
        end_m = L.SECTION3_START.search(text, first.end())
        end = end_m.start() if end_m else min(len(text), start + 6000)
        runs_to_end = end_m is None and end == len(text)
        anchors: list[_Anchor] = []
        pos = start
        for block in self.fmt.section2:
            cap = L.caption_pattern(block.item).search(text, pos, end)
            if cap is not None:
                pos = cap.end()
                anchors.append(_Anchor("caption:" + block.item, cap.start(), cap.end(), cap.group(0)))
            for row in block.rows:
                m = L.section2_pattern(row.key).search(text, pos, min(end, pos + ROW_WINDOW))
                if m is None:
                    continue
                a = _anchor(text, m, row.key)
                anchors.append(a)
                pos = a.end
        if any(not a.key.startswith("caption:") for a in anchors):
            self.found.add("section2")
        for i, a in enumerate(anchors):
            if a.key.startswith("caption:"):
                continue
            block, row = self.fmt.section2_row(a.key)
            region_end = anchors[i + 1].start if i + 1 < len(anchors) else end
            region = text[a.end : region_end]
            self._note_label("section2", a)
            n = len(block.columns)
            decimals = frozenset(j for j, c in enumerate(block.columns) if c.kind == "amount")
            rr, extra_rows, extra = _read_row(
                region, a.key, n, (), decimals, ends_at_label=i + 1 < len(anchors)
            )
            if rr.squashed and len(rr.candidates) > 1:
                numbers = _stated_document_counts(self.prose)
                best, _ = choose(rr.candidates, _score_section2(a.key, self.fmt.version, numbers))
                rr.values = list(best)
                self._ambiguous("section2", a.key, rr, best)
            self._finish_row("section2", a.key, rr, n, extra_rows, extra)
            cells = rr.values + [None] * (n - len(rr.values))
            self.tables.section2[a.key] = {c.key: cells[j] for j, c in enumerate(block.columns)}
        row_keys = [row.key for _, row in self.fmt.section2_rows()]
        self._note_truncation("section2", row_keys, list(self.tables.section2), runs_to_end)
        return end

    # -- table 三 ----------------------------------------------------------------------------------

    def section3(self, start: int) -> int:
        text = self.text
        keys = self.fmt.section3_row_keys
        patterns = {k: L.section3_pattern(k) for k in keys}
        first = patterns["new_received"].search(text, start)
        if first is None:
            return start
        end_m = L.SECTION4_START.search(text, first.end())
        end = end_m.start() if end_m else len(text)
        runs_to_end = end_m is None and L.SECTION5_START.search(text, first.end()) is None
        anchors = _find_rows(text, keys, patterns, first.start(), end)
        if not anchors:
            return start
        self.found.add("section3")
        regions = {
            a.key: text[a.end : (anchors[i + 1].start if i + 1 < len(anchors) else end)]
            for i, a in enumerate(anchors)
        }
        fillers = self._uses_label_fillers(regions)
        reads: dict[str, _RowRead] = {}
        # 三（七） and 一 last: in run-together text their long digit runs are checked against what the
        # other rows imply (the column identities) before any enumeration of splits.
        derived = ("total", "new_received")
        position = {a.key: i for i, a in enumerate(anchors)}
        pending: list[tuple[str, _RowRead, list[str], list[Cell]]] = []
        for a in sorted(
            anchors, key=lambda a: (a.key in derived, derived.index(a.key) if a.key in derived else 0)
        ):
            self._note_label("section3", a)
            i = position[a.key]
            rr, extra_rows, extra = _read_row(
                regions[a.key],
                a.key,
                7,
                (_ROW_TOTAL,),
                frozenset(),
                fillers and a.key in _SPANNING_LABEL_ROWS,
                ends_at_label=i + 1 < len(anchors) or end_m is not None,
                hint=self._implied_row(a.key, reads),
            )
            reads[a.key] = rr
            pending.append((a.key, rr, extra_rows, extra))
        for key, rr, extra_rows, extra in pending:
            if rr.squashed and not rr.values and rr.raw:
                self._recover_from_columns(key, rr, reads)
            self._finish_row("section3", key, rr, 7, extra_rows, extra)
        self._total_column_first(text[max(start, first.start() - 800) : first.start()], reads)
        self._resolve_section3(reads)
        for key in keys:
            if key in reads:
                rr = reads[key]
                self.tables.section3[key] = rr.values + [None] * (7 - len(rr.values))
        self._note_truncation("section3", list(keys), [a.key for a in anchors], runs_to_end)
        last = anchors[-1]
        return last.end

    def _total_column_first(self, header: str, reads: dict[str, _RowRead]) -> None:
        """Table 三 with its 总计 column first (the header names 总计 before 自然人, and the rows' sums
        agree): move 总计 to its official place and report the order."""
        flat = re.sub(r"[\s\x1f]+", "", header)
        total_at, person_at = flat.rfind("总计"), flat.rfind("自然人")
        if total_at < 0 or person_at < 0 or total_at > person_at:
            return
        rows = [rr for rr in reads.values() if not rr.squashed and len(rr.values) == 7]
        first = last = 0
        for rr in rows:
            v = [float(x) if isinstance(x, (int, float)) else 0.0 for x in rr.values]
            official, moved = abs(sum(v[:6]) - v[6]) < 1e-9, abs(sum(v[1:]) - v[0]) < 1e-9
            first += moved and not official
            last += official and not moved
        if first == 0 or last > first:
            return
        for rr in rows:
            rr.values = rr.values[1:] + rr.values[:1]
        self.findings.append(
            finding(
                "table.column_order",
                "表三的“总计”列排在“自然人”列之前，与官方格式不一致（官方格式中“总计”为最后一列）；"
                "已按表头读取各列。",
                table="section3",
                expected="自然人…其他、总计",
                found="总计、自然人…其他",
            )
        )

    def _implied_row(
        self,
        key: str,
        reads: dict[str, _RowRead],
        chosen: dict[str, tuple[Number, ...]] | None = None,
    ) -> tuple[Number, ...] | None:
        """The cells of a row of table 三 that the other rows imply through the column identities
        (三（七） = the outcome rows; 一 + 二 = 三（七） + 四), when each of those was read one way only
        (or its reading is given in ``chosen``)."""

        def row(k: str) -> list[int] | None:
            if chosen and k in chosen:
                values: list[Cell] = list(chosen[k])
            else:
                r = reads.get(k)
                if r is None or len(r.candidates) > 1:
                    return None
                values = r.values
            if len(values) != 7 or not all(v is None or isinstance(v, int) for v in values):
                return None
            return [v or 0 for v in values]  # type: ignore[misc]

        def combine(plus: list[str], minus: list[str]) -> tuple[int, ...] | None:
            rows = [row(k) for k in plus + minus]
            if any(r is None for r in rows):
                return None
            cells = tuple(
                sum(r[j] for r in rows[: len(plus)] if r is not None)
                - sum(r[j] for r in rows[len(plus) :] if r is not None)
                for j in range(7)
            )
            return cells if min(cells) >= 0 else None

        outcomes = list(self.fmt.section3_result_keys)
        if key == "total":
            return combine(outcomes, [])
        if key in outcomes:
            return combine(["total"], [k for k in outcomes if k != key])
        if key == "new_received":
            return combine(["total", "carried_forward"], ["carried_over"])
        if key == "carried_over":
            return combine(["total", "carried_forward"], ["new_received"])
        if key == "carried_forward":
            return combine(["new_received", "carried_over"], ["total"])
        return None

    def _recover_from_columns(self, key: str, rr: _RowRead, reads: dict[str, _RowRead]) -> None:
        """A run-together row that no split makes add up (the report's own row total is wrong): read its
        six applicant cells as the other rows imply them and the remaining digits as its 总计, so that the
        checks can report the wrong total instead of an unreadable row. Rows that could be read several
        ways are tried in each of their readings; a reading that fits the digits settles them too."""
        runs = rr.raw.split(" ")
        ambiguous = [k for k, r in reads.items() if len(r.candidates) > 1]
        options = [reads[k].candidates for k in ambiguous]
        if math.prod(len(o) for o in options) > 5000:
            return
        fitting: list[tuple[tuple[tuple[Number, ...], ...], list[Number]]] = []
        for combo in itertools.product(*options):
            implied = self._implied_row(key, reads, dict(zip(ambiguous, combo, strict=True)))
            if implied is None:
                continue
            rest = rest_after(runs, implied[:6])
            if rest is not None and len(rest) == 1 and re.fullmatch(r"0|[1-9]\d*", rest[0]):
                fitting.append((combo, [*implied[:6], int(rest[0])]))
                if len(fitting) > 1:
                    return  # more than one reading: leave the row unreadable rather than guess
        if len(fitting) != 1:
            return
        combo, values = fitting[0]
        for k, c in zip(ambiguous, combo, strict=True):
            reads[k].values, reads[k].candidates = list(c), [c]
        rr.values = list(values)
        rr.candidates = [tuple(values)]

    @staticmethod
    def _uses_label_fillers(regions: dict[str, str]) -> bool:
        """Whether the table writes a blank filler cell after labels that span columns (seen as one
        blank too many before the numbers of a full row)."""
        for key in _SPANNING_LABEL_ROWS:
            region = regions.get(key)
            if region is None or CELL not in region:
                continue
            values, _ = _cells_of_region(region, 7)
            while values and values[-1] is None:
                values.pop()
            if len(values) > 7 and values[0] is None:
                return True
        return False

    def _resolve_section3(self, reads: dict[str, _RowRead]) -> None:
        """Rows whose digit runs split several ways are settled by the column identities of table 三."""
        ambiguous = [k for k, r in reads.items() if len(r.candidates) > 1]
        if not ambiguous:
            return
        fitting = self._fitting_tables(reads, ambiguous)
        chosen: dict[str, tuple[Number, ...]]
        if fitting:
            best = max(
                fitting,
                key=lambda combo: tuple(sum(x) for x in zip(*(_score_counts(c) for c in combo), strict=True)),
            )
            chosen = dict(zip(ambiguous, best, strict=True))
            unique = len(fitting) == 1
        else:
            chosen = {k: choose(reads[k].candidates, _score_counts)[0] for k in ambiguous}
            unique = False
        for k, c in chosen.items():
            reads[k].values = list(c)
            if not unique:
                self._ambiguous("section3", k, reads[k], c)

    def _fitting_tables(
        self, reads: dict[str, _RowRead], ambiguous: list[str]
    ) -> list[tuple[tuple[Number, ...], ...]]:
        """Every choice of candidates for the ambiguous rows under which both column identities hold
        (三（七） = the sum of the outcome rows; 一 + 二 = 三（七） + 四), searched depth first: the head
        rows first, then the outcome rows while their running column sums stay within 三（七）."""
        result_keys = set(self.fmt.section3_result_keys)
        head = ("total", "new_received", "carried_over", "carried_forward")
        order = [k for k in head if k in ambiguous] + [k for k in ambiguous if k not in head]
        n_head = sum(1 for k in order if k in head)
        rows: dict[str, list[float]] = {k: [0.0] * 7 for k in head}  # a row not found counts as 0
        for key, r in reads.items():
            if key not in ambiguous:
                rows[key] = [float(v) if isinstance(v, (int, float)) else 0.0 for v in r.values[:7]]
                rows[key] += [0.0] * (7 - len(rows[key]))
        fixed_outcomes = [sum(rows[k][j] for k in result_keys if k in rows) for j in range(7)]
        fitting: list[tuple[tuple[Number, ...], ...]] = []
        chosen: dict[str, tuple[Number, ...]] = {}

        def balance_holds() -> bool:
            new, old, total, forward = (
                rows[k] for k in ("new_received", "carried_over", "total", "carried_forward")
            )
            return all(abs(new[j] + old[j] - total[j] - forward[j]) < 1e-9 for j in range(7))

        def walk(i: int, sums: list[float]) -> None:
            if len(fitting) >= 50:
                return
            if i == n_head and n_head and not balance_holds():
                return
            if i == len(order):
                if all(abs(a - b) < 1e-9 for a, b in zip(sums, rows["total"], strict=True)):
                    fitting.append(tuple(chosen[k] for k in ambiguous))
                return
            key = order[i]
            for cand in reads[key].candidates:
                chosen[key] = cand
                if key in head:
                    rows[key] = [float(v) for v in cand]
                    walk(i + 1, sums)
                    continue
                running = [a + float(b) for a, b in zip(sums, cand, strict=True)]
                if all(a <= t + 1e-9 for a, t in zip(running, rows["total"], strict=True)):
                    walk(i + 1, running)

        walk(0, fixed_outcomes)
        return fitting

    # -- table 四 ----------------------------------------------------------------------------------

    def section4(self, start: int) -> None:
        text = self.text
        m = L.SECTION4_START.search(text, start)
        if m is None:
            return
        end_m = L.SECTION5_START.search(text, m.end())
        end = end_m.start() if end_m else min(len(text), m.end() + TABLE4_WINDOW)
        totals = list(L.SECTION4_TOTAL_HEADER.finditer(text, m.end(), end))
        if not totals:
            return
        if CELL in text[m.end() : end]:
            # Marked cells: the data rows without the header rows (one header, or one per group).
            region = _table4_data_rows(text[text.rfind("\n", 0, totals[0].start()) + 1 : end])
        else:
            region = text[totals[-1].end() : end]
        rr, extra_rows, extra = _read_row(
            region, "section4", 15, _GROUP_TOTALS, frozenset(), ends_at_label=False
        )
        if not rr.values and not rr.raw:
            return
        self.found.add("section4")
        if rr.squashed and len(rr.candidates) > 1:
            best, _ = choose(rr.candidates, _score_counts)
            rr.values = list(best)
            self._ambiguous("section4", None, rr, best)
        self._finish_row("section4", None, rr, 15, extra_rows, extra)
        cells = rr.values + [None] * (15 - len(rr.values))
        for g, group in enumerate(SECTION4_GROUPS):
            self.tables.section4[group.key] = cells[g * 5 : (g + 1) * 5]

    def _note_truncation(self, table: str, keys: list[str], found: list[str], runs_to_end: bool) -> None:
        """The text stops inside this table: its last rows are missing and nothing follows it."""
        if not runs_to_end or not found or found[-1] == keys[-1]:
            return
        last = keys.index(found[-1])
        if set(keys[last + 1 :]) & set(found):
            return
        self.truncated_in = table
        self.truncated_after_row = found[-1]

    # -- findings ----------------------------------------------------------------------------------

    def _note_label(self, table: str, a: _Anchor) -> None:
        if CELL in self.text[a.start : a.end]:
            self.marked = True
            self.labels_seen.append(LabelSeen(table, a.key, a.label))

    def _finish_row(
        self, table: str, key: str | None, rr: _RowRead, n: int, extra_rows: list[str], extra: list[Cell]
    ) -> None:
        where = _where(self.fmt, table, key)
        if rr.squashed:
            self.squashed = True
        if not rr.values and rr.raw and rr.squashed:
            self.findings.append(
                finding(
                    "parse.unsplittable",
                    f"{where}的数字连在一起（“{rr.raw}”），"
                    f"无法按表格勾稽关系拆分成 {n} 个单元格；请核对原表。",
                    table=table,
                    row=key,
                    found=rr.raw,
                )
            )
            rr.values = [rr.raw] + [None] * (n - 1)
            return
        if rr.values and len(rr.values) < n:
            self.findings.append(
                finding(
                    "parse.missing_cells",
                    f"{where}只有 {len(rr.values)} 个单元格，应有 {n} 个；缺少的单元格按空白处理。",
                    table=table,
                    row=key,
                    expected=n,
                    found=len(rr.values),
                )
            )
        if not rr.values:
            self.findings.append(
                finding(
                    "parse.missing_cells",
                    f"{where}没有读到任何数据。",
                    table=table,
                    row=key,
                    expected=n,
                    found=0,
                )
            )
        if extra:
            self.findings.append(
                finding(
                    "parse.extra_cells",
                    f"{where}的单元格多于 {n} 个，多出的数值 {', '.join(str(v) for v in extra)} 未计入。",
                    table=table,
                    row=key,
                    expected=n,
                    found=n + len(extra),
                )
            )
        for label in extra_rows:
            self.findings.append(
                finding(
                    "table.extra_row",
                    f"表格中有官方格式没有的行“{label}”（位于{where}之后）。",
                    table=table,
                    row=key,
                    found=label,
                )
            )

    def _ambiguous(self, table: str, key: str | None, rr: _RowRead, chosen: tuple[Number, ...]) -> None:
        others = [c for c in rr.candidates if c != chosen][:3]
        self.findings.append(
            finding(
                "parse.ambiguous_split",
                f"{_where(self.fmt, table, key)}的数字连在一起（“{rr.raw}”），"
                f"可以有多种拆分；按最合理的一种读作 "
                f"{' | '.join(str(v) for v in chosen)}"
                + (
                    f"（其他可能：{'；'.join(' | '.join(str(v) for v in c) for c in others)}）"
                    if others
                    else ""
                )
                + "，请核对原表。",
                table=table,
                row=key,
                found=rr.raw,
                expected=list(chosen),
            )
        )


def _table4_data_rows(region: str) -> str:
    """The rows of table 四 (marked cells) that hold its 15 cells, from its first header row on.

    A header row (text, no number) is dropped wherever it is: the official layout has one header
    above one data row, but agencies also stack the three groups each under its own header, or (one
    cell per line without row separators) run the header's last cells and the data into one row. In a
    row with numbers, the text cells before the first number (group labels, header cells) are dropped.
    Rows after the 15th cell are kept as they are (unofficial extra rows are reported from them).
    """
    kept: list[str] = []
    count = 0
    for line in region.split("\n"):
        if CELL not in line or count >= 15:
            kept.append(line)
            continue
        pieces = line.split(CELL)[:-1]
        values = [parse_cell(piece) for piece in pieces]
        first = next((i for i, v in enumerate(values) if _is_number(v)), None)
        if first is None:
            if any(isinstance(v, str) for v in values):
                continue  # a header row
        else:
            texts = [i for i, v in enumerate(values[:first]) if isinstance(v, str)]
            if texts:
                pieces, values = pieces[texts[-1] + 1 :], values[texts[-1] + 1 :]
        count += sum(1 for v in values if not (isinstance(v, str) and L.is_label_like(v)))
        kept.append(CELL.join(pieces) + CELL)
    return "\n".join(kept)


def _where(fmt: ReportFormat, table: str, key: str | None) -> str:
    if table == "section2" and key:
        return f"表二“{fmt.section2_row(key)[1].label}”行"
    if table == "section3" and key:
        return f"表三“{fmt.section3_row(key).label}”行"
    return "表四（行政复议、行政诉讼）"


def detect_format(text: str) -> FormatVersion | None:
    """Which format the tables use, from their headers and rows (independent of the year)."""
    flat = re.sub(r"[\s\x1f]+", "", text)
    scores = {v: sum(1 for marker in markers if marker in flat) for v, markers in L.FORMAT_MARKERS.items()}
    if scores["2019"] == scores["2021"]:
        return None
    return "2019" if scores["2019"] > scores["2021"] else "2021"


_PROSE_NUMBER = re.compile(r"(?<![\d.])(\d{2,8})(?![\d.])")
_DOCUMENT_WORD = re.compile(r"规范性文件|规章")
_CLAUSE_END = re.compile(r"[,，。；;\n]")


def _stated_document_counts(prose: str) -> set[int]:
    """Numbers the prose states in clauses about 规章/规范性文件 (they help split squashed table 二)."""
    numbers: set[int] = set()
    for word in _DOCUMENT_WORD.finditer(prose):
        start = max(word.start() - 40, 0)
        before = prose[start : word.start()]
        cut = max(before.rfind(c) for c in ",，。；;\n")
        clause_start = start + cut + 1
        after = _CLAUSE_END.search(prose, word.end(), word.end() + 40)
        clause = prose[clause_start : after.start() if after else min(len(prose), word.end() + 40)]
        for n in _PROSE_NUMBER.finditer(clause):
            if not clause.startswith("年", n.end()):
                numbers.add(int(n.group(1)))
    return numbers


def prose_of(text: str) -> str:
    """The text without table rows; a row with a single non-empty cell (a heading or note that a
    converter wrote as a table cell) is kept as a line of prose."""
    lines = []
    for line in text.split("\n"):
        if CELL not in line:
            lines.append(line)
            continue
        cells = [c for c in line.split(CELL) if c.strip()]
        if len(cells) == 1 and parse_cell(cells[0]) is not None and not _is_number(parse_cell(cells[0])):
            lines.append(cells[0].strip())
    return "\n".join(lines)


def parse_tables(text: str, version: FormatVersion, prose: str | None = None) -> _Parse:
    """``prose``: ``prose_of(text)`` if the caller has it already."""
    p = _Parse(text=text, fmt=FORMATS[version], prose=prose_of(text) if prose is None else prose)
    end2 = p.section2()
    end3 = p.section3(end2)
    p.section4(end3)
    return p


def parse_source(source: Source) -> ParsedReport:
    text = source.text
    detected = detect_format(text)
    version: FormatVersion = detected or "2021"
    prose = prose_of(text)
    p = parse_tables(text, version, prose)
    has_tables = bool(p.found)
    meta = detect_metadata(prose, has_tables)
    if detected is None and meta.year is not None and has_tables:
        by_year = format_for_year(meta.year)
        if by_year is not None and by_year != version:
            version = by_year
            p = parse_tables(text, version, prose)
    kind = meta.kind
    if has_tables and kind != "annual_report":
        kind = "annual_report"
    fmt: FormatVersion | None = version if has_tables else None
    if p.squashed and not p.marked:
        layout = "squashed"
    elif has_tables:
        layout = source.layout if source.layout not in ("plain", "squashed") else "squashed"
    else:
        layout = "none"
    truncated_after, cut_tables = (
        _truncation(p, meta.section_order) if kind == "annual_report" else (None, set())
    )
    findings = [
        f
        for f in p.findings
        if not (
            f.code == "parse.missing_cells" and f.table == p.truncated_in and f.row == p.truncated_after_row
        )
    ]
    if truncated_after is not None:
        findings.append(
            finding(
                "document.truncated",
                f"报告不完整：文本在{truncated_after}之后中断，其后的行、表格和部分都没有；"
                "只检查了已有的内容，请提供完整的报告。",
            )
        )
    if kind == "annual_report":
        findings.extend(_missing_rows(p, cut_tables))
    return ParsedReport(
        kind=kind,
        format=fmt,
        year=meta.year,
        agency=meta.agency,
        tables=p.tables if kind == "annual_report" else Tables(),
        text=prose,
        sections=meta.sections,
        section_order=meta.section_order,
        period_start=meta.period_start,
        period_end=meta.period_end,
        layout=layout,
        parse_findings=findings if kind == "annual_report" else [],
        truncated_after=truncated_after,
        labels_seen=p.labels_seen,
        detected_format=detected,
    )


def _truncation(p: _Parse, section_order: list[str]) -> tuple[str | None, set[str]]:
    """Where a cut copy of a report stops, described for people (or ``None`` if it looks complete),
    and the tables that come after that point."""
    if p.truncated_in is not None and p.truncated_after_row is not None:
        after = set(TABLE_KEYS[TABLE_KEYS.index(p.truncated_in) + 1 :])
        return _where(p.fmt, p.truncated_in, p.truncated_after_row), after
    if "other" in section_order or not section_order:
        return None, set()
    keys = [s.key for s in SECTIONS]
    last = max(keys.index(k) for k in section_order)
    # Only a prefix of the sections and no table of a later section: the text was cut.
    if set(keys[last + 1 :]) & set(section_order):
        return None, set()
    later = {t.key for t in TABLES if keys.index(t.section) >= last and t.key not in p.found}
    if any(t.key in p.found for t in TABLES if keys.index(t.section) > last):
        return None, set()
    return f"第{SECTIONS[last].number}部分“{SECTIONS[last].heading}”", later


def _missing_rows(p: _Parse, cut_tables: set[str]) -> list[Finding]:
    out: list[Finding] = []
    for t in TABLES:
        if t.key not in p.found and t.key not in cut_tables:
            out.append(
                finding(
                    "parse.table_not_found",
                    f"没有找到{t.full_name}；年度报告须按{p.fmt.name}的格式以表格报告。",
                    section=t.section,
                    table=t.key,
                )
            )
    expected_rows = {
        "section2": [
            (row.key, row.label, f"表二第二十条第（{block.item}）项缺少“{row.label}”行。")
            for block, row in p.fmt.section2_rows()
        ],
        "section3": [(row.key, row.label, f"表三缺少“{row.label}”行。") for row in p.fmt.section3_rows],
    }
    read_rows: dict[str, set[str]] = {"section2": set(p.tables.section2), "section3": set(p.tables.section3)}
    for table, rows in expected_rows.items():
        if table not in p.found:
            continue
        cut = _cut_rows(p, table, [key for key, _, _ in rows])
        for key, label, message in rows:
            if key not in read_rows[table] and key not in cut:
                out.append(
                    finding(
                        "parse.row_not_found",
                        message,
                        section=TABLE_BY_KEY[table].section,
                        table=table,
                        row=key,
                        expected=label,
                    )
                )
    return out


def _cut_rows(p: _Parse, table: str, keys: list[str]) -> set[str]:
    if p.truncated_in != table or p.truncated_after_row is None:
        return set()
    return set(keys[keys.index(p.truncated_after_row) + 1 :])


__all__ = [
    "SECTION3_APPLICANT_COLUMNS",
    "SECTION3_COLUMNS",
    "SECTION3_COLUMN_KEYS",
    "SECTION4_COLUMN_KEYS",
    "detect_format",
    "parse_cell",
    "parse_source",
    "parse_tables",
]
