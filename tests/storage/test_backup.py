"""``gongkai backup`` / ``gongkai restore``: one archive for SQLite and PostgreSQL alike. A backup restored
into an empty database (in a process of its own, as an operator runs it) and backed up again holds every
row of every table and every file exactly as before — SQLite to SQLite, and SQLite to PostgreSQL and back
when PostgreSQL is up — and the audit chain still verifies. A restore into a database with data is
refused without ``--force``, asks before erasing, and is atomic: a damaged archive changes nothing."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from gongkai.applications.models import Letter
from gongkai.applications.services import case_file
from gongkai.catalogue.models import Item, Status
from gongkai.core import backup
from gongkai.core.models import AuditEvent
from tests.applications.conftest import CaseMaker, Staff
from tests.catalogue import public_factories
from tests.pdfs import one_page_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.processes]

ROOT = Path(__file__).resolve().parents[2]
SCAN = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (scan) Tj ET")
#: Tables the restore itself adds to: its own audit event, and the chain head that follows it.
AUDITED = {"core.auditevent", "core.auditchainhead"}


def _seed(staff: Staff, make_case: CaseMaker) -> None:
    """Cases with letters (sealed files) and case-file materials, catalogue entries with files, audit."""
    for serial, day in enumerate((datetime.date(2026, 3, 2), datetime.date(2026, 5, 20)), start=1):
        case = make_case(arrived_on=day, serial=serial)
        case_file.add_attachment(
            actor=staff.officer, application=case, kind="application", filename=f"{serial}.pdf", data=SCAN
        )
    item = public_factories.make_item(staff.agency, status=Status.DRAFT)
    public_factories.add_file(item, "预算.pdf", b"%PDF-1.4\n% budget\n")
    public_factories.add_file(item, "名单.pdf", bytes(range(256)) * 10)


def _archive(path: Path) -> tuple[dict[str, list[list[Any]]], dict[str, bytes], dict[str, Any]]:
    """Every table's rows, every file's bytes and the manifest of an archive."""
    with tarfile.open(path) as tar:
        manifest = backup.read_manifest(tar)
        tables = {entry["model"]: list(backup.archive_rows(tar, entry)) for entry in manifest["tables"]}
        files = {}
        for entry in manifest["files"]:
            handle = tar.extractfile(f"files/{entry['name']}")
            assert handle is not None
            files[entry["name"]] = handle.read()
    return tables, files, manifest


def _without(rows: list[list[Any]], skip: set[int]) -> list[list[Any]]:
    return [[value for i, value in enumerate(row) if i not in skip] for row in rows]


def _same(before: Path, after: Path, *, ignore: frozenset[tuple[str, str]] = frozenset()) -> None:
    """``after`` (a backup of the restored database) holds what ``before`` held, row for row and byte for
    byte; the restore's own audit event aside (and ``ignore``: (table, column) rebuilt on the target)."""
    rows_a, files_a, manifest_a = _archive(before)
    rows_b, files_b, manifest_b = _archive(after)
    assert sorted(rows_a) == sorted(rows_b)
    for label, rows in rows_a.items():
        columns = next(t["columns"] for t in manifest_a["tables"] if t["model"] == label)
        skip = {columns.index(column) for table, column in ignore if table == label}
        other = rows_b[label]
        if label == "core.auditevent":
            assert json.loads(json.dumps(other[-1]))[columns.index("action")] == "backup.restored"
            other = other[:-1]
        if label in AUDITED - {"core.auditevent"}:
            continue
        assert _without(other, skip) == _without(rows, skip), label
    assert files_a == files_b
    assert manifest_a["migrations"] == manifest_b["migrations"]


def _gongkai(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SECRET_KEY": "x",
        "GONGKAI_DATA_KEYS": settings.GONGKAI_DATA_KEYS,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )


def _backup(path: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", str(path), stdout=out, stderr=err)
    return out.getvalue()


def test_an_archive_holds_exact_values_and_no_personal_data_in_clear(
    staff: Staff, make_case: CaseMaker, tmp_path: Path
) -> None:
    _seed(staff, make_case)
    out = _backup(tmp_path / "a.tar")
    assert "已备份到" in out and "数据密钥不在归档中" in out
    rows, files, manifest = _archive(tmp_path / "a.tar")
    # Timestamps keep their microseconds (dumpdata would cut them to milliseconds).
    events = AuditEvent.objects.exclude(action="backup.created").order_by("pk")
    created = manifest["tables"][[t["model"] for t in manifest["tables"]].index("core.auditevent")]
    at = created["columns"].index("created_at")
    assert [datetime.datetime.fromisoformat(r[at]) for r in rows["core.auditevent"]] == [
        e.created_at for e in events
    ]
    dumped = json.loads(_dumpdata("core.auditevent"))
    assert any(len(e["fields"]["created_at"].split(".")[1]) < 9 for e in dumped)  # milliseconds only
    # Personal data stays sealed: the applicant's phone and the letter's text are not in the archive.
    letter = Letter.objects.order_by("pk").first()
    assert letter is not None
    raw = (tmp_path / "a.tar").read_bytes()
    assert letter.application.phone.encode() not in raw
    assert all(
        files[name].startswith(b"v1:test:") for name in files if name.startswith(("letters/", "case-"))
    )
    # Tables come after the tables they point to.
    order = [t["model"] for t in manifest["tables"]]
    assert (
        order.index("agencies.agency")
        < order.index("applications.application")
        < order.index("applications.letter")
    )
    assert order.index("catalogue.item") < order.index("catalogue.attachment")
    # Audited, with counts.
    audit = AuditEvent.objects.filter(action="backup.created").get()
    assert audit.details["files"] == len(files) and audit.details["rows"] == sum(map(len, rows.values()))


def _dumpdata(label: str) -> str:
    out = io.StringIO()
    call_command("dumpdata", label, stdout=out)
    return out.getvalue()


def test_sqlite_backup_restored_into_an_empty_sqlite_database(
    staff: Staff, make_case: CaseMaker, tmp_path: Path
) -> None:
    _seed(staff, make_case)
    _backup(tmp_path / "a.tar")
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restored = _gongkai(target, "restore", str(tmp_path / "a.tar"))
    assert restored.returncode == 0, restored.stderr
    assert "已从" in restored.stdout and "数据库为空，先创建数据表" in restored.stderr
    verified = _gongkai(target, "audit", "verify")
    assert verified.returncode == 0 and "审计链完整" in verified.stdout, verified.stderr
    again = _gongkai(target, "backup", str(tmp_path / "b.tar"))
    assert again.returncode == 0, again.stderr
    _same(tmp_path / "a.tar", tmp_path / "b.tar")
    # Restoring again into the database that now has data is refused, and says how to go on.
    refused = _gongkai(target, "restore", str(tmp_path / "a.tar"))
    assert refused.returncode != 0 and "--force" in refused.stderr


def _postgres(*statements: str) -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)
    except Exception:
        return False
    return True


