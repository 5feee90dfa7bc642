"""The run's order and CI's selections (tests/conftest.py): the ``processes`` tests first among the tests
without the database, and ``own_database`` refused on a test that uses the test database."""

from __future__ import annotations

from typing import Any, cast

import pytest

from tests.conftest import _ProcessesFirst, pytest_collection_modifyitems, uses_the_test_database


class Item:
    """What the hooks read of a collected test: its id, fixtures and marks."""

    def __init__(self, nodeid: str, fixtures: tuple[str, ...] = (), marks: tuple[str, ...] = ()) -> None:
        self.nodeid = nodeid
        self.fixturenames = list(fixtures)
        self.marks = set(marks)
        self.obj = None

    def get_closest_marker(self, name: str) -> Any:
        return pytest.Mark(name, (), {}, _ispytest=True) if name in self.marks else None


def ordered(items: list[Item]) -> list[str]:
    as_items = cast(list[pytest.Item], items)
    _ProcessesFirst().pytest_collection_modifyitems(as_items)
    return [item.nodeid for item in as_items]


def test_processes_tests_come_first_among_the_tests_without_the_database() -> None:
    items = [
        Item("db-1", fixtures=("db",)),
        Item("db-2", marks=("django_db",)),
        Item("flushing", fixtures=("transactional_db",)),
        Item("quick-1"),
        Item("served-site", marks=("processes",)),
        Item("quick-2", fixtures=("tmp_path",)),
        Item("commands", marks=("processes",)),
    ]
    assert ordered(items) == ["db-1", "db-2", "flushing", "served-site", "commands", "quick-1", "quick-2"]


def test_database_tests_keep_their_places_even_when_they_run_processes() -> None:
    items = [
        Item("db-1", fixtures=("db",)),
        Item("backup", fixtures=("db",), marks=("processes",)),
        Item("quick"),
        Item("live", fixtures=("live_server",)),
        Item("fuzzer", marks=("processes",)),
    ]
    # Nothing after the last database test but the fuzzer: the order is the collected one.
    assert ordered(items) == ["db-1", "backup", "quick", "live", "fuzzer"]


def test_own_database_is_refused_on_a_test_that_uses_the_test_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GONGKAI_TEST_SHARD", raising=False)
    fine = [Item("served-site", fixtures=("tmp_path",), marks=("own_database", "processes"))]
    pytest_collection_modifyitems(cast(pytest.Config, None), cast(list[pytest.Item], fine))
    for fixtures, marks in [(("db",), ()), (("django_db_setup",), ()), ((), ("django_db",))]:
        wrong = Item("uses-db", fixtures=fixtures, marks=("own_database", *marks))
        assert uses_the_test_database(cast(pytest.Item, wrong))
        with pytest.raises(pytest.UsageError, match="own_database"):
            pytest_collection_modifyitems(cast(pytest.Config, None), cast(list[pytest.Item], [wrong]))
