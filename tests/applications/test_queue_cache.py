"""The officer queue's cached head and body (gongkai.applications.queue_cache, D52): never stale.

The version is kept by database triggers (migration applications.0017): every statement that writes a table
the queue reads increments it in its own transaction, whoever the writer is (a service, a bulk update, raw
SQL). Then the page: a hit is the page as made, and every kind of change shows on the next request.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import Agency, ExtensionConsent, Membership, Role, SignOffPolicy
from gongkai.agencies.services import add_membership
from gongkai.applications import queue_cache, services
from gongkai.applications.models import Application, Approval, ApprovalKind, QueueVersion
from gongkai.workdays.models import CalendarDay, CalendarYear, DayType
from tests.applications.conftest import CaseMaker, Staff

#: A Monday in a built-in calendar year.
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def version() -> int:
    found = queue_cache.current_version()
    assert found is not None
    return found


def page(client: Client, url: str = "/cases/?state=all") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def references(html: str) -> list[str]:
    return re.findall(r'<td><a href="/cases/\d+/">([^<]+)</a></td>', html)


def cases_read(client: Client, url: str = "/cases/?state=all") -> bool:
    """Whether asking ``url`` read the cases table (made), or not (from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return any('"applications_application"' in q["sql"] for q in queries.captured_queries)


# --- The version: every writer of every table the queue reads -----------------------------------


def _writes(staff: Staff, make_case: CaseMaker) -> dict[str, Callable[[], object]]:
    case = make_case(arrived_on=TODAY, serial=1)
    bare = Application.objects.bulk_create(
        [Application(agency=staff.agency, reference="X-1", arrived_at=case.arrived_at)]
    )[0]
    Approval.objects.create(application=case, kind=ApprovalKind.ANSWER, submitted_by=staff.officer, data={})
    year = CalendarYear.objects.create(year=2090, source="测试")
    CalendarDay.objects.create(calendar_year=year, date=datetime.date(2090, 1, 2), type=DayType.HOLIDAY)
    table = Application._meta.db_table
    return {
        "case saved": lambda: case.save(),
        "cases updated in bulk": lambda: Application.objects.filter(pk=case.pk).update(description="改"),
        "case written with raw SQL": lambda: connection.cursor().execute(
            f"UPDATE {connection.ops.quote_name(table)} SET reference = reference WHERE id = %s", [case.pk]
        ),
        "case registered": lambda: make_case(arrived_on=TODAY, serial=2),
        "case deleted": lambda: Application.objects.filter(pk=bare.pk).delete(),
        "approval written": lambda: Approval.objects.create(
            application=bare, kind=ApprovalKind.EXTENSION, submitted_by=staff.officer, data={}
        ),
        "approvals updated in bulk": lambda: Approval.objects.filter(application=case).update(data={}),
        "agency renamed": lambda: Agency.objects.filter(pk=staff.agency.pk).update(name="改名局"),
        "membership added": lambda: Membership.objects.create(
            user=staff.officer, agency=staff.other_agency, role=Role.INFORMATION_OFFICER
        ),
        "membership removed": lambda: Membership.objects.filter(user=staff.head).delete(),
        "calendar year updated": lambda: CalendarYear.objects.filter(pk=year.pk).update(source="改"),
        "calendar day added": lambda: CalendarDay.objects.create(
            calendar_year=year, date=datetime.date(2090, 6, 3), type=DayType.HOLIDAY, name="测试"
        ),
        "calendar days deleted": lambda: CalendarDay.objects.filter(calendar_year=year).delete(),
    }


WRITES = [
    "case saved",
    "cases updated in bulk",
    "case written with raw SQL",
    "case registered",
    "case deleted",
    "approval written",
    "approvals updated in bulk",
    "agency renamed",
    "membership added",
    "membership removed",
    "calendar year updated",
    "calendar day added",
    "calendar days deleted",
]


@pytest.mark.parametrize("write", WRITES)
def test_every_write_of_a_table_the_queue_reads_bumps_the_version(
    staff: Staff, make_case: CaseMaker, write: str
) -> None:
    writes = _writes(staff, make_case)
    assert sorted(writes) == sorted(WRITES)
    before = version()
    with transaction.atomic():
        writes[write]()
        inside = version()  # the same transaction sees its own bump
    assert inside > before
    assert version() == inside


@pytest.mark.parametrize("write", ["case saved", "agency renamed", "calendar day added"])
def test_a_rolled_back_write_leaves_the_version(staff: Staff, make_case: CaseMaker, write: str) -> None:
    writes = _writes(staff, make_case)
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        writes[write]()
        raise RuntimeError
    assert version() == before


def test_without_the_version_row_nothing_is_cached(staff: Staff, make_case: CaseMaker) -> None:
    make_case(arrived_on=TODAY, serial=1)
    QueueVersion.objects.all().delete()
    client = client_for(staff.officer)
    assert cases_read(client) and cases_read(client)


# --- The page: a hit is the page as made; every change shows at once ---------------------------


def test_a_hit_is_the_page_as_made(staff: Staff, make_case: CaseMaker, settings: Any) -> None:
    for serial in range(1, 4):
        make_case(arrived_on=TODAY - datetime.timedelta(days=serial * 20), serial=serial)
    client = client_for(staff.supervisor)
    urls = [
        "/cases/",
        "/cases/?state=all",
        "/cases/?state=overdue&q=张",
        "/cases/?q=张&state=overdue",  # the links keep the order: another key
        "/cases/?year=x",
        "/cases/?page=9",
    ]
    made = {url: page(client, url) for url in urls}
    assert all(not cases_read(client, url) for url in urls)  # now from the cache
    assert {url: page(client, url) for url in urls} == made
    settings.GONGKAI_QUEUE_CACHE = False
    assert {url: page(client, url) for url in urls} == made
    assert cases_read(client, "/cases/")


def test_the_language_and_the_user_are_in_the_key(staff: Staff, make_case: CaseMaker) -> None:
    mine = make_case(arrived_on=TODAY, serial=1)
    officer = client_for(staff.officer)
    chinese = page(officer)
    officer.cookies["django_language"] = "en"
    english = page(officer)
    assert chinese != english and 'lang="en"' in english
    assert references(english) == references(chinese) == [mine.reference]
    # Another agency's officer asks the same URL: their own (empty) queue, not the cached one.
    assert references(page(client_for(staff.other_officer))) == []


def test_a_new_case_an_answer_and_a_bulk_update_show_at_once(staff: Staff, make_case: CaseMaker) -> None:
    client = client_for(staff.officer)
    first = make_case(arrived_on=TODAY, serial=1)
    assert references(page(client, "/cases/")) == [first.reference]
    second = make_case(arrived_on=TODAY - datetime.timedelta(days=1), serial=2)
    assert sorted(references(page(client, "/cases/"))) == sorted([first.reference, second.reference])
    services.answer(
        actor=staff.officer, application=second, on=TODAY, outcome="granted", how_to_obtain="邮寄纸质文本。"
    )
    assert references(page(client, "/cases/")) == [first.reference]
    Application.objects.filter(pk=first.pk).update(reference="外部-1")  # a writer outside the services
    assert references(page(client, "/cases/")) == ["外部-1"]


def test_an_approval_shows_at_once(staff: Staff, make_case: CaseMaker) -> None:
    SignOffPolicy.objects.update_or_create(
        agency=staff.agency, defaults={"extensions": ExtensionConsent.IN_SYSTEM}
    )
    case = make_case(arrived_on=TODAY, serial=1)
    client = client_for(staff.officer)
    assert "case-flag--approval" not in page(client)
    services.submit_extension(actor=staff.officer, application=case, reason="需要较长时间检索。")
    assert "case-flag--approval" in page(client)


def test_an_agency_renamed_shows_at_once(staff: Staff, make_case: CaseMaker) -> None:
    make_case(arrived_on=TODAY, serial=1)
    client = client_for(staff.supervisor)  # sees the county's agencies: the rows name them
    assert staff.agency.name in page(client)
    Agency.objects.filter(pk=staff.agency.pk).update(name="新名称财政局")
    html = page(client)
    assert "新名称财政局" in html


def test_a_new_seat_shows_at_once(staff: Staff, make_case: CaseMaker) -> None:
    theirs = make_case(arrived_on=TODAY, serial=1, agency=staff.other_agency, actor=staff.other_officer)
    client = client_for(staff.officer)
    assert references(page(client)) == []
    add_membership(actor=None, user=staff.officer, agency=staff.other_agency, role=Role.INFORMATION_OFFICER)
    assert references(page(client)) == [theirs.reference]
    Membership.objects.filter(user=staff.officer, agency=staff.other_agency).delete()
    assert references(page(client)) == []


def test_tomorrow_and_a_calendar_change_show_at_once(
    staff: Staff, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]
) -> None:
    case = make_case(arrived_on=TODAY - datetime.timedelta(days=20), serial=1)
    assert case.due_date is not None
    client = client_for(staff.officer)
    pin_today(case.due_date)
    on_the_day = page(client)
    assert "case-flag--overdue" not in on_the_day
    pin_today(case.due_date + datetime.timedelta(days=1))
    assert "case-flag--overdue" in page(client)
    # A calendar change (another process's load) changes the working days left.
    pin_today(TODAY)
    before = page(client)
    year = CalendarYear.objects.filter(year=TODAY.year).first() or CalendarYear.objects.create(
        year=TODAY.year, source="测试"
    )
    CalendarDay.objects.create(
        calendar_year=year, date=datetime.date(2026, 6, 2), type=DayType.HOLIDAY, name="测试"
    )
    CalendarYear.objects.filter(pk=year.pk).update(revision=year.revision + 1)
    assert page(client) != before


