"""The data migration that seals personal data stored in clear before issue 12
(``applications.0010_seal_existing_personal_data``): forward it seals every value and fills the digests;
backward it opens them again; run twice it changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from gongkai.applications.models import LETTER_SEAL_CONTEXT, Application, CaseEvent, Letter
from gongkai.core.fields import keyring, lookup_digest
from tests.applications.conftest import resident_id
from tests.conftest import Tree

BEFORE = [("applications", "0009_encrypt_personal_data")]
AFTER = [("applications", "0010_seal_existing_personal_data")]
#: The letters' files moved to the file storage (0011: the sealed bytes, unchanged), and 0012 after it.
LATEST = [("applications", "0012_letters_rendered_later_and_reminders_once_a_day")]
ID = resident_id(55)


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.fixture(autouse=True)
def _schema_restored() -> Iterator[None]:
    """Whatever the test does or fails at, the database is migrated to the end again: the next tests of this
    worker use today's schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _raw(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_existing_clear_values_are_sealed_and_can_be_opened_again(tree: Tree) -> None:
    _migrate(BEFORE)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO applications_application (agency_id, reference, applicant_type, applicant_name,"
            " id_type, id_number, id_number_digest, contact_person, phone, email, address, postcode,"
            " description,"
            " requested_form, delivery, channel, arrived_at, pieces, status, due_date_provisional,"
            " clock_problem, waiting_on, outcome, counted_outcome, tracking_code, secret_hash, created_at,"
            " updated_at) VALUES (%s, '2026-00001', 'natural_person', '旧数据', 'resident_id', %s, '', '',"
            " '13812345678', 'old@example.cn', '示范市旧路1号', '', '旧申请', 'paper', 'post', 'in_person',"
            " %s, 1, 'open', %s, '', '', '', '', 'OLDCODE0001', 'x', %s, %s)",
            [tree.county_a_finance.pk, ID, now, False, now, now],
        )
    pk: int = _raw("SELECT id FROM applications_application WHERE reference = '2026-00001'", [])[0][0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO applications_caseevent (application_id, seq, kind, occurred_on, recorded_at,"
            " actor_label, data, note) VALUES (%s, 1, 'details_corrected', %s, %s, '', %s, '')",
            [
                pk,
                datetime.date(2026, 6, 1),
                now,
                '{"fields": ["phone"], "old": {"phone": "13900000000"}, "new": {"phone": "13812345678"}}',
            ],
        )
        cursor.execute(
            "INSERT INTO applications_letter (application_id, kind, title, number, issued_on, text, docx,"
            " filename, for_applicant, created_at) VALUES (%s, 'receipt', '回执', '1号', %s,"
            " '致示范市旧路1号', %s, 'a.docx', %s, %s)",
            [pk, datetime.date(2026, 6, 1), b"PK-old-docx", True, now],
        )

    _migrate(AFTER)
    stored = _raw(
        "SELECT id_number, phone, email, address, id_number_digest FROM applications_application", []
    )
    id_number, phone, email, address, digest = stored[0]
    assert all(str(v).startswith("v1:test:") for v in (id_number, phone, email, address))
    assert digest == lookup_digest(ID)
    # Today's models at an old state of the schema: only the columns that state has (``only``).
    case = Application.objects.only("id_number", "phone", "address").get(pk=pk)
    assert (case.id_number, case.phone, case.address) == (ID, "13812345678", "示范市旧路1号")
    (sealed_docx,) = _raw("SELECT docx FROM applications_letter", [])[0]
    assert keyring().open_bytes(bytes(sealed_docx).decode("ascii"), LETTER_SEAL_CONTEXT) == b"PK-old-docx"
    event = CaseEvent.objects.get(application=case)
    assert event.data["old"]["phone"].startswith("v1:test:")

    # Going back opens everything again.
    _migrate(BEFORE)
    assert _raw("SELECT id_number, phone FROM applications_application", []) == [(ID, "13812345678")]
    assert _raw("SELECT text FROM applications_letter", []) == [("致示范市旧路1号",)]
    _migrate(AFTER)
    assert Application.objects.only("id_number").get(pk=pk).id_number == ID

    # The sealed .docx moves to the file storage as it is, and back again.
    _migrate(LATEST)
    letter = Letter.objects.only("file", "text").get(application_id=pk)
    assert letter.file.name.startswith("letters/") and letter.text == "致示范市旧路1号"
    assert letter.read_docx() == b"PK-old-docx"
    assert default_storage.open(letter.file.name).read().startswith(b"v1:test:")
    _migrate(AFTER)
    assert not default_storage.exists(letter.file.name)
    (sealed_docx,) = _raw("SELECT docx FROM applications_letter", [])[0]
    assert keyring().open_bytes(bytes(sealed_docx).decode("ascii"), LETTER_SEAL_CONTEXT) == b"PK-old-docx"
    _migrate(LATEST)
    assert Letter.objects.only("file").get(application_id=pk).read_docx() == b"PK-old-docx"
