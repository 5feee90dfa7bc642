"""Every audit action code written in the code base has a Chinese label (and an English translation).

The codes are read from the source: every ``record_audit(actor, CODE, ...)`` call, with ``CODE`` a string,
a module constant, a parameter whose values are passed by keyword elsewhere (``audit_action="..."``), a
conditional of those, or one of the f-strings listed in :data:`DYNAMIC` with the values it takes. A call
this test cannot read fails it: add its codes to the registry and, if it is a new f-string, to DYNAMIC.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from gongkai.auditlog.labels import AUDIT_LABELS, label
from gongkai.catalogue import workflow

ROOT = Path(__file__).resolve().parents[2] / "gongkai"


def _catalogue_admin_names() -> set[str]:
    tree = ast.parse((ROOT / "catalogue" / "admin.py").read_text(encoding="utf-8"))
    return {
        str(node.value.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "audit_name" for t in node.targets)
        and isinstance(node.value, ast.Constant)
        and node.value.value
    }


def _transition_actions() -> set[str]:
    """The ``action=workflow.X`` of every call of the catalogue's ``transition``."""
    found = set()
    for path in (ROOT / "catalogue" / "services").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "transition":
                for kw in node.keywords:
                    if kw.arg == "action" and isinstance(kw.value, ast.Attribute):
                        found.add(getattr(workflow, kw.value.attr))
    assert found, "no transition(action=workflow.X) found"
    return found


#: The f-strings used as codes, and the codes each one takes.
DYNAMIC: dict[str, set[str]] = {
    "catalogue.{self.audit_name}_{verb}": {
        f"catalogue.{name}_{verb}" for name in _catalogue_admin_names() for verb in ("added", "changed")
    },
    "catalogue.{self.audit_name}_deleted": {f"catalogue.{name}_deleted" for name in _catalogue_admin_names()},
    "catalogue.item_{action}": {f"catalogue.item_{action}" for action in _transition_actions()},
}


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)


def _keyword_values(name: str) -> set[str]:
    """Every string passed anywhere as ``name="..."``, and the default of a parameter called ``name``."""
    values = set()
    for _path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == name and isinstance(node.value, ast.Constant):
                values.add(str(node.value.value))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args.kwonlyargs
                for arg, default in zip(args, node.args.kw_defaults, strict=True):
                    if arg.arg == name and isinstance(default, ast.Constant):
                        values.add(str(default.value))
    return values


def _codes_of(node: ast.expr, path: Path) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes_of(node.body, path) | _codes_of(node.orelse, path)
    if isinstance(node, ast.Name):
        value = getattr(importlib.import_module(_module_name(path)), node.id, None)
        if isinstance(value, str):
            return {value}
        values = _keyword_values(node.id)
        assert values, f"{path}: cannot tell the codes of {node.id}"
        return values
    if isinstance(node, ast.JoinedStr):
        pattern = "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in node.values
            if isinstance(part, ast.Constant | ast.FormattedValue)
        )
        assert pattern in DYNAMIC, f"{path}: add the f-string code {pattern!r} to DYNAMIC"
        return DYNAMIC[pattern]
    raise AssertionError(f"{path}:{node.lineno}: cannot read the audit code {ast.unparse(node)}")


def codes_in_the_code_base() -> set[str]:
    codes: set[str] = set()
    calls = 0
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            # record_audit writes one event; audit_event makes one for record_audits' batch (an import).
            if name not in {"record_audit", "audit_event"} or path.name == "audit.py":
                continue
            calls += 1
            action = (
                node.args[1]
                if len(node.args) > 1
                else next(k.value for k in node.keywords if k.arg == "action")
            )
            codes |= _codes_of(action, path)
    assert calls > 40, calls  # the reader found the calls
    return codes


def test_every_audit_code_has_a_label() -> None:
    codes = codes_in_the_code_base()
    assert {"application.applicant_viewed", "letter.downloaded", "catalogue.item_publish"} <= codes
    missing = sorted(codes - set(AUDIT_LABELS))
    assert not missing, f"audit codes without a label in gongkai/auditlog/labels.py: {missing}"


def test_every_label_is_a_code_in_use() -> None:
    unused = sorted(set(AUDIT_LABELS) - codes_in_the_code_base())
    assert not unused, f"labels of codes no longer written: {unused}"


@pytest.mark.parametrize("code", sorted(AUDIT_LABELS))
def test_every_label_is_translated(code: str) -> None:
    with translation.override("en"):
        english = label(code)
    assert english != AUDIT_LABELS[code], f"{code}: no English translation of {AUDIT_LABELS[code]!r}"
    assert label("unknown.code") == "unknown.code"
