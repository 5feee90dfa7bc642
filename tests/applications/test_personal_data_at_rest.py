"""Applicants' personal data at rest (issue 12): encrypted columns, the keyed digest that finds a case by
its exact identity number, key rotation (``gongkai pii rekey``), the retention rule (``gongkai pii
purge``), and a dump of the whole database holding no identity number or phone in clear.

Today is pinned to 2026-06-15 (a Monday; the built-in 2026 calendar).
"""

from __future__ import annotations

import base64
import datetime
import io
import re
import shutil
import subprocess
import uuid
import zipfile
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import Client, override_settings

from gongkai.annual import tabulate
from gongkai.applications import services
from gongkai.applications.amendments import event_context
from gongkai.applications.models import Application, CaseAttachment, CaseEvent, Letter
from gongkai.applications.selectors import earlier_pieces_this_month
from gongkai.applications.services import case_file
from gongkai.applications.services.retention import ERASED_NAME
from gongkai.core.fields import unseal
from gongkai.core.models import AuditEvent
from gongkai.stats.selectors import agency_figures
from tests.applications.conftest import CaseMaker, Staff, resident_id
from tests.conftest import Tree
from tests.pdfs import one_page_pdf

pytestmark = pytest.mark.django_db
PDF_BYTES = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (id) Tj ET")

D = datetime.date
TODAY = D(2026, 6, 15)
NEW_KEY = base64.b64encode(b"N" * 32).decode()


@pytest.fixture(autouse=True)
def _today(pin_today: Any) -> None:
    pin_today(TODAY)


def raw(case: Application, field: str) -> str:
    """The value as stored in the database, past the field's decryption."""
    value = (
        Application.objects.filter(pk=case.pk)
        .annotate(stored=Cast(field, output_field=TextField()))
        .values_list("stored", flat=True)
        .get()
    )
    return str(value or "")


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def references(response: Any) -> list[str]:
    return [row.case.reference for row in response.context["rows"]]


# --- Encrypted columns --------------------------------------------------------------------------


def test_personal_data_is_stored_sealed_and_read_back_plain(make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1), serial=42)
    case.refresh_from_db()
    assert case.id_number == resident_id(42)
    assert case.phone == "13812345678" and case.address == "示范市甲县人民路1号"
    for field, plain in (
        ("id_number", resident_id(42)),
        ("phone", "13812345678"),
        ("address", "示范市甲县人民路1号"),
    ):
        stored = raw(case, field)
        assert stored.startswith("v1:test:"), stored
        assert plain not in stored
    assert raw(case, "email") == ""  # empty stays empty
    assert case.id_number_digest and resident_id(42) not in case.id_number_digest


def test_an_encrypted_column_cannot_be_filtered_on(make_case: CaseMaker) -> None:
    make_case(arrived_on=D(2026, 6, 1))
    with pytest.raises(FieldError):
        list(Application.objects.filter(id_number=resident_id(1)))
    with pytest.raises(FieldError):
        list(Application.objects.filter(phone__contains="138"))
    assert Application.objects.filter(phone__isnull=False).count() == 1


def test_the_plain_max_length_is_still_checked(make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1))
    case.address = "路" * 301
    with pytest.raises(Exception, match="300"):
        case.full_clean()


# --- Exact-match lookup -------------------------------------------------------------------------


def test_the_officer_finds_a_case_by_its_exact_identity_number(staff: Staff, make_case: CaseMaker) -> None:
    wanted = make_case(arrived_on=D(2026, 6, 1), serial=5)
    make_case(arrived_on=D(2026, 6, 2), serial=6)
    client = client_for(staff.officer)
    number = resident_id(5)
    assert references(client.get("/cases/", {"state": "all", "q": number})) == [wanted.reference]
    # Typed with spaces, a lower-case x or full-width digits: the same number.
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}".lower()
    assert references(client.get("/cases/", {"state": "all", "q": spaced})) == [wanted.reference]
    # Only the exact number: a part of it finds nothing.
    assert references(client.get("/cases/", {"state": "all", "q": number[:-1]})) == []
    # Another agency's officer does not find it.
    assert references(client_for(staff.other_officer).get("/cases/", {"state": "all", "q": number})) == []


