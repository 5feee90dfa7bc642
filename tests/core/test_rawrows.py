"""``core.rawrows.loaded`` makes what ``rawrows.instance`` (``Model.from_db``) makes, without ``__init__``:
the same attributes, the same deferred fields, the same state; and ``instance`` itself when a receiver
listens to the model's ``pre_init`` or ``post_init``."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models.signals import post_init

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Item
from gongkai.core.rawrows import instance, loaded

pytestmark = pytest.mark.django_db

NAMES = ("title", "id", "agency_id", "published_on", "interprets_id")
VALUES = ("标题", 7, 3, datetime.date(2025, 1, 2), None)


def _fields(obj: Any) -> dict[str, Any]:
    return {name: value for name, value in vars(obj).items() if name != "_state"}


def test_loaded_is_what_from_db_makes() -> None:
    made, reference = loaded(Item, "default", NAMES, VALUES), instance(Item, "default", NAMES, VALUES)
    assert type(made) is Item
    assert _fields(made) == _fields(reference) == dict(zip(NAMES, VALUES, strict=True))
    assert made.get_deferred_fields() == reference.get_deferred_fields()
    assert "body" in made.get_deferred_fields()
    assert (
        (made._state.adding, made._state.db)
        == (reference._state.adding, reference._state.db)
        == (
            False,
            "default",
        )
    )
    assert made.pk == 7 and made == reference
    # A related object set afterwards is kept as from_db's instance keeps it.
    agency = loaded(Agency, "default", ["id", "short_code"], [3, "county-a"])
    made.agency = agency
    assert made.agency is agency and made.agency_id == 3


def test_loaded_refuses_what_instance_refuses() -> None:
    with pytest.raises(ValueError):
        loaded(Item, "default", ["no_such_column"], [1])


def test_loaded_sends_the_signals_when_someone_listens() -> None:
    seen: list[object] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    post_init.connect(receiver, sender=Item)
    try:
        made = loaded(Item, "default", NAMES, VALUES)
        again = loaded(Item, "default", NAMES, VALUES)
    finally:
        post_init.disconnect(receiver, sender=Item)
    assert seen == [made, again] and seen[0] is made and seen[1] is again
    loaded(Item, "default", NAMES, VALUES)  # nobody listens any more: made without the signal
    assert len(seen) == 2
