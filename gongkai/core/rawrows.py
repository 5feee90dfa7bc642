"""Model instances from rows read with SQL of their own (issue 16: the public pages' fixed, read-only
statements, where compiling the ORM's query cost more than the database's work).

:meth:`Model.from_db` takes the values in the order of the model's concrete fields; :func:`instance` takes
them in the order of the columns read, so that a statement may list its columns in any order. The fields
not read are deferred (read from the database if ever used), as with ``QuerySet.only()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


@cache
def _order(model: type[models.Model], names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The attribute names among ``names`` in the model's field order, and where each is in ``names``
    (a property of the model's schema: the same for every process)."""
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in names]
    missing = set(names) - set(ordered)
    if missing:
        raise ValueError(f"not columns of {model.__name__}: {sorted(missing)}")
    return tuple(ordered), tuple(names.index(name) for name in ordered)


def instance(model: type[M], alias: str, names: Sequence[str], values: Sequence[Any]) -> M:
    """An instance of ``model`` with the attributes ``names`` (``attname``: ``agency_id``, not ``agency``)
    set to ``values`` (in the same order), as read from the database ``alias``."""
    ordered, positions = _order(model, tuple(names))
    return model.from_db(alias, list(ordered), [values[i] for i in positions])
