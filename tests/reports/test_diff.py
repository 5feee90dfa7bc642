"""What a correction changed: cells with their official labels, and sections."""

from __future__ import annotations

import dataclasses

from gongkai.reports.diff import changes, describe
from tests.reports.export_samples import doc_2021


def test_changes_between_versions() -> None:
    before = doc_2021()
    assert not changes(before, before)
    tables = dataclasses.replace(before.tables)
    tables.section3 = {k: list(v) for k, v in before.tables.section3.items()}
    tables.section2 = {k: dict(v) for k, v in before.tables.section2.items()}
    granted = tables.section3["granted"][0]
    assert isinstance(granted, int)
    tables.section3["granted"][0] = granted + 1
    tables.section2["fees"]["amount"] = 0.5
    after = dataclasses.replace(
        before,
        tables=tables,
        sections={**before.sections, "problems": before.sections["problems"] + "\n新增一段。"},
    )
    diff = changes(before, after)
    lines = [describe(c) for c in diff.cells]
    assert any(line.startswith("表三“（一）予以公开”·自然人：") for line in lines)
    assert any(
        line.startswith("表二“行政事业性收费”·本年收费金额（单位：万元）：") and line.endswith("→ 0.5")
        for line in lines
    )
    assert len(diff.cells) == 2
    assert diff.sections == ("五、存在的主要问题及改进情况",)
