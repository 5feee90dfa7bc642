from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.core.models import NumberSeries
from gongkai.letters.models import AgencyLetterSettings
from gongkai.letters.numbering import next_letter_number, number_prefix
from tests.conftest import Tree


def test_numbers_are_sequential_per_agency_and_year(tree: Tree) -> None:
    assert next_letter_number(tree.county_a, 2026) == (1, "甲县人民政府依申请公开〔2026〕1号")
    assert next_letter_number(tree.county_a, 2026) == (2, "甲县人民政府依申请公开〔2026〕2号")
    assert next_letter_number(tree.county_a, 2027) == (1, "甲县人民政府依申请公开〔2027〕1号")
    assert next_letter_number(tree.county_b, 2026) == (1, "乙县人民政府依申请公开〔2026〕1号")
    assert next_letter_number(tree.county_a, 2026)[0] == 3
    assert NumberSeries.objects.get(name="letter", agency=tree.county_a, year=2026).last == 3


def test_the_prefix_comes_from_the_settings(tree: Tree) -> None:
    assert number_prefix(tree.county_a) == "甲县人民政府依申请公开"
    AgencyLetterSettings.objects.create(agency=tree.county_a, number_prefix="  县政府办依申公 ")
    assert next_letter_number(tree.county_a, 2026) == (1, "县政府办依申公〔2026〕1号")
    AgencyLetterSettings.objects.filter(agency=tree.county_a).update(number_prefix="")
    assert next_letter_number(tree.county_a, 2026) == (2, "甲县人民政府依申请公开〔2026〕2号")


def test_a_rolled_back_letter_does_not_take_its_number(tree: Tree) -> None:
    assert next_letter_number(tree.county_a, 2026)[0] == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_letter_number(tree.county_a, 2026)[0] == 2
        raise RuntimeError("the letter could not be issued")
    assert next_letter_number(tree.county_a, 2026)[0] == 2


@pytest.mark.django_db
def test_an_unsaved_agency_is_refused() -> None:
    with pytest.raises(ValueError):
        next_letter_number(Agency(name="未保存", short_code="x", kind=AgencyKind.OTHER), 2026)


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_get_the_same_number() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite allows one writer at a time and its test database is in memory; run on PostgreSQL"
        )
    agency = Agency.objects.create(name="并发测试机关", short_code="concurrent", kind=AgencyKind.OTHER)
    threads_count, per_thread = 8, 10
    barrier = threading.Barrier(threads_count)
    results: list[int] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def work() -> None:
        from django.db import connections

        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():
                    serial, _number = next_letter_number(agency, 2026)
                with lock:
                    results.append(serial)
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == list(range(1, threads_count * per_thread + 1))
    assert (
        NumberSeries.objects.get(name="letter", agency=agency, year=2026).last == threads_count * per_thread
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_numbers_of_a_new_year() -> None:
    """The series row does not exist yet: concurrent get_or_create must not fail or duplicate."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite allows one writer at a time and its test database is in memory; run on PostgreSQL"
        )
    agency = Agency.objects.create(name="新年度机关", short_code="new-year", kind=AgencyKind.OTHER)
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results: list[int] = []
    errors: list[Exception] = []

    def work() -> None:
        from django.db import connections

        try:
            barrier.wait()
            results.append(next_letter_number(agency, 2030)[0])
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == list(range(1, threads_count + 1))
