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
