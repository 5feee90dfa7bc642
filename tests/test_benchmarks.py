"""The benchmarks' loaders write rows around the models (``COPY``): a field added later with a Python-side
default is NOT NULL in the database with no default there, and the loader breaks only when someone runs the
benchmark. This keeps their column lists whole."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import models
from django.db.models.fields import NOT_PROVIDED

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Item

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_catalogue  # noqa: E402


def required_columns(model: type[models.Model]) -> set[str]:
    """The columns an ``INSERT``/``COPY`` must name: NOT NULL, no default in the database, not the key."""
    return {
        field.column
        for field in model._meta.concrete_fields
        if not field.null and not field.primary_key and field.db_default is NOT_PROVIDED
    }


@pytest.mark.parametrize(
    ("model", "columns"),
    [(Agency, bench_catalogue.AGENCY_COLUMNS), (Item, bench_catalogue.ITEM_COLUMNS)],
    ids=["agency", "item"],
)
def test_the_catalogue_loader_writes_every_required_column(
    model: type[models.Model], columns: tuple[str, ...]
) -> None:
    known = {field.column for field in model._meta.concrete_fields}
    assert set(columns) <= known, f"columns the model no longer has: {sorted(set(columns) - known)}"
    missing = required_columns(model) - set(columns)
    assert not missing, f"bench_catalogue.py must write {sorted(missing)} (NOT NULL, no database default)"
    assert len(columns) == len(set(columns))
