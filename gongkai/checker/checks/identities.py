"""The identities (勾稽关系) of tables 三 and 四 that the format declares (``gongkai.reports.model``)."""

from __future__ import annotations

from gongkai.checker.checks.context import MISSING, S3_COLUMN_LABEL, TABLE_SECTION, Ctx, Number, num, show
from gongkai.checker.codes import finding
from gongkai.core.messages import N_, Message
from gongkai.reports.findings import Finding
from gongkai.reports.model import SECTION4_GROUPS, Identity


def _identity_message(
    ctx: Ctx,
    ident: Identity,
    values: dict[tuple[str, str, str], Number | None],
    expected: Number | None,
    found: Number | None,
) -> Message:
    table, row, column = ident.where
    exp = show(expected)
    if ident.code == "section3.row_total":
        return Message(
            N_("表三“%(row)s”行“%(total)s”列为%(found)s，但自然人与五类法人或其他组织之和为%(expected)s。"),
            {"row": ctx.section3_label(row), "total": "总计", "found": show(found), "expected": exp},
        )
    if ident.code == "section3.results_total":
        return Message(
            N_(
                "表三“%(row)s”行“%(column)s”列为%(found)s，但%(first)s至%(last)s各项办理结果之和为%(expected)s。"
            ),
            {
                "row": ctx.section3_label("total"),
                "column": S3_COLUMN_LABEL[column],
                "found": show(found),
                "first": "（一）",
                "last": "（六）",
                "expected": exp,
            },
        )
    if ident.code == "section3.balance":
        a, b = (values[r] or 0 for r in ident.left)
        c, d = (values[r] or 0 for r in ident.right)
        if expected is None:
            # Fixing 四 alone would need a negative count: the cells that disagree are named instead.
            return Message(
                N_(
                    "表三“%(column)s”列：第一项（%(a)s）加第二项（%(b)s）为%(left)s，第三项（%(c)s）加第四项"
                    "（%(d)s）为%(right)s，两者应相等；仅第三项“%(total)s”就已大于第一项与第二项之和，"
                    "请核对这几个单元格。"
                ),
                {
                    "column": S3_COLUMN_LABEL[column],
                    "a": show(a),
                    "b": show(b),
                    "left": show(a + b),
                    "c": show(c),
                    "d": show(d),
                    "right": show(c + d),
                    "total": ctx.section3_label("total"),
                },
            )
        return Message(
            N_(
                "表三“%(column)s”列：第一项（%(a)s）加第二项（%(b)s）为%(left)s，第三项（%(c)s）加第四项（%(d)s）"
                "为%(right)s，两者应相等；“%(row)s”应为%(expected)s。"
            ),
            {
                "column": S3_COLUMN_LABEL[column],
                "a": show(a),
                "b": show(b),
                "left": show(a + b),
                "c": show(c),
                "d": show(d),
                "right": show(c + d),
                "row": ctx.section3_label("carried_forward"),
                "expected": exp,
            },
        )
    if ident.code == "section4.group_total":
        group = next(g for g in SECTION4_GROUPS if g.key == row)
        name = group.label if group.label == group.parent else f"{group.parent}·{group.label}"
        return Message(
            N_("表四“%(group)s”的“%(total)s”为%(found)s，但%(parts)s之和为%(expected)s。"),
            {
                "group": name,
                "total": "总计",
                "found": show(found),
                "parts": "结果维持、结果纠正、其他结果、尚未审结",
                "expected": exp,
            },
        )
    return Message(  # pragma: no cover - future identities
        N_("%(identity)s：表中为%(found)s，应为%(expected)s。"),
        {"identity": ident.description, "found": show(found), "expected": exp},
    )


def check_identities(ctx: Ctx) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, tuple[str, str, str]]] = set()
    cells = ctx.values
    for ident in ctx.fmt.identities:
        key = (ident.code, ident.where)
        if key in seen:
            continue
        values: dict[tuple[str, str, str], Number | None] = {}
        usable = True
        for ref in ident.left + ident.right:
            v = cells.get(ref, MISSING)
            if v is not None and not isinstance(v, int | float):
                usable = False
                break
            values[ref] = v
        if not usable or all(v is None for v in values.values()):
            continue
        left = sum(values[r] or 0 for r in ident.left)
        right = sum(values[r] or 0 for r in ident.right)
        if abs(left - right) < 1e-9:
            continue
        seen.add(key)
        found = values[ident.where]
        rest = (right if ident.where in ident.right else left) - (found or 0)
        expected: Number | None = num((left if ident.where in ident.right else right) - rest)
        if expected is not None and expected < 0:
            expected = None  # never suggest a negative count: the message names the cells instead
        table, row, column = ident.where
        out.append(
            finding(
                ident.code,
                _identity_message(ctx, ident, values, expected, found),
                section=TABLE_SECTION[table],
                table=table,
                row=row,
                column=column,
                expected=expected,
                found=num(found),
            )
        )
    return _merge_blank_totals(ctx, out)


#: This many rows of table 三 with a blank 总计 are one pattern (the column left blank), said once.
PATTERN_ROWS = 3


def _merge_blank_totals(ctx: Ctx, findings: list[Finding]) -> list[Finding]:
    """Many rows of table 三 whose 总计 is blank while the row has figures: one finding listing the rows
    (the column was left blank), not one per row."""
    blank = [f for f in findings if f.code == "section3.row_total" and f.found is None]
    if len(blank) < PATTERN_ROWS:
        return findings
    merged = finding(
        "section3.row_total",
        Message(
            N_(
                "表三“%(total)s”列在 %(count)s 行为空白，但这些行的自然人与五类法人或其他组织之和不为0："
                "%(rows)s；“%(total)s”应填各行之和。"
            ),
            {
                "total": "总计",
                "count": len(blank),
                "rows": "、".join(f"“{ctx.section3_label(f.row or '')}”" for f in blank),
            },
        ),
        section=TABLE_SECTION["section3"],
        table="section3",
        row=blank[0].row,
        column="total",
        expected=None,
        found=None,
    )
    ids = {id(f) for f in blank}
    return [f for f in findings if id(f) not in ids] + [merged]
