"""The data migrations that moved files out of binary columns into the file storage (issue 13): each
column's stored bytes become one file of the storage, unchanged — a sealed column's ciphertext stays
sealed, opened by the same key and context — and back when the migration is reversed. Raw SQL on both
sides, so no key is needed and no field converts anything."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages


def _rows(schema_editor: Any, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def column_to_storage(schema_editor: Any, table: str, column: str, file_column: str, prefix: str) -> None:
    """Each row's ``column`` bytes to a new file ``<prefix>/<uuid>``; its name into ``file_column``."""
    quote = schema_editor.connection.ops.quote_name
    storage = storages["default"]
    for (pk,) in _rows(schema_editor, f"SELECT id FROM {quote(table)} ORDER BY id"):
        data, name = _rows(
            schema_editor,
            f"SELECT {quote(column)}, {quote(file_column)} FROM {quote(table)} WHERE id = %s",
            [pk],
        )[0]
        if name or data is None or len(data) == 0:
            continue  # moved already (a rerun), or nothing kept (erased)
        stored = storage.save(f"{prefix}/{uuid.uuid4().hex}", ContentFile(bytes(data)))
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(table)} SET {quote(file_column)} = %s WHERE id = %s", [stored, pk])


def storage_to_column(schema_editor: Any, table: str, column: str, file_column: str) -> None:
    """The reverse: each row's file back into ``column`` (the stored bytes, as they are), then deleted."""
    quote = schema_editor.connection.ops.quote_name
    storage = storages["default"]
    for pk, name in _rows(schema_editor, f"SELECT id, {quote(file_column)} FROM {quote(table)} ORDER BY id"):
        if not name:
            data = b""
        else:
            with storage.open(name, "rb") as handle:
                data = bytes(handle.read())
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s", [data, pk])
        if name:
            storage.delete(name)