def test_a_user_who_lost_every_seat_sees_nothing_cached(staff: Staff, make_case: CaseMaker) -> None:
    make_case(arrived_on=TODAY, serial=1)
    client = client_for(staff.officer)
    assert references(page(client))
    Membership.objects.filter(user=staff.officer).delete()
    response = client.get("/cases/?state=all")
    assert not references(response.content.decode())


def test_a_superuser_and_an_inactive_user(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=TODAY, serial=1)
    root = client_for(staff.superuser)
    assert case.reference in references(page(root))
    User.objects.filter(pk=staff.officer.pk).update(is_active=False)
    assert client_for(staff.officer).get("/cases/").status_code == 302


def test_a_restore_moves_the_version_past_any_before(db: None) -> None:
    """A shared cache may hold fragments of the replaced database: after a restore no old number is reached
    again (``gongkai restore`` sends ``restored`` in its transaction)."""
    from gongkai.core.backup import restored

    before = version()
    with transaction.atomic():
        restored.send(sender=None, vendor=connection.vendor)
    after = version()
    assert after > before and after >= 1_700_000_000
    QueueVersion.objects.all().delete()
    restored.send(sender=None, vendor=connection.vendor)
    assert version() >= after


# --- The triggers themselves: made after every migrate; on PostgreSQL, at COMMIT and without waits ----


