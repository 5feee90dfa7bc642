"""The identities (勾稽关系) of tables 三 and 四 that the format declares (``gongkai.reports.model``)."""

from __future__ import annotations

from gongkai.checker.checks.context import MISSING, S3_COLUMN_LABEL, TABLE_SECTION, Ctx, Number, num, show
from gongkai.checker.codes import finding
from gongkai.reports.findings import Finding
from gongkai.reports.model import SECTION4_GROUPS, Identity


def _identity_message(
    ctx: Ctx,
    ident: Identity,
    values: dict[tuple[str, str, str], Number | None],
    expected: Number | None,
    found: Number | None,
) -> str:
    table, row, column = ident.where
    exp = show(expected)
    if ident.code == "section3.row_total":
        return (
            f"表三“{ctx.section3_label(row)}”行“总计”列为{show(found)}，"
            f"但自然人与五类法人或其他组织之和为{exp}。"
        )
    if ident.code == "section3.results_total":
        return (
            f"表三“{ctx.section3_label('total')}”行“{S3_COLUMN_LABEL[column]}”列为{show(found)}，"
            f"但（一）至（六）各项办理结果之和为{exp}。"
        )
    if ident.code == "section3.balance":
        a, b = (values[r] or 0 for r in ident.left)
        c, d = (values[r] or 0 for r in ident.right)
        return (
            f"表三“{S3_COLUMN_LABEL[column]}”列：第一项（{show(a)}）加第二项（{show(b)}）"
            f"为{show(a + b)}，第三项（{show(c)}）加第四项（{show(d)}）为{show(c + d)}，两者应相等；"
            f"“{ctx.section3_label('carried_forward')}”应为{exp}。"
        )
    if ident.code == "section4.group_total":
        group = next(g for g in SECTION4_GROUPS if g.key == row)
        name = group.label if group.label == group.parent else f"{group.parent}·{group.label}"
        return f"表四“{name}”的“总计”为{show(found)}，但结果维持、结果纠正、其他结果、尚未审结之和为{exp}。"
    return f"{ident.description}：表中为{show(found)}，应为{exp}。"  # pragma: no cover - future identities


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
        expected = num((left if ident.where in ident.right else right) - rest)
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
    return out
