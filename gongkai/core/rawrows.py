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

from django.db import connection, connections, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows ``sql`` reads with ``params`` on the default database, as the driver returns them."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
        return found


@cache
def _order(model: type[models.Model], names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The attribute names among ``names`` in the model's field order, and where each is in ``names``
    (a property of the model's schema: the same for every process)."""
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in names]
    missing = set(names) - set(ordered)
    if missing:
        raise ValueError(f"not columns of {model.__name__}: {sorted(missing)}")
    return tuple(ordered), tuple(names.index(name) for name in ordered)


@cache
def _converters(
    model: type[models.Model], names: tuple[str, ...], alias: str
) -> tuple[tuple[int, Any, tuple[Any, ...]], ...]:
    """The converters the ORM applies to each of ``names`` read from the database ``alias`` (the backend's
    and the field's: a time zone for SQLite's naive datetimes, JSON decoded), as ``(position, column,
    converters)`` for the columns that have any."""
    connection = connections[alias]
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    found = []
    for position, name in enumerate(names):
        column = by_name[name].get_col(model._meta.db_table)
        converters = tuple(connection.ops.get_db_converters(column)) + tuple(
            column.get_db_converters(connection)
        )
        if converters:
            found.append((position, column, converters))
    return tuple(found)


def instance(
    model: type[M], alias: str, names: Sequence[str], values: Sequence[Any], *, convert: bool = False
) -> M:
    """An instance of ``model`` with the attributes ``names`` (``attname``: ``agency_id``, not ``agency``)
    set to ``values`` (in the same order), as read from the database ``alias``; with ``convert``, the
    values as the cursor returned them, converted here as the ORM converts them (:func:`_converters`),
    else as the caller converted them."""
    ordered, positions = _order(model, tuple(names))
    converting = _converters(model, tuple(names), alias) if convert else ()
    if converting:
        connection = connections[alias]
        values = list(values)
        for position, column, converters in converting:
            for converter in converters:
                values[position] = converter(values[position], column, connection)
    return model.from_db(alias, list(ordered), [values[i] for i in positions])


def loaded(model: type[M], alias: str, names: Sequence[str], values: Sequence[Any]) -> M:
    """:func:`instance`, made without ``Model.__init__`` when no receiver listens to the model's ``pre_init``
    or ``post_init`` (else :func:`instance` itself): the attributes set as ``__init__`` sets them (through
    their descriptors) and the state ``from_db`` gives (not adding, the database ``alias``). ``__init__``
    walks every field of the model and sends both signals — ~18 µs for an entry of 23 columns, ~2 µs
    this way (issue 16: the API's rows)."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return instance(model, alias, names, values)
    _order(model, tuple(names))  # the same check of the names as instance()
    made = model.__new__(model)
    state = ModelState()
    state.adding = False
    state.db = alias
    made._state = state
    for name, value in zip(names, values, strict=True):
        setattr(made, name, value)
    return made