@pytest.mark.django_db
def test_every_trigger_is_there_and_a_lost_one_is_made_again_after_migrate() -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table; ``post_migrate`` makes any
    missing one again (``queue_triggers.ensure``)."""
    from django.apps import apps as registry
    from django.db.models.signals import post_migrate

    from gongkai.applications import queue_triggers

    assert queue_triggers.missing(connection, registry.get_model) == []
    lost = queue_triggers.trigger_names(Agency._meta.db_table, connection.vendor)[0]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {quote(lost)} ON {quote(Agency._meta.db_table)}")
        else:
            cursor.execute(f"DROP TRIGGER {quote(lost)}")
    assert queue_triggers.missing(connection, registry.get_model) == [lost]
    post_migrate.send(
        sender=registry.get_app_config("applications"),
        app_config=registry.get_app_config("applications"),
        verbosity=0,
        interactive=False,
        using=connection.alias,
        apps=registry,
        plan=[],
    )
    assert queue_triggers.missing(connection, registry.get_model) == []


def _agency(name: str, code: str) -> Agency:
    from gongkai.agencies.models import AgencyKind

    return Agency.objects.create(name=name, short_code=code, kind=AgencyKind.OTHER)


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_version_moves_once_at_commit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: its triggers increment at each row")
    QueueVersion.objects.update_or_create(pk=QueueVersion.SINGLETON, defaults={"version": 5})
    agency = _agency("甲县测试局", "test-qv")
    assert version() == 6
    with transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(name="甲县测试局一")
        Agency.objects.filter(pk=agency.pk).update(name="甲县测试局二")
        assert version() == 6  # not before COMMIT: nothing is locked for the rest of the transaction
    assert version() == 7  # once, however many writes


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_writers_do_not_wait_on_each_other_through_the_version() -> None:
    """The review's deadlock: a transaction wrote a watched table, then waited for a lock another held
    (the audit chain's head, say) while that other wrote a watched table and waited for the version's row.
    Taken at COMMIT, the version's lock is always the last one a transaction asks for."""
    import threading
    import time

    from django.db import connections as all_connections

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's row locks")
    QueueVersion.objects.update_or_create(pk=QueueVersion.SINGLETON, defaults={"version": 0})
    first = _agency("甲县测试局甲", "test-qa")
    second = _agency("甲县测试局乙", "test-qb")
    other = User.objects.create(username="lock-holder")
    holding = threading.Event()
    errors: list[BaseException] = []

    def holder() -> None:  # holds a lock (the user's row), then writes a watched table and commits
        try:
            with transaction.atomic():
                list(User.objects.select_for_update().filter(pk=other.pk))
                holding.set()
                time.sleep(0.5)  # the other transaction is waiting for the user's row by now
                Agency.objects.filter(pk=second.pk).update(name="甲县测试局乙改")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            all_connections.close_all()

    def writer() -> None:  # writes a watched table, then waits for the holder's lock
        try:
            with transaction.atomic():
                Agency.objects.filter(pk=first.pk).update(name="甲县测试局甲改")
                assert holding.wait(10)
                list(User.objects.select_for_update().filter(pk=other.pk))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            all_connections.close_all()

    before = version()
    threads = [threading.Thread(target=holder), threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []  # PostgreSQL found no deadlock
    assert version() == before + 2
    assert set(Agency.objects.filter(pk__in=[first.pk, second.pk]).values_list("name", flat=True)) == {
        "甲县测试局甲改",
        "甲县测试局乙改",
    }


# --- What the cache holds: applicants' names, sealed, apart, deleted when expired or erased -------


def _cache_rows() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM gongkai_queue_cache")
        return list(cursor.fetchall())


@pytest.mark.django_db
def test_the_fragments_are_sealed_in_a_table_of_their_own_and_expired_rows_go(
    staff: Staff, make_case: CaseMaker, settings: Any
) -> None:
    settings.GONGKAI_QUEUE_CACHE = True
    case = make_case(arrived_on=TODAY, serial=1)
    Application.objects.filter(pk=case.pk).update(applicant_name="张三丰")
    client = client_for(staff.officer)
    assert "张三丰" in page(client)
    rows = _cache_rows()
    assert len(rows) == 1
    # the stored value is Django's base64 of a pickle of the sealed text: nothing of the name in it
    import base64
    import pickle

    stored = pickle.loads(base64.b64decode(rows[0][1]))
    assert isinstance(stored, str) and "张三丰" not in stored and case.reference not in stored
    # an expired row is deleted at the next write
    with connection.cursor() as cursor:
        long_ago = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        cursor.execute("UPDATE gongkai_queue_cache SET expires = %s", [long_ago])
    assert cases_read(client, "/cases/?state=all")  # made: the expired row is not served…
    assert len(_cache_rows()) == 1  # …and the new one is the only row left


@pytest.mark.django_db
def test_erasing_personal_data_empties_the_queue_cache(
    staff: Staff, make_case: CaseMaker, django_capture_on_commit_callbacks: Any
) -> None:
    from gongkai.applications.services.retention import erase_personal_data

    case = make_case(arrived_on=TODAY, serial=1)
    page(client_for(staff.officer))
    assert _cache_rows()
    with django_capture_on_commit_callbacks(execute=True):
        erase_personal_data(case, today=TODAY)
    assert _cache_rows() == []