def test_earlier_applications_of_the_same_applicant_are_found_by_the_digest(make_case: CaseMaker) -> None:
    first = make_case(arrived_on=D(2026, 6, 2), serial=9, pieces=2)
    second = make_case(arrived_on=D(2026, 6, 3), serial=9)
    other = make_case(arrived_on=D(2026, 6, 3), serial=10)
    assert earlier_pieces_this_month(second) == 2
    assert earlier_pieces_this_month(first) == 0
    assert earlier_pieces_this_month(other) == 0


def test_a_correction_of_the_identity_number_moves_the_digest(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1), serial=11)
    services.correct_details(
        actor=staff.officer, application=case, changes={"id_number": resident_id(12)}, reason="核对身份证"
    )
    client = client_for(staff.officer)
    assert references(client.get("/cases/", {"state": "all", "q": resident_id(12)})) == [case.reference]
    assert references(client.get("/cases/", {"state": "all", "q": resident_id(11)})) == []


def test_the_admin_shows_no_personal_value_of_a_correction(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1), serial=13)
    services.correct_details(
        actor=staff.officer, application=case, changes={"phone": "13900001111"}, reason="核对"
    )
    page = client_for(staff.superuser).get(f"/admin/applications/application/{case.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "&quot;phone&quot;: &quot;***&quot;" in html or '"phone": "***"' in html
    for secret in ("13900001111", "13812345678", resident_id(13), "v1:test:"):
        assert secret not in html, secret
    search = client_for(staff.superuser).get("/admin/applications/application/", {"q": resident_id(13)})
    assert search.status_code == 200 and case.reference not in search.content.decode()


# --- Key rotation -------------------------------------------------------------------------------


def test_rekey_reseals_everything_with_the_new_key_and_is_idempotent(
    staff: Staff, make_case: CaseMaker, django_capture_on_commit_callbacks: Any
) -> None:
    case = make_case(arrived_on=D(2026, 6, 1), serial=21)
    services.correct_details(
        actor=staff.officer, application=case, changes={"phone": "13900002222"}, reason="核对"
    )
    material = case_file.add_attachment(
        actor=staff.officer, application=case, kind="application", filename="申请书.pdf", data=PDF_BYTES
    )
    old_files = [
        *Letter.objects.filter(application=case).values_list("file", flat=True),
        material.file.name,
    ]
    rotated = f"new:{NEW_KEY},{settings.GONGKAI_DATA_KEYS}"
    with override_settings(GONGKAI_DATA_KEYS=rotated):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("pii", "rekey", stdout=out)
        assert "applications.application：已检查 1 / 1 行" in out.getvalue()
        # The stored files are sealed again with the new key, under new names; the old files are gone.
        for letter in Letter.objects.filter(application=case):
            assert default_storage.open(letter.file.name).read().startswith(b"v1:new:")
            assert letter.read_docx()[:2] == b"PK"
        material.refresh_from_db()
        assert default_storage.open(material.file.name).read().startswith(b"v1:new:")
        assert not any(default_storage.exists(name) for name in old_files)
        assert Letter.objects.filter(application=case).exists()
        for letter in Letter.objects.filter(application=case):
            stored = (
                Letter.objects.filter(pk=letter.pk)
                .annotate(t=Cast("text", TextField()))
                .values_list("t", flat=True)
                .get()
            )
            assert stored.startswith("v1:new:")
        for field in ("id_number", "phone", "address"):
            assert raw(case, field).startswith("v1:new:")
        event = CaseEvent.objects.get(application=case, kind="details_corrected")
        assert event.data["new"]["phone"].startswith("v1:new:")
        assert event.data["old"]["phone"].startswith("v1:new:")
        again = io.StringIO()
        call_command("pii", "rekey", stdout=again)
        assert "重新加密 0 行" in again.getvalue()
        assert AuditEvent.objects.filter(action="application.personal_data_rekeyed").count() == 2
    # The old key can now be dropped: everything opens with the new one alone, and is still found.
    with override_settings(GONGKAI_DATA_KEYS=f"new:{NEW_KEY}"):
        case.refresh_from_db()
        assert case.phone == "13900002222" and case.id_number == resident_id(21)
        material.refresh_from_db()
        assert material.read_bytes() == PDF_BYTES
        event = CaseEvent.objects.get(application=case, kind="details_corrected")
        assert unseal(event.data["old"]["phone"], event_context("phone")) == "13812345678"
        found = client_for(staff.officer).get("/cases/", {"state": "all", "q": resident_id(21)})
        assert references(found) == [case.reference]


# --- Retention ----------------------------------------------------------------------------------


def _answered(
    staff: Staff, make_case: CaseMaker, arrived: datetime.date, answered: datetime.date, serial: int
):
    case = make_case(arrived_on=arrived, serial=serial)
    services.answer(
        actor=staff.officer, application=case, on=answered, outcome="granted", how_to_obtain="到本机关领取"
    )
    case.refresh_from_db()
    return case


def test_purge_erases_the_personal_data_of_cases_closed_past_the_retention_period(
    staff: Staff, make_case: CaseMaker, django_capture_on_commit_callbacks: Any
) -> None:
    old = _answered(staff, make_case, D(2026, 1, 5), D(2026, 1, 20), serial=31)
    case_file.add_attachment(
        actor=staff.officer, application=old, kind="application", filename="申请书.pdf", data=PDF_BYTES
    )
    erased_files = [
        *Letter.objects.filter(application=old).values_list("file", flat=True),
        *CaseAttachment.objects.filter(application=old).values_list("file", flat=True),
    ]
    assert len(erased_files) >= 3 and all(default_storage.exists(name) for name in erased_files)
    services.correct_details(
        actor=staff.officer, application=old, changes={"phone": "13900003333"}, reason="核对"
    )
    recent = _answered(staff, make_case, D(2026, 5, 6), D(2026, 5, 20), serial=32)
    still_open = make_case(arrived_on=D(2026, 1, 6), serial=33)
    table_before = tabulate.table3([staff.agency.pk], 2026)
    figures_before = agency_figures(staff.agency, 2026, today=TODAY)

    with override_settings(GONGKAI_PERSONAL_DATA_RETENTION_DAYS=100):
        dry = io.StringIO()
        call_command("pii", "purge", "--dry-run", "--today", "2026-06-15", stdout=dry)
        assert old.reference in dry.getvalue() and recent.reference not in dry.getvalue()
        assert "本次只列出，未作改动" in dry.getvalue()
        assert Application.objects.get(pk=old.pk).phone == "13900003333"  # nothing erased yet
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("pii", "purge", "--today", "2026-06-15", stdout=out)
        assert "共删除 1 件" in out.getvalue()
        again = io.StringIO()
        call_command("pii", "purge", "--today", "2026-06-15", stdout=again)
        assert "共删除 0 件" in again.getvalue()

    old.refresh_from_db()
    assert old.personal_data_erased_on == TODAY
    assert old.applicant_name == ERASED_NAME
    assert (old.id_number, old.id_number_digest, old.phone, old.email, old.address, old.postcode) == ("",) * 6
    assert (
        old.applicant_type == "natural_person"
        and old.outcome == "granted"
        and old.answered_on == D(2026, 1, 20)
    )
    event = CaseEvent.objects.get(application=old, kind="details_corrected")
    assert event.data["old"]["phone"] == "" and event.data["new"]["phone"] == ""
    assert all(
        letter.text == "" and letter.file.name == "" and letter.read_docx() == b""
        for letter in Letter.objects.filter(application=old)
    )
    materials = CaseAttachment.objects.filter(application=old)
    assert all(a.file.name == "" and a.read_bytes() == b"" for a in materials)
    # The stored files are gone from the storage too (none is left behind).
    assert not any(default_storage.exists(name) for name in erased_files)
    audits = AuditEvent.objects.filter(action="application.personal_data_erased")
    assert [a.object_id for a in audits] == [str(old.pk)]
    assert resident_id(31) not in str(audits[0].details)
    # The others keep theirs.
    for kept, serial in ((recent, 32), (still_open, 33)):
        kept.refresh_from_db()
        assert kept.id_number == resident_id(serial) and kept.personal_data_erased_on is None
    # The annual report and the statistics count the same.
    assert tabulate.table3([staff.agency.pk], 2026) == table_before
    assert agency_figures(staff.agency, 2026, today=TODAY) == figures_before
    # The erased letters are gone from the workspace, with no server error.
    letter = Letter.objects.filter(application=old).first()
    assert letter is not None
    response = client_for(staff.officer).get(f"/cases/{old.pk}/letters/{letter.pk}/")
    assert response.status_code == 404
    assert client_for(staff.officer).get(f"/cases/{old.pk}/").status_code == 200


def test_purge_is_off_by_default(staff: Staff, make_case: CaseMaker) -> None:
    old = _answered(staff, make_case, D(2026, 1, 5), D(2026, 1, 20), serial=34)
    assert settings.GONGKAI_PERSONAL_DATA_RETENTION_DAYS == 0
    out = io.StringIO()
    call_command("pii", "purge", "--today", "2026-06-15", stdout=out)
    assert "不删除任何个人信息" in out.getvalue()
    old.refresh_from_db()
    assert old.id_number == resident_id(34)


# --- The dump -----------------------------------------------------------------------------------


DUMP_ID = resident_id(777, birth="19900304", region="330106")
DUMP_PHONE = "13987654321"
CORRECTED_PHONE = "15811112222"


def _dump() -> str:
    """The whole database as text: SQLite's dump, pg_dump on PostgreSQL (else every text column)."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    name = connection.settings_dict["NAME"]
    if shutil.which("pg_dump"):
        params = connection.get_connection_params()
        command = [
            "pg_dump",
            "--data-only",
            "-h",
            str(params.get("host") or "127.0.0.1"),
            "-U",
            str(params.get("user")),
        ]
        if params.get("port"):
            command += ["-p", str(params["port"])]
        env = {"PGPASSWORD": str(params.get("password") or ""), "PATH": "/usr/bin:/bin"}
        return subprocess.run([*command, name], capture_output=True, text=True, check=True, env=env).stdout
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def _letter_texts() -> str:
    """The XML inside every stored .docx (compressed in the dump, so read here)."""
    texts: list[str] = []
    for letter in Letter.objects.all():
        with zipfile.ZipFile(io.BytesIO(letter.read_docx())) as docx:
            texts.extend(docx.read(name).decode("utf-8", "replace") for name in docx.namelist())
    return "\n".join(texts)


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_holds_no_identity_number_or_phone(tree: Tree, staff: Staff) -> None:
    client = Client()
    response = client.post(
        "/apply/",
        {
            "agency": str(tree.county_a_finance.pk),
            "applicant_type": "natural_person",
            "applicant_name": "赵六",
            "id_type": "resident_id",
            "id_number": DUMP_ID,
            "contact_person": "",
            "phone": DUMP_PHONE,
            "email": "zhaoliu@example.com",
            "address": "示范市甲县幸福路9号",
            "postcode": "100000",
            "description": "2025年甲县财政局部门预算执行情况",
            "requested_form": "electronic",
            "delivery": "online",
            "consent": "on",
            "submission_key": uuid.uuid4().hex,
        },
    )
    assert response.status_code == 302
    case = Application.objects.get()
    # The case's life: the status page, the officer's reveal, a correction of the phone, an answer.
    officer = client_for(staff.officer)
    assert officer.post(f"/cases/{case.pk}/applicant/").status_code == 200
    services.correct_details(
        actor=staff.officer, application=case, changes={"phone": CORRECTED_PHONE}, reason="申请人来电更正"
    )
    services.answer(
        actor=staff.officer, application=case, on=TODAY, outcome="granted", how_to_obtain="到本机关领取"
    )
    assert officer.get("/cases/", {"state": "all", "q": DUMP_ID}).context["rows"][0].case.pk == case.pk

    dump = _dump() + "\n" + _letter_texts()
    assert "赵六" in dump  # the dump is real: the name is not encrypted
    digits = re.sub(r"\D", "", dump)
    for secret in (DUMP_ID, DUMP_PHONE, CORRECTED_PHONE):
        assert secret not in dump, secret
    for phone in (DUMP_PHONE, CORRECTED_PHONE):
        assert phone not in digits, phone
    assert "示范市甲县幸福路9号" not in _dump()


def test_a_server_missing_a_data_key_says_so_instead_of_a_500(staff: Staff, make_case: CaseMaker) -> None:
    """Another host sealed with a new key this one lacks (a missed restart during a key rotation): the case
    page answers 503 with a page that says what is wrong and what to do; the error is not swallowed."""
    case = make_case(arrived_on=D(2026, 6, 1), serial=31)
    with override_settings(GONGKAI_DATA_KEYS=f"new:{NEW_KEY},{settings.GONGKAI_DATA_KEYS}"):
        Application.objects.filter(pk=case.pk).update(phone="13900003333")  # sealed with "new"
    response = client_for(staff.officer).get(f"/cases/{case.pk}/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "无法读取加密保存的个人信息" in page and "GONGKAI_DATA_KEYS" in page
    with override_settings(GONGKAI_DATA_KEYS=f"new:{NEW_KEY},{settings.GONGKAI_DATA_KEYS}"):
        assert client_for(staff.officer).get(f"/cases/{case.pk}/").status_code == 200
