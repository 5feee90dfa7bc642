"""The shifted-clock runs leave out tests that travel the whole clock themselves (tests/conftest.py)."""

from __future__ import annotations

import datetime

import time_machine
from django.test import override_settings

from tests.conftest import travels

DAY = datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC)


def plain() -> None:
    pass


@time_machine.travel(DAY)
def pinned() -> None:
    pass


@override_settings(DEBUG=True)
@time_machine.travel(DAY, tick=True)
def pinned_under_another_decorator() -> None:
    pass


@override_settings(DEBUG=True)
def other_decorator_only() -> None:
    with time_machine.travel(DAY):  # travels in its body: says so with the marker itself
        pass


def test_a_function_wrapped_by_travel_is_found_under_other_decorators() -> None:
    assert travels(pinned) and travels(pinned_under_another_decorator)
    assert not travels(plain) and not travels(other_decorator_only) and not travels(None)
