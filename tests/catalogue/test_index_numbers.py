"""Index numbers (索引号): formats, defaults, the yearly serial, issue at publication, concurrency."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction

from gongkai.agencies.models import Agency, AgencyKind, Role
from gongkai.agencies.services import add_membership
from gongkai.catalogue import content, index_numbers, services
from gongkai.catalogue.index_numbers import Pattern
from gongkai.catalogue.models import IndexPattern, Item, Status
from gongkai.core.models import NumberSeries
from tests.catalogue.conftest import TODAY, Advance, MakeItem, People, item_data, pin

USCC = "11370812004339255B"  # 兖州区政府办 (regulation.md §5.1)


# --- Formats (pure) ---------------------------------------------------------------------------


def test_the_national_form() -> None:
    assert Pattern("000014349").format(datetime.date(2018, 3, 9), 222) == "000014349/2018-00222"
    assert Pattern(USCC).format(datetime.date(2020, 1, 2), 22849) == "11370812004339255B/2020-22849"


def test_year_month_and_other_separators_and_widths() -> None:
    pattern = Pattern("11341702486344515H", "/", index_numbers.YEAR_MONTH, 5)
    assert pattern.format(datetime.date(2021, 10, 8), 13) == "11341702486344515H/202110-00013"
    assert Pattern("01527918X", "-", width=6).format(datetime.date(2020, 5, 1), 3) == "01527918X-2020-000003"
    assert Pattern("6107280000", "/", width=6).example(datetime.date(2024, 1, 1)) == "6107280000/2024-000001"


def test_a_serial_beyond_the_width_grows_a_digit() -> None:
    assert Pattern("X", width=3).format(datetime.date(2026, 1, 1), 1000) == "X/2026-1000"
    with pytest.raises(ValueError):
        Pattern("X").format(datetime.date(2026, 1, 1), 0)


def test_the_org_code_is_characters_9_to_17_of_the_uscc() -> None:
    assert index_numbers.org_code_from_uscc(USCC) == "004339255"
    assert index_numbers.org_code_from_uscc(" 11341702486344515h ") == "486344515"
    with pytest.raises(ValueError):
        index_numbers.org_code_from_uscc("12345")


# --- Patterns of agencies ----------------------------------------------------------------------


def _agency(short_code: str, uscc: str = "") -> Agency:
    return Agency.objects.create(
        name=f"机关{short_code}", short_code=short_code, uscc=uscc, kind=AgencyKind.OTHER
    )


@pytest.mark.django_db
def test_defaults_without_a_pattern() -> None:
    with_uscc = _agency("with-uscc", USCC)
    without = _agency("county-x-finance")
    assert index_numbers.pattern_for(with_uscc) == Pattern("004339255", "/", "year", 5)
    assert index_numbers.pattern_for(without) == Pattern("COUNTY-X-FINANCE", "/", "year", 5)


@pytest.mark.django_db
def test_stored_patterns() -> None:
    agency = _agency("stored", USCC)
    stored = IndexPattern.objects.create(agency=agency, prefix=IndexPattern.Prefix.USCC, period="year_month")
    assert index_numbers.pattern_for(agency) == Pattern(USCC, "/", "year_month", 5)
    stored.prefix, stored.custom_prefix, stored.separator, stored.serial_width = "custom", " 0106 ", "-", 6
    stored.save()
    assert index_numbers.pattern_for(agency) == Pattern("0106", "-", "year_month", 6)
    # A custom prefix left empty, or the USCC form without a USCC, fall back to the default prefix.
    stored.custom_prefix = ""
    stored.save()
    assert index_numbers.pattern_for(agency).prefix == "004339255"
    no_uscc = _agency("no-uscc")
    IndexPattern.objects.create(agency=no_uscc, prefix=IndexPattern.Prefix.USCC)
    assert index_numbers.pattern_for(no_uscc).prefix == "NO-USCC"


@pytest.mark.django_db
def test_one_series_per_agency_and_year() -> None:
    a, b = _agency("a", USCC), _agency("b")
    assert index_numbers.issue(a, datetime.date(2026, 1, 5)) == "004339255/2026-00001"
    assert index_numbers.issue(a, datetime.date(2026, 12, 31)) == "004339255/2026-00002"
    assert index_numbers.issue(b, datetime.date(2026, 3, 1)) == "B/2026-00001"
    assert index_numbers.issue(a, datetime.date(2027, 1, 4)) == "004339255/2027-00001"
    # The year-month form counts on in the same yearly series.
    IndexPattern.objects.create(agency=a, period="year_month")
    assert index_numbers.issue(a, datetime.date(2026, 7, 1)) == "004339255/202607-00003"
    assert NumberSeries.objects.get(name="index", agency=a, year=2026).last == 3


@pytest.mark.django_db
def test_a_number_taken_already_is_skipped_not_reused() -> None:
    a, b = _agency("a"), _agency("b")
    IndexPattern.objects.create(agency=b, prefix="custom", custom_prefix="A")  # collides with a's
    assert index_numbers.issue(a, datetime.date(2026, 1, 5)) == "A/2026-00001"
    Item.objects.create(
        agency=a, title="x", written_on=datetime.date(2026, 1, 1), index_number="A/2026-00001"
    )
    assert index_numbers.issue(b, datetime.date(2026, 1, 5)) == "A/2026-00002"


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate() -> None:
    agency = _agency("dup")
    Item.objects.create(agency=agency, title="一", written_on=TODAY, index_number="DUP/2026-00001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(agency=agency, title="二", written_on=TODAY, index_number="DUP/2026-00001")


# --- Issued at publication ---------------------------------------------------------------------


def test_issued_at_publication_kept_after_withdrawal_never_reused(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    people.agency.uscc = USCC
    people.agency.save()
    first = make_item()
    assert first.index_number is None
    first = move(first, Status.APPROVED)
    assert first.index_number is None
    first = services.publish(actor=people.officer, item=first)
    assert first.index_number == "004339255/2026-00001"
    assert first.published_on == TODAY
    second = move(make_item(title="第二条"), Status.PUBLISHED)
    assert second.index_number == "004339255/2026-00002"
    first = services.withdraw(actor=people.officer, item=first, reason="内容有误。")
    first.refresh_from_db()
    assert first.index_number == "004339255/2026-00001" and first.status == Status.WITHDRAWN
    with pytest.raises(content.CatalogueError, match="撤回的条目不能重新发布"):
        services.publish(actor=people.officer, item=first)
    third = move(make_item(title="更正后重新发布"), Status.PUBLISHED)
    assert third.index_number == "004339255/2026-00003"


def test_a_failed_publication_does_not_use_up_a_number(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    item = move(make_item(body="<p>联系电话 13812345678</p>"), Status.APPROVED)
    with pytest.raises(content.CatalogueError):
        services.publish(actor=people.officer, item=item)  # hits, no override
    assert not NumberSeries.objects.filter(name="index").exists()
    item = services.publish(actor=people.officer, item=item, override_reason="本局对外公布的办公电话。")
    assert item.index_number == "COUNTY-A-FINANCE/2026-00001"


def test_the_year_is_the_publication_year(
    people: People, make_item: MakeItem, move: Advance, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = move(make_item(written_on=datetime.date(2025, 12, 30)), Status.APPROVED)
    pin(monkeypatch, datetime.date(2026, 1, 5))
    item = services.publish(actor=people.officer, item=item)
    assert item.index_number == "COUNTY-A-FINANCE/2026-00001"
    assert item.published_on == datetime.date(2026, 1, 5)


# --- Concurrency (PostgreSQL) ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_officers_publishing_at_the_same_moment_get_distinct_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite allows one writer at a time and its test database is in memory; run on PostgreSQL"
        )
    pin(monkeypatch, TODAY)
    agency = _agency("concurrent", USCC)
    officers = []
    for n in range(6):
        officer = User.objects.create_user(f"officer{n}")
        add_membership(actor=None, user=officer, agency=agency, role=Role.INFORMATION_OFFICER)
        officers.append(officer)
    superuser = User.objects.create_superuser("root", password=None)
    per_officer = 4
    items: list[list[Item]] = []
    for officer in officers:
        mine = []
        for n in range(per_officer):
            item = services.create_draft(
                actor=officer, agency=agency, data=item_data(title=f"条目{officer.pk}-{n}")
            )
            for step in ("submit", "review_pass", "approve"):
                item = services.perform(actor=superuser, item=item, action=step)
            mine.append(item)
        items.append(mine)
    barrier = threading.Barrier(len(officers))
    errors: list[Exception] = []

    def work(officer: User, mine: list[Item]) -> None:
        from django.db import connections

        try:
            barrier.wait()
            for item in mine:
                services.publish(actor=officer, item=item)
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(o, m)) for o, m in zip(officers, items, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbers = sorted(
        str(n) for n in Item.objects.filter(agency=agency).values_list("index_number", flat=True)
    )
    total = len(officers) * per_officer
    assert numbers == [f"004339255/2026-{n:05d}" for n in range(1, total + 1)]
    assert Item.objects.filter(agency=agency, status=Status.PUBLISHED).count() == total


@pytest.mark.django_db(transaction=True)
def test_two_officers_publishing_the_same_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The row lock serialises them: one publishes, the other is told it is published already."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite allows one writer at a time and its test database is in memory; run on PostgreSQL"
        )
    pin(monkeypatch, TODAY)
    agency = _agency("same-entry")
    superuser = User.objects.create_superuser("root", password=None)
    officers = []
    for n in range(2):
        officer = User.objects.create_user(f"same{n}")
        add_membership(actor=None, user=officer, agency=agency, role=Role.INFORMATION_OFFICER)
        officers.append(officer)
    item = services.create_draft(actor=officers[0], agency=agency, data=item_data())
    for step in ("submit", "review_pass", "approve"):
        item = services.perform(actor=superuser, item=item, action=step)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def work(officer: User) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.publish(actor=officer, item=item)
            outcomes.append("published")
        except content.CatalogueError as exc:
            outcomes.append(str(exc.code))
        except Exception as exc:  # reported by the main thread
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["not_allowed", "published"]
    item.refresh_from_db()
    assert item.index_number == "SAME-ENTRY/2026-00001"
    assert NumberSeries.objects.get(name="index", agency=agency, year=2026).last == 1
