"""Files through Django's storage API (docs/deployment.md, "Files").

Uploaded files and issued letters live in a storage, never in a model's own column: a model holds a
``FileField`` (the storage *name*, unguessable: ``catalogue/<uuid>``) and reads and writes its bytes with
:func:`read_bytes` / :func:`save_bytes` (or :func:`read_sealed` / :func:`save_sealed` for personal data:
the stored object holds the sealed bytes, :mod:`gongkai.core.sealing`, the same keys as the columns).

Two storages, chosen by ``GONGKAI_FILE_STORAGE`` (``STORAGES["default"]`` in the settings):

* ``database`` — :class:`DatabaseStorage`, the embedded default: each file one row of
  :class:`~gongkai.core.models.StoredFile` holding its first 4 MiB, the rest (if any) in rows of 4 MiB of
  :class:`~gongkai.core.models.StoredFileChunk`, so several hosts share the files with nothing but the
  database, a file of any size fits (PostgreSQL takes no value over 1 GB), and a file written in a
  transaction is rolled back with it;
* ``s3`` — django-storages' ``S3Storage`` on any S3-compatible object store (private bucket, no public ACL,
  no overwrite).

Files are always sent through Django's permission-checked views (:func:`gongkai.core.responses.serve_file`),
never by a bucket URL: :meth:`DatabaseStorage.url` refuses. A row deleted by the code takes its files
with it once the transaction commits (:func:`connect_file_cleanup`). Core knows no app: the file fields are
found generically (:func:`file_fields`), for ``gongkai files move`` and ``gongkai backup``.
"""

from __future__ import annotations

import datetime
import logging
import posixpath
import tempfile
import uuid
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.db import connections, models, router, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete
from django.utils.deconstruct import deconstructible

from gongkai.core.fields import keyring

logger = logging.getLogger(__name__)

#: The storages ``GONGKAI_FILE_STORAGE`` may name (each an alias of ``settings.STORAGES`` too).
STORAGE_NAMES = ("database", "s3")


