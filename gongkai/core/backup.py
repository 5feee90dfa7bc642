"""Backup and restore of the whole site: every row of every table and every stored file, in one archive
that SQLite and PostgreSQL both write and read (``gongkai backup`` / ``gongkai restore``; docs/deployment.md,
"Backup and restore").

The archive is a tar file:

* ``data/<app>.<model>.jsonl.gz`` — one table each, in dependency order (a table after those it points
  to): one JSON array per row, the columns in the order the manifest names them. Values are exact and
  independent of the database: timestamps in UTC with microseconds (ISO 8601), dates and times ISO,
  decimals as strings, binary as base64, JSON as its canonical text; encrypted columns as the stored
  ciphertext — read past the fields, never decrypted, so the archive holds no personal data in clear and
  needs the data keys to be of any use;
* ``files/<name>`` — every stored file the rows refer to, its stored bytes as they are (sealed for
  personal data), whatever storage held it;
* ``manifest.json`` (last) — the format, when and from what it was made, the migrations applied, and per
  table its columns, row count and SHA-256, per file its size and SHA-256.

Not in it: the data keys (``GONGKAI_DATA_KEYS``, ``GONGKAI_LOOKUP_KEY``) and the other secrets, which must
be kept apart from the backups; the sessions table is, but sessions die with ``SECRET_KEY`` anyway.

A restore checks the manifest against every member, then in **one transaction** erases every table,
inserts every row, resets the sequences (PostgreSQL) and writes the files to the configured storage — a
failed restore leaves the database as it was (files already written to an object store stay there,
unreferenced). Core knows no app: the tables are found through the app registry.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import gzip
import hashlib
import io
import json
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.fields import EncryptedBinaryField, EncryptedCharField, EncryptedTextField
from gongkai.core.storage import read_stored, stored_names

FORMAT = "gongkai-backup"
VERSION = 1
MANIFEST = "manifest.json"
BATCH = 500
#: Sent after a restore, inside its transaction: apps rebuild what is derived and not portable (the
#: catalogue's PostgreSQL search vectors after a restore from SQLite). ``vendor``: the archive's database.
restored = Signal()
#: Models whose rows are not dumped: the files kept by the database storage go to ``files/`` instead;
#: the page cache's and the officer queue's versions are the target's own (a restore moves them past every
#: version a shared cache may still hold: :func:`gongkai.core.pagecache.after_restore`,
#: ``gongkai.applications.queue_cache.after_restore``); the stored pages are a cache.
SKIPPED = frozenset(
    {
        "core.storedfile",
        "core.storedfilechunk",
        "core.pageversion",
        "core.storedpage",
        "applications.queueversion",
    }
)
_SEALED = (EncryptedCharField, EncryptedTextField, EncryptedBinaryField)
#: ``progress(text)``: a line for the operator (stderr).
Progress = Callable[[str], None]


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why, in the operator's language."""


# --- The tables ------------------------------------------------------------------------------------------


def dumped_models() -> list[type[models.Model]]:
    """Every table Gongkai and Django keep, each after the tables it points to (self-references aside)."""
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in SKIPPED
    ]
    by_label = {model._meta.label_lower: model for model in candidates}
    ordered: list[type[models.Model]] = []
    seen: set[str] = set()

    def visit(model: type[models.Model], path: frozenset[str]) -> None:
        label = model._meta.label_lower
        if label in seen or label in path:
            return
        for column in model._meta.concrete_fields:
            target = column.related_model
            if isinstance(target, type) and target._meta.label_lower in by_label and target is not model:
                visit(by_label[target._meta.label_lower], path | {label})
        seen.add(label)
        ordered.append(model)

    for label in sorted(by_label):
        visit(by_label[label], frozenset())
    return ordered


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _internal(column: models.Field[Any, Any]) -> str:
    return str(column.get_internal_type())


def _encode(column: models.Field[Any, Any], value: Any) -> Any:
    """A column's stored value as JSON, exactly (see the module docstring)."""
    if value is None:
        return None
    kind = _internal(column)
    if kind == "JSONField":
        parsed = json.loads(value) if isinstance(value, str | bytes) else value
        return json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(column: models.Field[Any, Any], value: Any) -> Any:
    """The value to insert into ``column`` for what :func:`_encode` wrote."""
    if value is None:
        return None
    kind = _internal(column)
    if isinstance(column, _SEALED):  # the ciphertext, inserted as stored (never sealed again)
        return base64.b64decode(value) if kind == "BinaryField" else value
    if kind == "JSONField":
        return column.get_db_prep_save(json.loads(value), connection)
    if kind == "BinaryField":
        return base64.b64decode(value)
    if kind == "DateTimeField":
        value = datetime.datetime.fromisoformat(value)
    elif kind == "DateField":
        value = datetime.date.fromisoformat(value)
    elif kind == "TimeField":
        value = datetime.time.fromisoformat(value)
    elif kind == "DurationField":
        value = datetime.timedelta(microseconds=value)
    elif kind == "DecimalField":
        value = decimal.Decimal(value)
    elif kind == "UUIDField":
        value = uuid.UUID(value)
    return column.get_db_prep_save(value, connection)


