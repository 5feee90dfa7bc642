"""The embedded default storage (:class:`gongkai.core.storage.DatabaseStorage`): each file one row of
``core_storedfile``, written in the caller's transaction; no URL; the catalogue's migration moves the
attachments' bytes into it and back."""

from __future__ import annotations

import os

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from gongkai.catalogue.models import Attachment, Status
from gongkai.core import storage as storage_module
from gongkai.core.models import StoredFile, StoredFileChunk
from gongkai.core.storage import DatabaseStorage, read_stored
from tests.catalogue import public_factories
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_save_open_list_and_delete() -> None:
    storage = DatabaseStorage()
    name = storage.save("catalogue/abc", ContentFile(b"\x00\x01 bytes"))
    assert name == "catalogue/abc" and storage.exists(name) and storage.size(name) == 8
    with storage.open(name) as handle:
        assert handle.read() == b"\x00\x01 bytes"
    # No overwrite: the same name again is given another one.
    other = storage.save("catalogue/abc", ContentFile(b"second"))
    assert other != name and other.startswith("catalogue/abc")
    storage.save("letters/x", ContentFile(b"x"))
    assert storage.listdir("") == (["catalogue", "letters"], [])
    assert storage.listdir("catalogue") == ([], sorted([name.split("/")[1], other.split("/")[1]]))
    assert storage.get_created_time(name) is not None
    with pytest.raises(NotImplementedError):
        storage.url(name)
    with pytest.raises(ValueError, match="read-only"):
        storage.open(name, "wb")
    storage.delete(name)
    assert not storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    with pytest.raises(FileNotFoundError):
        storage.size(name)


def test_a_large_file_is_kept_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past one piece a file's bytes go in pieces (PostgreSQL refused a 500 MiB upload sent as one value:
    "invalid memory alloc request size"); read back whole, in order, through a spooled file."""
    monkeypatch.setattr(storage_module, "CHUNK_BYTES", 1024)
    data = os.urandom(4 * 1024 + 100)
    storage = DatabaseStorage()
    name = storage.save("imports/big", ContentFile(data))
    row = StoredFile.objects.get(name=name)
    assert bytes(row.data) == data[:1024] and row.size == len(data) == storage.size(name)
    pieces = StoredFileChunk.objects.filter(file=row).order_by("number")
    assert [p.number for p in pieces] == [1, 2, 3, 4]
    assert [len(bytes(p.data)) for p in pieces] == [1024, 1024, 1024, 100]
    with storage.open(name) as handle:
        assert handle.size == len(data)
        assert handle.read(10) == data[:10]
        handle.seek(0)
        assert handle.read() == data
    assert read_stored(storage, name) == data
    # Exactly one piece: one row, nothing else.
    one = storage.save("imports/one", ContentFile(data[:1024]))
    assert not StoredFileChunk.objects.filter(file__name=one).exists()
    assert read_stored(storage, one) == data[:1024]
    # A missing piece is an error, not a short file.
    StoredFileChunk.objects.filter(file=row, number=3).delete()
    with pytest.raises(OSError, match="incomplete"):
        storage.open(name)
    storage.delete(name)
    assert not StoredFileChunk.objects.filter(file__name=name).exists()


def test_the_pieces_of_a_file_written_in_a_transaction_that_rolls_back_are_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(storage_module, "CHUNK_BYTES", 1024)
    with pytest.raises(RuntimeError), transaction.atomic():
        DatabaseStorage().save("imports/rolled-back", ContentFile(os.urandom(3000)))
        assert StoredFileChunk.objects.filter(file__name="imports/rolled-back").count() == 2
        raise RuntimeError
    assert not StoredFileChunk.objects.exists() and not StoredFile.objects.exists()


def test_a_file_stored_whole_before_pieces_is_read() -> None:
    StoredFile.objects.create(name="letters/old", data=b"stored whole", size=12)
    assert read_stored(DatabaseStorage(), "letters/old") == b"stored whole"


def test_a_file_written_in_a_transaction_that_rolls_back_is_not_kept() -> None:
    storage = DatabaseStorage()
    with pytest.raises(RuntimeError), transaction.atomic():
        storage.save("catalogue/rolled-back", ContentFile(b"x"))
        raise RuntimeError
    assert not StoredFile.objects.filter(name="catalogue/rolled-back").exists()


@pytest.mark.django_db(transaction=True)
def test_the_catalogue_migration_moves_bytes_into_the_storage_and_back(tree: Tree) -> None:
    item = public_factories.make_item(tree.county_a, status=Status.DRAFT)
    data = b"%PDF-1.4\n% kept through the migration\n"
    attachment = public_factories.add_file(item, "a.pdf", data)
    executor = MigrationExecutor(connection)
    executor.migrate([("catalogue", "0005_entry_corrections")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM catalogue_attachment WHERE id = %s", [attachment.pk])
        assert bytes(cursor.fetchone()[0]) == data
    assert not StoredFile.objects.exists()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # 0006 moves the bytes; then up to the app's latest migration (the model below is today's).
    executor.migrate(executor.loader.graph.leaf_nodes("catalogue"))
    moved = Attachment.objects.get(pk=attachment.pk)
    assert moved.file.name.startswith("catalogue/") and moved.file.name != attachment.file.name
    assert moved.read_bytes() == data
    assert list(StoredFile.objects.values_list("name", flat=True)) == [moved.file.name]
