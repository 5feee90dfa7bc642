"""docs/security.md stays true: every test it names as proof exists, every 等保 area and ASVS chapter has
its section or row, and the README and the deployment guide link to it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = (REPO / "docs" / "security.md").read_text(encoding="utf-8")


def test_every_named_proof_exists() -> None:
    missing = []
    for path, name in set(re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", DOC)):
        file = REPO / path
        if not file.exists():
            missing.append(path)
        elif name and not re.search(rf"^def {name}\(", file.read_text(encoding="utf-8"), re.MULTILINE):
            missing.append(f"{path}::{name}")
    assert missing == []


def test_every_area_and_chapter_is_mapped() -> None:
    for area in (
        "身份鉴别",
        "访问控制",
        "安全审计",
        "入侵防范",
        "恶意代码防范",
        "数据完整性",
        "数据保密性",
        "数据备份恢复",
        "剩余信息保护",
        "个人信息保护",
    ):
        assert re.search(rf"^### {area} ", DOC, re.MULTILINE), area
    for chapter in range(1, 15):
        assert f"| **V{chapter} " in DOC, f"V{chapter}"
    assert "## Reporting a vulnerability" in DOC


def test_the_guides_link_to_it() -> None:
    assert "(docs/security.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    assert "(security.md)" in (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