def table_rows(model: type[models.Model]) -> Iterator[list[Any]]:
    """The table's rows as stored (past every field's own conversion: ciphertext stays ciphertext), in
    primary-key order, each encoded by :func:`_encode`."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    columns = _columns(model)
    converters = [connection.ops.get_db_converters(column.get_col(table)) for column in columns]
    pk_column = model._meta.pk.column
    names = ", ".join(quote(column.column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {quote(table)} ORDER BY {quote(pk_column)}")
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                values = []
                for column, convert, value in zip(columns, converters, row, strict=True):
                    for converter in convert:
                        value = converter(value, column.get_col(table), connection)
                    values.append(_encode(column, value))
                yield values


# --- Writing an archive ----------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    missing_files: list[str] = field(default_factory=list)
    sha256: str = ""


def _add(tar: tarfile.TarFile, name: str, data: IO[bytes], size: int, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    tar.addfile(info, data)


def _dump_table(tar: tarfile.TarFile, model: type[models.Model], mtime: float) -> dict[str, Any]:
    label = model._meta.label_lower
    member = f"data/{label}.jsonl.gz"
    count = 0
    with tempfile.TemporaryFile() as spool:
        with gzip.GzipFile(fileobj=spool, mode="wb", mtime=0) as out:
            for row in table_rows(model):
                out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
                count += 1
        size = spool.tell()
        spool.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: spool.read(1 << 20), b""):
            digest.update(chunk)
        spool.seek(0)
        _add(tar, member, spool, size, mtime)
    return {
        "model": label,
        "table": model._meta.db_table,
        "columns": [column.attname for column in _columns(model)],
        "member": member,
        "rows": count,
        "sha256": digest.hexdigest(),
    }


def _dump_files(tar: tarfile.TarFile, result: BackupResult, mtime: float) -> list[dict[str, Any]]:
    entries = []
    for name in stored_names():
        try:
            data = read_stored(default_storage, name)
        except FileNotFoundError:
            result.missing_files.append(name)
            continue
        _add(tar, f"files/{name}", io.BytesIO(data), len(data), mtime)
        entries.append({"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        result.files += 1
        result.file_bytes += len(data)
    return entries


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backup(path: Path, *, progress: Progress | None = None) -> BackupResult:
    """Write the archive to ``path`` (replaced atomically: written beside it, then renamed)."""
    result = BackupResult(path=path)
    partial = path.with_name(f".{path.name}.partial")
    now = timezone.now()
    mtime = now.timestamp()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:  # one consistent snapshot of every table
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            tables = []
            for model in dumped_models():
                entry = _dump_table(tar, model, mtime)
                tables.append(entry)
                result.tables += 1
                result.rows += entry["rows"]
                if progress is not None:
                    progress(f"{entry['model']}: {entry['rows']}")
            files = _dump_files(tar, result, mtime)
            if progress is not None:
                progress(f"files: {result.files} ({result.file_bytes} B)")
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": now.astimezone(datetime.UTC).isoformat(),
                "vendor": connection.vendor,
                "migrations": applied_migrations(),
                "tables": tables,
                "files": files,
                "missing_files": result.missing_files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            _add(tar, MANIFEST, io.BytesIO(data), len(data), mtime)
    partial.replace(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    result.sha256 = digest.hexdigest()
    return result


# --- Reading an archive ----------------------------------------------------------------------------------


def _member(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        handle = tar.extractfile(name)
    except KeyError as exc:
        raise BackupError(_("归档中缺少 %(name)s") % {"name": name}) from exc
    if handle is None:
        raise BackupError(_("归档中的 %(name)s 不是文件") % {"name": name})
    return handle.read()


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_member(tar, MANIFEST))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("manifest.json 无法读取（不是 JSON）")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("这不是 Gongkai 的备份（清单 manifest.json 不是我们的）"))
    if manifest.get("version") != VERSION:
        raise BackupError(
            _("备份格式版本为 %(version)s，本版本只能读取版本 %(supported)s")
            % {"version": manifest.get("version"), "supported": VERSION}
        )
    return manifest


def _checked(tar: tarfile.TarFile, name: str, sha256: str) -> bytes:
    data = _member(tar, name)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BackupError(_("%(name)s 的 SHA-256 与清单不符（归档已损坏）") % {"name": name})
    return data


def archive_rows(tar: tarfile.TarFile, entry: dict[str, Any]) -> Iterator[list[Any]]:
    """The rows of one table of the archive (checked against the manifest's SHA-256 and count)."""
    data = gzip.decompress(_checked(tar, entry["member"], entry["sha256"]))
    count = 0
    for line in data.splitlines():
        if line:
            count += 1
            yield json.loads(line)
    if count != entry["rows"]:
        raise BackupError(
            _("%(name)s 有 %(count)s 行，清单记为 %(expected)s 行")
            % {"name": entry["member"], "count": count, "expected": entry["rows"]}
        )


# --- Restoring -------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    tables: int = 0
    rows: int = 0
    files: int = 0
    erased: dict[str, int] = field(default_factory=dict)


def row_counts(only_data: bool = True) -> dict[str, int]:
    """Rows per table now (``only_data``: the tables with rows, except those ``migrate`` fills itself)."""
    counts = {}
    existing = set(connection.introspection.table_names())
    for model in dumped_models():
        label = model._meta.label_lower
        if (only_data and label in MIGRATION_FILLED) or model._meta.db_table not in existing:
            continue
        count = model._base_manager.count()
        if count:
            counts[label] = count
    return counts


#: The tables ``migrate`` fills in a new database (content types, permissions, default categories, the
#: audit chain head, ...): rows there do not make a database "not empty".
MIGRATION_FILLED = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "catalogue.category",
        "core.auditchainhead",
    }
)