@pytest.fixture
def postgres() -> Iterator[str]:
    """A new empty PostgreSQL database for the restore (dropped afterwards); skips without PostgreSQL."""
    name = f"gongkai_restore_{os.getpid()}"
    drop = f'DROP DATABASE IF EXISTS "{name}"'
    if not _postgres(drop, f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"):
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    yield f"postgres://postgres@127.0.0.1:5432/{name}"
    _postgres(drop)


def test_sqlite_backup_restored_into_postgresql_and_back(
    staff: Staff, make_case: CaseMaker, tmp_path: Path, postgres: str, migrated_sqlite: Path
) -> None:
    _seed(staff, make_case)
    _backup(tmp_path / "a.tar")
    into_pg = _gongkai(postgres, "restore", str(tmp_path / "a.tar"))
    assert into_pg.returncode == 0, into_pg.stderr
    assert _gongkai(postgres, "audit", "verify").returncode == 0
    # The restore's own audit event got a new id: the sequences were reset past the restored rows.
    from_pg = _gongkai(postgres, "backup", str(tmp_path / "b.tar"))
    assert from_pg.returncode == 0, from_pg.stderr
    rebuilt = frozenset({("catalogue.item", "search_vector")})  # PostgreSQL's own search index
    _same(tmp_path / "a.tar", tmp_path / "b.tar", ignore=rebuilt)
    # Back into an empty SQLite database that an operator migrated first (`gongkai migrate`; migrated once
    # per run, tests/support/migrated.py): the restore into a database never migrated is tested above.
    back = f"sqlite:///{migrated_sqlite}"
    into_sqlite = _gongkai(back, "restore", str(tmp_path / "b.tar"))
    assert into_sqlite.returncode == 0, into_sqlite.stderr
    assert _gongkai(back, "audit", "verify").returncode == 0
    assert _gongkai(back, "backup", str(tmp_path / "c.tar")).returncode == 0
    _same(tmp_path / "b.tar", tmp_path / "c.tar", ignore=rebuilt)


def test_restore_into_a_database_with_data_needs_force_and_confirmation(
    staff: Staff, make_case: CaseMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(staff, make_case)
    _backup(tmp_path / "a.tar")
    later = public_factories.make_item(staff.agency, title="备份之后新建的条目", status=Status.DRAFT)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(tmp_path / "a.tar"))
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未确认"):
        call_command("restore", str(tmp_path / "a.tar"), "--force", stderr=err)
    assert "将清除数据库中的全部数据" in err.getvalue() and "catalogue.item" in err.getvalue()
    assert Item.objects.filter(pk=later.pk).exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    call_command("restore", str(tmp_path / "a.tar"), "--force", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Item.objects.filter(pk=later.pk).exists()
    _backup(tmp_path / "b.tar")
    _same(tmp_path / "a.tar", tmp_path / "b.tar")


def _damage(source: Path, target: Path, member: str) -> None:
    """A copy of the archive with one byte of ``member`` changed (the manifest unchanged)."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for info in old.getmembers():
            handle = old.extractfile(info)
            data = handle.read() if handle is not None else b""
            if info.name == member:
                data = data[:-1] + bytes([data[-1] ^ 1])
            new.addfile(info, io.BytesIO(data))


def test_a_damaged_archive_restores_nothing(staff: Staff, make_case: CaseMaker, tmp_path: Path) -> None:
    _seed(staff, make_case)
    _backup(tmp_path / "a.tar")
    counts = backup.row_counts(only_data=False)
    _rows, _files, manifest = _archive(tmp_path / "a.tar")
    _damage(tmp_path / "a.tar", tmp_path / "bad.tar", manifest["tables"][-1]["member"])
    with pytest.raises(CommandError, match="恢复失败，数据库未作任何改动.*SHA-256"):
        call_command(
            "restore",
            str(tmp_path / "bad.tar"),
            "--force",
            "--yes",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert backup.row_counts(only_data=False) == counts


def test_not_an_archive_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "x.tar").write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="不是 gongkai backup 写出的归档"):
        call_command("restore", str(tmp_path / "x.tar"))
    with pytest.raises(CommandError, match="找不到归档文件"):
        call_command("restore", str(tmp_path / "none.tar"))
