"""Reading the three tables of a report in one format: :func:`parse_tables` finds each official row
label in the order of the format and reads its cells (:mod:`gongkai.checker.parse.rows`), then settles
what the identities of table 三 tell about squashed rows and notes what it could not read."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from gongkai.checker import labels as L
from gongkai.checker.codes import finding
from gongkai.checker.parse.rows import (
    GROUP_TOTALS,
    LABEL_SIMILARITY,
    ROW_TOTAL,
    ROW_WINDOW,
    SPANNING_LABEL_ROWS,
    TABLE4_WINDOW,
    Anchor,
    RowRead,
    anchor,
    canonical_label,
    cells_of_region,
    find_rows,
    label_similarity,
    prose_of,
    read_row,
    score_counts,
    score_section2,
    stated_document_counts,
    table4_data_rows,
    table4_row_labels,
    typo_rows,
)
from gongkai.checker.result import LabelSeen
from gongkai.checker.source import CELL
from gongkai.checker.split import Number, choose, rest_after
from gongkai.core.messages import N_, Message
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, SECTION4_GROUPS, FormatVersion, ReportFormat
from gongkai.reports.tables import Cell, Tables


@dataclass
class TableParse:
    """The tables of one text read in one format; made and run by :func:`parse_tables`."""

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
        anchors: list[Anchor] = []
        pos = start
        for block in self.fmt.section2:
            cap = L.caption_pattern(block.item).search(text, pos, end)
            if cap is not None:
                pos = cap.end()
                anchors.append(Anchor("caption:" + block.item, cap.start(), cap.end(), cap.group(0)))
            for row in block.rows:
                m = L.section2_pattern(row.key).search(text, pos, min(end, pos + ROW_WINDOW))
                if m is None:
                    continue
                a = anchor(text, m, row.key)
                anchors.append(a)
                pos = a.end
        order = [
            k for block in self.fmt.section2 for k in ("caption:" + block.item, *(r.key for r in block.rows))
        ]
        if any(not a.key.startswith("caption:") for a in anchors) and len(anchors) < len(order):
            officials = {row.key: row.label for _, row in self.fmt.section2_rows()}
            sizes = {row.key: len(block.columns) for block, row in self.fmt.section2_rows()}
            anchors = typo_rows(text, order, anchors, officials, end, sizes)
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
            rr, extra_rows, extra = read_row(
                region, a.key, n, (), decimals, ends_at_label=i + 1 < len(anchors)
            )
            if rr.squashed and len(rr.candidates) > 1:
                numbers = stated_document_counts(self.prose)
                best, _ = choose(rr.candidates, score_section2(a.key, self.fmt.version, numbers))
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
        anchors = find_rows(text, keys, patterns, first.start(), end)
        if not anchors:
            return start
        self.found.add("section3")
        regions = {
            a.key: text[a.end : (anchors[i + 1].start if i + 1 < len(anchors) else end)]
            for i, a in enumerate(anchors)
        }
        fillers = self._uses_label_fillers(regions)
        reads: dict[str, RowRead] = {}
        # 三（七） and 一 last: in run-together text their long digit runs are checked against what the
        # other rows imply (the column identities) before any enumeration of splits.
        derived = ("total", "new_received")
        position = {a.key: i for i, a in enumerate(anchors)}
        pending: list[tuple[str, RowRead, list[str], list[Cell]]] = []
        for a in sorted(
            anchors, key=lambda a: (a.key in derived, derived.index(a.key) if a.key in derived else 0)
        ):
            self._note_label("section3", a)
            i = position[a.key]
            rr, extra_rows, extra = read_row(
                regions[a.key],
                a.key,
                7,
                (ROW_TOTAL,),
                frozenset(),
                fillers and a.key in SPANNING_LABEL_ROWS,
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

    def _total_column_first(self, header: str, reads: dict[str, RowRead]) -> None:
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
                Message(
                    N_(
                        "表三的“%(total)s”列排在“%(first)s”列之前，与官方格式不一致（官方格式中“%(total)s”为最后一列）；已按表头读取各列。"
                    ),
                    {"total": "总计", "first": "自然人"},
                ),
                table="section3",
                expected="自然人…其他、总计",
                found="总计、自然人…其他",
            )
        )

    def _implied_row(
        self,
        key: str,
        reads: dict[str, RowRead],
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

    def _recover_from_columns(self, key: str, rr: RowRead, reads: dict[str, RowRead]) -> None:
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
        for key in SPANNING_LABEL_ROWS:
            region = regions.get(key)
            if region is None or CELL not in region:
                continue
            values, _ = cells_of_region(region, 7)
            while values and values[-1] is None:
                values.pop()
            if len(values) > 7 and values[0] is None:
                return True
        return False

    def _resolve_section3(self, reads: dict[str, RowRead]) -> None:
        """Rows whose digit runs split several ways are settled by the column identities of table 三."""
        ambiguous = [k for k, r in reads.items() if len(r.candidates) > 1]
        if not ambiguous:
            return
        fitting = self._fitting_tables(reads, ambiguous)
        chosen: dict[str, tuple[Number, ...]]
        if fitting:
            best = max(
                fitting,
                key=lambda combo: tuple(sum(x) for x in zip(*(score_counts(c) for c in combo), strict=True)),
            )
            chosen = dict(zip(ambiguous, best, strict=True))
            unique = len(fitting) == 1
        else:
            chosen = {k: choose(reads[k].candidates, score_counts)[0] for k in ambiguous}
            unique = False
        for k, c in chosen.items():
            reads[k].values = list(c)
            if not unique:
                self._ambiguous("section3", k, reads[k], c)

    def _fitting_tables(
        self, reads: dict[str, RowRead], ambiguous: list[str]
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
            whole = text[text.rfind("\n", 0, totals[0].start()) + 1 : end]
            region = table4_data_rows(whole)
        else:
            whole = region = text[totals[-1].end() : end]
        self._section4_labels(table4_row_labels(whole))
        rr, extra_rows, extra = read_row(
            region, "section4", 15, GROUP_TOTALS, frozenset(), ends_at_label=False
        )
        if not rr.values and not rr.raw:
            return
        self.found.add("section4")
        if rr.squashed and len(rr.candidates) > 1:
            best, _ = choose(rr.candidates, score_counts)
            rr.values = list(best)
            self._ambiguous("section4", None, rr, best)
        self._finish_row("section4", None, rr, 15, extra_rows, extra)
        cells = rr.values + [None] * (15 - len(rr.values))
        for g, group in enumerate(SECTION4_GROUPS):
            self.tables.section4[group.key] = cells[g * 5 : (g + 1) * 5]

    def _section4_labels(self, labels: list[str]) -> None:
        """Table 四 written with a row per group: a row label that is its group's (行政复议, 未经复议直接起诉,
        复议后起诉) with a typo ("行政付议") is noted as written (its cells are read by position), for
        one ``label.nonstandard``; a label as the format writes it, or like no group, is not."""
        if len(labels) != len(SECTION4_GROUPS):
            return
        for label, group in zip(labels, SECTION4_GROUPS, strict=True):
            written = re.sub(r"[·•・\-—/|]", "", canonical_label(label))
            for parent in {g.parent for g in SECTION4_GROUPS}:
                if written.startswith(parent) and len(written) > len(parent):
                    written = written[len(parent) :]
            if written == canonical_label(group.label):
                continue
            scores = [label_similarity(written, g.label) for g in SECTION4_GROUPS]
            if (
                scores[SECTION4_GROUPS.index(group)] >= LABEL_SIMILARITY
                and max(scores) == scores[SECTION4_GROUPS.index(group)]
            ):
                self.labels_seen.append(LabelSeen("section4", group.key, label))

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

    def _note_label(self, table: str, a: Anchor) -> None:
        if CELL in self.text[a.start : a.end]:
            self.marked = True
            self.labels_seen.append(LabelSeen(table, a.key, a.label))
        elif a.typo:  # a mistyped label in unmarked text: reported as written
            self.labels_seen.append(LabelSeen(table, a.key, a.label))

    def _finish_row(
        self, table: str, key: str | None, rr: RowRead, n: int, extra_rows: list[str], extra: list[Cell]
    ) -> None:
        where = row_place(self.fmt, table, key)
        if rr.squashed:
            self.squashed = True
        if not rr.values and rr.raw and rr.squashed:
            self.findings.append(
                finding(
                    "parse.unsplittable",
                    Message(
                        N_(
                            "%(place)s的数字连在一起（“%(raw)s”），"
                            "无法按表格勾稽关系拆分成 %(count)s 个单元格；请核对原表。"
                        ),
                        {"place": where, "raw": rr.raw, "count": n},
                    ),
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
                    Message(
                        N_("%(place)s只有 %(found)s 个单元格，应有 %(count)s 个；缺少的单元格按空白处理。"),
                        {"place": where, "found": len(rr.values), "count": n},
                    ),
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
                    Message(N_("%(place)s没有读到任何数据。"), {"place": where}),
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
                    Message(
                        N_("%(place)s的单元格多于 %(count)s 个，多出的数值 %(extra)s 未计入。"),
                        {"place": where, "count": n, "extra": ", ".join(str(v) for v in extra)},
                    ),
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
                    Message(
                        N_("表格中有官方格式没有的行“%(label)s”（位于%(place)s之后）。"),
                        {"label": label, "place": where},
                    ),
                    table=table,
                    row=key,
                    found=label,
                )
            )

    def _ambiguous(self, table: str, key: str | None, rr: RowRead, chosen: tuple[Number, ...]) -> None:
        others = [c for c in rr.candidates if c != chosen][:3]
        self.findings.append(
            finding(
                "parse.ambiguous_split",
                Message(
                    N_(
                        "%(place)s的数字连在一起（“%(raw)s”），可以有多种拆分；"
                        "按最合理的一种读作 %(chosen)s（其他可能：%(others)s），请核对原表。"
                    )
                    if others
                    else N_(
                        "%(place)s的数字连在一起（“%(raw)s”），可以有多种拆分；"
                        "按最合理的一种读作 %(chosen)s，请核对原表。"
                    ),
                    {
                        "place": row_place(self.fmt, table, key),
                        "raw": rr.raw,
                        "chosen": " | ".join(str(v) for v in chosen),
                        "others": "；".join(" | ".join(str(v) for v in c) for c in others),
                    },
                ),
                table=table,
                row=key,
                found=rr.raw,
                expected=list(chosen),
            )
        )


def row_place(fmt: ReportFormat, table: str, key: str | None) -> Message:
    """A table's row named as a message (its official label quoted as written)."""
    if table == "section2" and key:
        return Message(N_("表二“%(row)s”行"), {"row": fmt.section2_row(key)[1].label})
    if table == "section3" and key:
        return Message(N_("表三“%(row)s”行"), {"row": fmt.section3_row(key).label})
    return Message(N_("表四（行政复议、行政诉讼）"))


def parse_tables(text: str, version: FormatVersion, prose: str | None = None) -> TableParse:
    """``prose``: ``prose_of(text)`` if the caller has it already."""
    p = TableParse(text=text, fmt=FORMATS[version], prose=prose_of(text) if prose is None else prose)
    end2 = p.section2()
    end3 = p.section3(end2)
    p.section4(end3)
    return p