@deconstructible(path="gongkai.core.storage.UnguessableName")
class UnguessableName:
    """A ``FileField``'s ``upload_to``: ``<prefix>/<random uuid>``; the uploaded file's own name is never
    part of it (it is kept in the model's ``filename`` column)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance: Any, filename: str) -> str:
        return f"{self.prefix}/{uuid.uuid4().hex}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnguessableName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


#: The largest piece of a file the database storage writes in one row (and one statement).
CHUNK_BYTES = 4 * 1024 * 1024


def _pieces(content: File[Any]) -> Iterator[bytes]:
    """``content`` in pieces of exactly :data:`CHUNK_BYTES` (the last one shorter); nothing for an empty
    file."""
    buffer = bytearray()
    for chunk in content.chunks(CHUNK_BYTES):
        buffer += chunk if isinstance(chunk, bytes | bytearray) else str(chunk).encode()
        while len(buffer) >= CHUNK_BYTES:
            yield bytes(buffer[:CHUNK_BYTES])
            del buffer[:CHUNK_BYTES]
    if buffer:
        yield bytes(buffer)


def _pieces_table_exists() -> bool:
    model = apps.get_model("core", "StoredFileChunk")
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        return model._meta.db_table in connection.introspection.table_names(cursor)


def _insert_piece(file_id: int, number: int, data: bytes) -> None:
    """One row of ``core_storedfilechunk``, in the current transaction. On PostgreSQL the bytes go as a
    binary parameter (psycopg's server-side binding), not as Django's hex literal of twice their size:
    6× faster for a 4 MiB piece (72 → 11 ms; docs/benchmarks.md)."""
    model = apps.get_model("core", "StoredFileChunk")
    connection: Any = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not hasattr(connection.Database, "Cursor"):
        model.objects.create(file_id=file_id, number=number, data=data)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in ("file", "number", "data"))
    connection.ensure_connection()
    with connection.Database.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES (%s, %s, %b)",  # noqa: S608
            [file_id, number, data],
        )


@deconstructible(path="gongkai.core.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """A Django storage keeping each file in the table ``core_storedfile`` (name unique, size, the first
    piece of its bytes) and the rest of its bytes in pieces, rows of ``core_storedfilechunk``."""

    def _model(self) -> Any:
        return apps.get_model("core", "StoredFile")

    def _open(self, name: str, mode: str = "rb") -> File[bytes]:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("DatabaseStorage files are read-only once saved; save a new file instead")
        row = self._model().objects.filter(name=name).values_list("pk", "data", "size").first()
        if row is None:
            raise FileNotFoundError(name)
        pk, first, size = row
        first = bytes(first)
        if len(first) == size:
            return ContentFile(first, name=name)  # one piece: every file up to CHUNK_BYTES
        # The rest piece by piece into a spooled file (on disk past one piece): a large file is never held
        # whole in memory, nor asked of the database in one value.
        spooled = tempfile.SpooledTemporaryFile(max_size=CHUNK_BYTES)  # noqa: SIM115 - the File closes it
        try:
            spooled.write(first)
            pieces = apps.get_model("core", "StoredFileChunk").objects.filter(file_id=pk).order_by("number")
            for data in pieces.values_list("data", flat=True).iterator(chunk_size=2):
                spooled.write(bytes(data))
            if spooled.tell() != size:
                raise OSError(f"stored file {name} is incomplete: {spooled.tell()} of {size} bytes")
        except BaseException:
            spooled.close()
            raise
        spooled.seek(0)
        opened: File[bytes] = File(spooled, name=name)
        opened.size = int(size)
        return opened

    def _save(self, name: str, content: File[Any]) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        pieces = _pieces(content)
        first = next(pieces, b"")
        with transaction.atomic():
            stored = self._model().objects.create(name=name, data=first, size=len(first))
            size = len(first)
            for number, piece in enumerate(pieces, start=1):
                if number == 1 and not _pieces_table_exists():
                    # Before migration core.0009 (an earlier data migration moving files into the
                    # storage): the file in its one row, as files were kept then; read the same.
                    whole = first + piece + b"".join(pieces)
                    self._model().objects.filter(pk=stored.pk).update(data=whole, size=len(whole))
                    return name
                _insert_piece(stored.pk, number, piece)
                size += len(piece)
            if size != len(first):
                self._model().objects.filter(pk=stored.pk).update(size=size)
        return name

    def delete(self, name: str) -> None:
        self._model().objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return bool(self._model().objects.filter(name=name).exists())

    def size(self, name: str) -> int:
        size = self._model().objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return int(size)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        directories: set[str] = set()
        files: list[str] = []
        for name in self._model().objects.filter(name__startswith=prefix).values_list("name", flat=True):
            rest = name[len(prefix) :]
            head, sep, _tail = rest.partition("/")
            if sep:
                directories.add(head)
            else:
                files.append(rest)
        return sorted(directories), sorted(files)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("files are served through permission-checked views, never by URL")

    def _time(self, name: str) -> datetime.datetime:
        created = self._model().objects.filter(name=name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(name)
        return created  # type: ignore[no-any-return]

    def get_created_time(self, name: str) -> datetime.datetime:
        return self._time(name)

    def get_modified_time(self, name: str) -> datetime.datetime:
        return self._time(name)

    def get_accessed_time(self, name: str) -> datetime.datetime:
        return self._time(name)


# --- Reading and writing a model's file ------------------------------------------------------------


def save_bytes(field_file: FieldFile, data: bytes) -> None:
    """Store ``data`` as a new file of the field (an unguessable new name; the row is not saved). Empty
    data stores nothing and leaves the name empty."""
    if not data:
        field_file.name = ""
        return
    field_file.save(posixpath.basename(field_file.field.name), ContentFile(data), save=False)


def read_bytes(field_file: FieldFile) -> bytes:
    """The stored bytes of the field's file (empty when it has none)."""
    if not field_file.name:
        return b""
    return read_stored(field_file.storage, field_file.name)


def read_stored(storage: Storage, name: str) -> bytes:
    """The bytes of ``name`` in ``storage`` (read whole: files are at most a few tens of MB)."""
    with storage.open(name, "rb") as handle:
        data = handle.read()
    return bytes(data)


def save_sealed(field_file: FieldFile, data: bytes, context: str) -> None:
    """Store ``data`` sealed (AES-GCM with the current data key, bound to ``context``)."""
    save_bytes(field_file, keyring().seal_bytes(data, context).encode("ascii") if data else b"")


def read_sealed(field_file: FieldFile, context: str) -> bytes:
    """The plain bytes of a file stored by :func:`save_sealed`."""
    token = read_bytes(field_file)
    return keyring().open_bytes(token.decode("ascii"), context) if token else b""


def delete_on_commit(storage: Storage, name: str) -> None:
    """Delete ``name`` from ``storage`` once the current transaction commits (never if it rolls back)."""
    if name:
        transaction.on_commit(lambda: _delete_quietly(storage, name))


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # a file left behind is harmless; the row is already gone
        logger.warning("could not delete stored file %s", name, exc_info=True)


# --- The file fields of every model ------------------------------------------------------------------


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every concrete ``FileField`` of every installed model, in a stable order."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                found.append((model, field))
    return sorted(found, key=lambda pair: (pair[0]._meta.label_lower, pair[1].name))


def stored_names() -> list[str]:
    """The name of every file the rows refer to (each once, sorted)."""
    names: set[str] = set()
    for model, field in file_fields():
        values = model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
        names.update(name for name in values if name)
    return sorted(names)


def _delete_files_of(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.FileField):
            field_file = getattr(instance, field.attname)
            delete_on_commit(field_file.storage, field_file.name or "")


def connect_file_cleanup() -> None:
    """Delete a row's files when the row is deleted (after commit). Connected per model with a file field
    only, so the other models keep Django's fast deletes."""
    for model, _field in file_fields():
        post_delete.connect(_delete_files_of, sender=model, dispatch_uid=f"files:{model._meta.label_lower}")


def storage_named(name: str) -> Storage:
    """The storage of ``settings.STORAGES`` under the alias ``name`` (``database`` or ``s3``)."""
    return storages[name]