def _erase(models_in_order: list[type[models.Model]]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in reversed(models_in_order):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
    apps.get_model("core", "StoredFile")._base_manager.all().delete()


def _insert(model: type[models.Model], entry: dict[str, Any], rows: Iterator[list[Any]]) -> int:
    by_name = {column.attname: column for column in _columns(model)}
    if sorted(entry["columns"]) != sorted(by_name):
        raise BackupError(_("%(model)s：归档中的列与本版本不同") % {"model": entry["model"]})
    columns = [by_name[name] for name in entry["columns"]]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c.column) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([_decode(column, value) for column, value in zip(columns, row, strict=True)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _restore_files(tar: tarfile.TarFile, entries: list[dict[str, Any]]) -> int:
    for entry in entries:
        data = _checked(tar, f"files/{entry['name']}", entry["sha256"])
        name = entry["name"]
        if default_storage.exists(name):
            if hashlib.sha256(read_stored(default_storage, name)).hexdigest() == entry["sha256"]:
                continue
            default_storage.delete(name)
        if default_storage.save(name, ContentFile(data)) != name:
            raise BackupError(_("files/%(name)s：存储以另一个名字保存了它") % {"name": name})
    return len(entries)


def restore(
    tar: tarfile.TarFile, manifest: dict[str, Any], *, progress: Progress | None = None
) -> RestoreResult:
    """Replace every row and file by the archive's, in one transaction (see the module docstring)."""
    by_label = {model._meta.label_lower: model for model in dumped_models()}
    wanted = {entry["model"] for entry in manifest["tables"]}
    if wanted != set(by_label):
        extra, missing = sorted(wanted - set(by_label)), sorted(set(by_label) - wanted)
        raise BackupError(
            _("归档中的数据表与本版本不同（归档多 %(extra)s，本版本多 %(missing)s）")
            % {"extra": "、".join(extra) or "—", "missing": "、".join(missing) or "—"}
        )
    result = RestoreResult(erased=row_counts(only_data=False))
    with transaction.atomic():
        _erase(list(by_label.values()))
        for entry in manifest["tables"]:
            model = by_label[entry["model"]]
            result.rows += _insert(model, entry, archive_rows(tar, entry))
            result.tables += 1
            if progress is not None:
                progress(f"{entry['model']}: {entry['rows']}")
        statements = connection.ops.sequence_reset_sql(no_style(), list(by_label.values()))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        result.files = _restore_files(tar, manifest["files"])
        if progress is not None:
            progress(f"files: {result.files}")
        restored.send(sender=None, vendor=manifest.get("vendor", ""))
    return result
