"""Retention of the audit log (网络安全法 第二十一条): old events go to a signed archive file, verified, then
deleted through the one audited path; what remains still verifies."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import zoneinfo
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from gongkai.core import auditarchive, auditverify
from gongkai.core.audit import record_audit
from gongkai.core.models import AuditEvent
from tests.test_settings import load_settings

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OLD_DAYS = [datetime.datetime(2026, 3, d, 9, tzinfo=SHANGHAI) for d in (2, 3)]
LATER = datetime.datetime(2027, 6, 1, 9, tzinfo=SHANGHAI)


@pytest.fixture
def history() -> list[AuditEvent]:
    """Two old days of events (2 and 3 March 2026) and one a year and a quarter later."""
    events = []
    for moment in OLD_DAYS:
        with time_machine.travel(moment, tick=False):
            events += [record_audit(None, "test.old", n=n, text="旧事件") for n in range(3)]
    with time_machine.travel(LATER, tick=False):
        events.append(record_audit(None, "test.recent"))
    return events


def archive_file(tmp_path: Path) -> Path:
    with time_machine.travel(LATER, tick=False):
        out = StringIO()
        call_command("audit", "archive", "--dir", str(tmp_path), stdout=out)
    assert "已归档并删除 6 个审计事件" in out.getvalue()
    (path,) = tmp_path.glob("*.jsonl")
    return path


@pytest.mark.django_db
def test_the_chains_day_in_progress_stays_and_the_command_says_why(tmp_path: Path) -> None:
    # Only one old day, still the chain's current one: nothing is archived, and the message must not claim
    # that there are no events older than the cutoff (there are: 2 March, before 1 June 2026).
    with time_machine.travel(OLD_DAYS[0], tick=False):
        record_audit(None, "test.old")
    with time_machine.travel(LATER, tick=False):
        out = StringIO()
        call_command("audit", "archive", "--dir", str(tmp_path), stdout=out)
    assert "早于 2026-06-01 的事件都属于审计链当前的一天（2026-03-02）" in out.getvalue()
    assert AuditEvent.objects.filter(action="test.old").count() == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_old_events_are_archived_verified_and_deleted_and_the_rest_still_verifies(
    history: list[AuditEvent], tmp_path: Path
) -> None:
    path = archive_file(tmp_path)
    assert list(AuditEvent.objects.filter(action="test.old")) == []
    archived = AuditEvent.objects.get(action="audit.archived")
    assert archived.details["count"] == 6
    assert (archived.details["first_day"], archived.details["last_day"]) == ("2026-03-02", "2026-03-03")
    assert archived.details["last_hash"] == history[5].hash
    assert archived.details["file"] == path.name
    # The first event kept links to the archive's last hash, and the chain still proves.
    assert AuditEvent.objects.get(action="test.recent").prev_hash == history[5].hash
    assert auditverify.verify().ok
    out = StringIO()
    call_command("audit", "verify-archive", str(path), stdout=out)
    assert "6 个事件" in out.getvalue()
    lines = path.read_bytes().splitlines()
    assert json.loads(lines[0])["count"] == 6
    assert [json.loads(line)["id"] for line in lines[1:-1]] == [e.pk for e in history[:6]]
    # Nothing more to archive the next time.
    with time_machine.travel(LATER, tick=False):
        assert auditarchive.archive(today=LATER.date(), directory=tmp_path) is None


@pytest.mark.django_db
def test_events_within_the_retention_are_kept(history: list[AuditEvent], tmp_path: Path) -> None:
    with override_settings(GONGKAI_AUDIT_RETENTION_DAYS=500):
        assert auditarchive.archive(today=LATER.date(), directory=tmp_path) is None
    assert AuditEvent.objects.filter(action="test.old").count() == 6


@pytest.mark.django_db
def test_an_altered_archive_file_fails_its_check(history: list[AuditEvent], tmp_path: Path) -> None:
    path = archive_file(tmp_path)
    path.write_bytes(path.read_bytes().replace("旧事件".encode(), "新事件".encode(), 1))
    with pytest.raises(CommandError, match="签名不正确") as raised:
        call_command("audit", "verify-archive", str(path), stdout=StringIO())
    assert raised.value.returncode == 1


@pytest.mark.django_db
def test_another_key_does_not_verify_the_archive(history: list[AuditEvent], tmp_path: Path) -> None:
    path = archive_file(tmp_path)
    with override_settings(GONGKAI_AUDIT_ARCHIVE_KEY="另一把密钥"):
        assert "签名不正确" in (auditarchive.verify_archive(path).problem or "")
    assert auditarchive.verify_archive(path).ok


@pytest.mark.django_db
def test_a_correctly_signed_file_with_a_broken_chain_fails(history: list[AuditEvent], tmp_path: Path) -> None:
    """Whoever holds the key can sign anything; the chain inside is checked as well."""
    path = archive_file(tmp_path)
    lines = path.read_bytes().splitlines()
    record = json.loads(lines[2])
    record["object_repr"] = "改过"
    body = b"\n".join([lines[0], lines[1], auditarchive._line(record).rstrip(b"\n"), *lines[3:-1]]) + b"\n"
    signature = hmac.new(auditarchive.archive_key(), body, hashlib.sha256).hexdigest()
    path.write_bytes(body + auditarchive._line({"algorithm": "HMAC-SHA256", "signature": signature}))
    assert f"事件 {record['id']} 内容与其哈希不符" in (auditarchive.verify_archive(path).problem or "")


@pytest.mark.django_db
def test_a_broken_chain_is_not_archived_and_nothing_is_deleted(
    history: list[AuditEvent], tmp_path: Path
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET object_repr = 'x' WHERE id = %s", [history[1].pk])
    with time_machine.travel(LATER, tick=False), pytest.raises(CommandError, match="未删除任何事件"):
        call_command("audit", "archive", "--dir", str(tmp_path), stdout=StringIO())
    assert AuditEvent.objects.filter(action="test.old").count() == 6
    assert not AuditEvent.objects.filter(action="audit.archived").exists()


def test_a_file_that_is_not_an_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text("not json\n")
    assert not auditarchive.verify_archive(path).ok
    assert not auditarchive.verify_archive(tmp_path / "missing.jsonl").ok


def test_a_retention_under_six_months_is_a_configuration_error() -> None:
    result = load_settings({"GONGKAI_DEBUG": "true", "GONGKAI_AUDIT_RETENTION_DAYS": "90"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "网络安全法" in result.stderr and "180" in result.stderr
    assert load_settings({"GONGKAI_DEBUG": "true", "GONGKAI_AUDIT_RETENTION_DAYS": "180"}).returncode == 0


@pytest.mark.django_db
def test_the_chains_current_day_is_never_archived(history: list[AuditEvent], tmp_path: Path) -> None:
    """Archiving as if years had passed takes every finished day but leaves the day in progress."""
    far = LATER + datetime.timedelta(days=3000)
    with time_machine.travel(LATER, tick=False):
        result = auditarchive.archive(today=far.date(), directory=tmp_path)
    assert result is not None and result.count == 6
    assert AuditEvent.objects.filter(action="test.recent").exists()
    assert auditverify.verify().ok
    with time_machine.travel(LATER, tick=False):
        assert auditarchive.archive(today=far.date(), directory=tmp_path) is None
    assert auditverify.verify().ok
