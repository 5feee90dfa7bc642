"""The shifted-clock runs: tests that travel the whole clock themselves are left out, and each test runs
at one of the two days (tests/conftest.py, ./dev test-dates)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import override_settings

from tests.conftest import shard, share_of, travels

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


def test_the_shares_split_the_tests_in_halves_the_same_way_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = [f"tests/x/test_{n % 7}.py::test_{n}" for n in range(400)]
    halves = [{i for i in ids if share_of(i, 2) == k} for k in (0, 1)]
    assert halves[0] | halves[1] == set(ids) and not halves[0] & halves[1]
    assert 150 < len(halves[0]) < 250  # about half each
    assert [share_of(i, 2) for i in ids] == [share_of(i, 2) for i in ids]
    monkeypatch.setenv("GONGKAI_TEST_SHARD", "1/2")
    assert shard() == (1, 2)
    monkeypatch.setenv("GONGKAI_TEST_SHARD", "")
    assert shard() is None
    for wrong in ("2/2", "x", "1/0", "-1/2"):
        monkeypatch.setenv("GONGKAI_TEST_SHARD", wrong)
        with pytest.raises(pytest.UsageError, match="I/N"):
            shard()
