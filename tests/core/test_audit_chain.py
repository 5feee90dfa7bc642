"""The tamper-evident audit chain (issue 12, 安全审计): every event links to the one before it, per day;
``gongkai audit verify`` proves it or names the first broken link; concurrent writers never fork it."""

from __future__ import annotations

import datetime
import random
import threading
import time
import zoneinfo
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.core import auditchain, auditverify
from gongkai.core.audit import record_audit
from gongkai.core.models import AuditChainHead, AuditEvent
from tests.conftest import Tree, make_user

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY1 = datetime.datetime(2026, 3, 2, 23, 50, tzinfo=SHANGHAI)
DAY2 = datetime.datetime(2026, 3, 3, 0, 10, tzinfo=SHANGHAI)


def verify_output(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def broken_message(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", *args, stdout=StringIO())
    assert raised.value.returncode == 1
    return str(raised.value)


def raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


@pytest.fixture
def agencies() -> tuple[Agency, Agency]:
    a = Agency.objects.create(name="甲机关", short_code="chain-a", kind=AgencyKind.OTHER)
    b = Agency.objects.create(name="乙机关", short_code="chain-b", kind=AgencyKind.OTHER)
    return a, b


@pytest.fixture
def two_days(agencies: tuple[Agency, Agency]) -> list[AuditEvent]:
    """Three events late on 2 March and two early on 3 March (Beijing time), the first of the chain."""
    user = make_user("chain")
    events = []
    with time_machine.travel(DAY1, tick=False):
        for n in range(3):
            events.append(record_audit(user, "agency.checked", agencies[0], n=n))
    with time_machine.travel(DAY2, tick=False):
        for n in range(2):
            events.append(
                record_audit(user, "agency.checked", agencies[1], n=n, on=datetime.date(2026, 3, 3))
            )
    return events


@pytest.mark.django_db
def test_each_event_links_to_the_one_before_in_a_chain_of_days(two_days: list[AuditEvent]) -> None:
    chain = list(AuditEvent.objects.order_by("chain_day", "sequence"))
    assert [e.pk for e in chain] == [e.pk for e in two_days]
    assert [(e.chain_day, e.sequence) for e in chain] == [
        (datetime.date(2026, 3, 2), 1),
        (datetime.date(2026, 3, 2), 2),
        (datetime.date(2026, 3, 2), 3),
        (datetime.date(2026, 3, 3), 1),
        (datetime.date(2026, 3, 3), 2),
    ]
    assert chain[0].prev_hash == auditchain.GENESIS
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash  # the day's first event links to the day before's last
    for event in chain:
        assert event.hash == auditchain.event_hash(event)  # recomputed from what was read back
    head = AuditChainHead.objects.get()
    assert (head.day, head.sequence, head.last_hash) == (datetime.date(2026, 3, 3), 2, two_days[-1].hash)
    assert "审计链完整" in verify_output()
    assert "审计链完整" in verify_output("--from", "2026-03-03", "--to", "2026-03-03")


@pytest.mark.django_db
def test_an_altered_row_is_named(two_days: list[AuditEvent]) -> None:
    target = two_days[1]
    raw("UPDATE core_auditevent SET details = %s WHERE id = %s", '{"n": 7}', target.pk)
    message = broken_message()
    assert f"事件 {target.pk}（" in message
    assert "2026-03-02 #" in message
    # The time as the audit log's pages show it: Beijing time, no ISO "T" or offset.
    assert f"时间 {timezone.localtime(target.created_at):%Y-%m-%d %H:%M:%S}，" in message
    assert "被改动" in message
    # The days after the change still verify on their own; a range including it does not.
    assert "审计链完整" in verify_output("--from", "2026-03-03")
    assert f"事件 {target.pk}（" in broken_message("--to", "2026-03-02")


@pytest.mark.django_db
def test_a_changed_actor_or_agency_is_named(
    two_days: list[AuditEvent], agencies: tuple[Agency, Agency]
) -> None:
    target = two_days[3]
    raw("UPDATE core_auditevent SET agency_id = %s WHERE id = %s", agencies[0].pk, target.pk)
    assert "所属机关" in broken_message()


@pytest.mark.django_db
def test_a_deleted_row_breaks_the_link_of_the_next(two_days: list[AuditEvent]) -> None:
    raw("DELETE FROM core_auditevent WHERE id = %s", two_days[1].pk)
    message = broken_message()
    assert f"事件 {two_days[2].pk}（" in message


@pytest.mark.django_db
def test_a_deleted_last_row_is_seen_against_the_chain_head(two_days: list[AuditEvent]) -> None:
    raw("DELETE FROM core_auditevent WHERE id = %s", two_days[-1].pk)
    message = broken_message()
    assert "链尾" in message


@pytest.mark.django_db
def test_a_recomputed_hash_still_breaks_the_next_link(two_days: list[AuditEvent]) -> None:
    target = two_days[0]
    target.object_repr = "伪造"
    forged = auditchain.event_hash(target)
    raw("UPDATE core_auditevent SET object_repr = %s, hash = %s WHERE id = %s", "伪造", forged, target.pk)
    assert f"事件 {two_days[1].pk}（" in broken_message()


@pytest.mark.django_db
def test_a_bad_day_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit", "verify", "--from", "2026-13-01", stdout=StringIO())


@pytest.mark.django_db
def test_a_rolled_back_event_leaves_the_chain_whole(tree: Tree) -> None:
    record_audit(None, "agency.checked", tree.city)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_audit(None, "agency.checked", tree.city)
        raise RuntimeError("the write it records failed")
    record_audit(None, "agency.checked", tree.city)
    assert auditverify.verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    """Threads (one database connection each) append at once. On PostgreSQL they queue on the chain head's
    row lock; SQLite allows one writer at a time and answers "locked" to the others, who try again (a real
    SQLite site waits instead)."""
    threads_count, per_thread = 6, 8
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []
    written: list[int] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                for _attempt in range(2000):
                    try:
                        with transaction.atomic():
                            event = record_audit(None, "test.concurrent", thread=n, i=i)
                        break
                    except OperationalError as exc:
                        if "locked" not in str(exc):
                            raise
                        time.sleep(random.uniform(0.001, 0.01))
                else:
                    raise AssertionError("never got the database")
                with lock:
                    written.append(event.pk)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(written) == threads_count * per_thread
    events = list(AuditEvent.objects.filter(action="test.concurrent").order_by("chain_day", "sequence"))
    assert len(events) == threads_count * per_thread
    positions = [(e.chain_day, e.sequence) for e in AuditEvent.objects.all()]
    assert len(positions) == len(set(positions))
    result = auditverify.verify()
    assert result.ok, result.broken and result.broken.describe()


@pytest.mark.django_db
def test_the_migration_chains_the_events_recorded_before_the_chain() -> None:
    """Events written before the chain existed (here: bulk-inserted, which bypasses record_audit) are
    unchained, which verify names; the data migration chains them in the order they were recorded."""
    import importlib

    from django.db.migrations.loader import MigrationLoader

    with time_machine.travel(DAY1, tick=False):
        AuditEvent.objects.bulk_create(
            [AuditEvent(action="agency.checked", details={"n": n}, actor_label="old") for n in range(3)]
        )
    assert "不在审计链中" in broken_message()
    migration = importlib.import_module("gongkai.core.migrations.0006_chain_existing_audit_events")
    state = MigrationLoader(connection).project_state(("core", "0006_chain_existing_audit_events"))
    migration.chain_existing(state.apps, None)
    assert [(e.chain_day, e.sequence) for e in AuditEvent.objects.order_by("id")] == [
        (datetime.date(2026, 3, 2), n) for n in (1, 2, 3)
    ]
    assert "审计链完整" in verify_output()
    # New events continue the chain.
    record_audit(None, "agency.checked")
    assert "审计链完整" in verify_output()
