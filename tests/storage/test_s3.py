"""Files on an S3-compatible object store (a real HTTP endpoint: moto in server mode): uploads and
downloads through the views, the sealed letters, and ``gongkai files move`` both ways (idempotent,
verified, finishing what an interrupted run left)."""

from __future__ import annotations

import datetime
import hashlib
import io
import urllib.parse

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from gongkai.applications.models import Application, CaseAttachment, Letter
from gongkai.applications.services import case_file
from gongkai.catalogue import services
from gongkai.catalogue.models import Attachment, Status
from gongkai.core.models import AuditEvent, StoredFile
from tests.applications.conftest import CaseMaker, Staff
from tests.catalogue import public_factories
from tests.catalogue.conftest import MakeItem, People, docx_bytes, pdf_bytes
from tests.pdfs import one_page_pdf
from tests.storage.conftest import DATABASE, S3, STATIC

pytestmark = pytest.mark.django_db

ARRIVED = datetime.date(2026, 5, 20)
SCAN = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (scan) Tj ET")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _object(s3: S3, key: str) -> bytes:
    body = s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"]  # type: ignore[attr-defined]
    return bytes(body.read())


def test_a_catalogue_file_is_uploaded_to_and_downloaded_from_the_bucket(
    on_s3: S3, people: People, make_item: MakeItem
) -> None:
    item = make_item()
    data = docx_bytes("二〇二六年采购意向")
    client = client_for(people.officer)
    response = client.post(
        f"/manage/catalogue/{item.pk}/attachments/", {"file": SimpleUploadedFile("意向.docx", data)}
    )
    assert response.status_code == 302
    attachment = item.attachments.get()
    # The object is in the bucket under an unguessable name, and nothing in the database table.
    assert (
        attachment.file.name.startswith("catalogue/") and len(attachment.file.name) == len("catalogue/") + 32
    )
    assert on_s3.keys() == [attachment.file.name]
    assert _object(on_s3, attachment.file.name) == data
    assert not StoredFile.objects.exists()
    download = client.get(f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download.content == data
    assert urllib.parse.quote("意向.docx") in download["Content-Disposition"]
    # Another agency's officer gets no file (the view checks permissions before reading the bucket).
    assert client_for(people.other_officer).get(
        f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/"
    ).status_code in (403, 404)


def test_removing_a_catalogue_file_deletes_its_object_after_commit(
    on_s3: S3, people: People, make_item: MakeItem, django_capture_on_commit_callbacks: object
) -> None:
    item = make_item()
    attachment = services.add_attachment(
        actor=people.officer, item=item, filename="a.pdf", data=pdf_bytes("a")
    )
    assert on_s3.keys() == [attachment.file.name]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.remove_attachment(actor=people.officer, attachment=attachment)
    assert on_s3.keys() == []


def test_a_letter_is_sealed_in_the_bucket_and_downloaded_plain(
    on_s3: S3, staff: Staff, make_case: CaseMaker
) -> None:
    case = make_case(arrived_on=ARRIVED)
    letter = Letter.objects.get(application=case)
    stored = _object(on_s3, letter.file.name)
    assert letter.file.name.startswith("letters/")
    assert stored.startswith(b"v1:test:") and b"PK" not in stored[:20]  # sealed, not the .docx
    response = client_for(staff.officer).get(f"/cases/{case.pk}/letters/{letter.pk}/")
    assert response.status_code == 200
    assert response.content[:2] == b"PK" and response.content == letter.read_docx()


def test_a_case_file_material_is_sealed_in_the_bucket(on_s3: S3, staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=ARRIVED)
    material = case_file.add_attachment(
        actor=staff.officer, application=case, kind="application", filename="申请书.pdf", data=SCAN
    )
    assert _object(on_s3, material.file.name).startswith(b"v1:test:")
    response = client_for(staff.officer).get(f"/cases/{case.pk}/attachments/{material.pk}/")
    assert response.status_code == 200 and response.content == SCAN


# --- gongkai files move --------------------------------------------------------------------------------


def _world(staff: Staff, make_case: CaseMaker) -> dict[str, bytes]:
    """Files of every kind in the database storage; their plain bytes by storage name."""
    item = public_factories.make_item(staff.agency, status=Status.DRAFT)
    one = public_factories.add_file(item, "1.pdf", pdf_bytes("one"))
    two = public_factories.add_file(item, "2.pdf", pdf_bytes("two"))
    case: Application = make_case(arrived_on=ARRIVED)
    material = case_file.add_attachment(
        actor=staff.officer, application=case, kind="application", filename="申请书.pdf", data=SCAN
    )
    letter = Letter.objects.get(application=case)
    return {
        one.file.name: one.read_bytes(),
        two.file.name: two.read_bytes(),
        material.file.name: material.read_bytes(),
        letter.file.name: letter.read_docx(),
    }


def _plain_bytes() -> dict[str, bytes]:
    found = {a.file.name: a.read_bytes() for a in Attachment.objects.all()}
    found.update({m.file.name: m.read_bytes() for m in CaseAttachment.objects.all()})
    found.update({x.file.name: x.read_docx() for x in Letter.objects.all()})
    return found


def _move(to: str, *extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("files", "move", "--to", to, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_files_move_to_s3_and_back(s3: S3, staff: Staff, make_case: CaseMaker) -> None:
    before = _world(staff, make_case)
    names = sorted(before)
    assert sorted(StoredFile.objects.values_list("name", flat=True)) == names
    on_s3 = {"default": s3.storage(), "database": DATABASE, "s3": s3.storage(), "staticfiles": STATIC}
    with override_settings(STORAGES=on_s3, GONGKAI_FILE_STORAGE="s3"):
        out, err = _move("s3", "--dry-run")
        assert "4 个将从 database 移到 s3" in out and "未作改动" in out
        assert s3.keys() == [] and StoredFile.objects.count() == 4
        out, err = _move("s3")
        assert "4 个已从 database 移到 s3" in out
        assert "[4/4]" in err and "已移动" in err  # progress on stderr
        assert s3.keys() == names and not StoredFile.objects.exists()
        assert _plain_bytes() == before  # every reader now reads the bucket
        again, _err = _move("s3")
        assert "0 个已从 database 移到 s3，4 个原已在目标存储中" in again
    audit = AuditEvent.objects.filter(action="files.moved").order_by("pk")
    assert [(e.details["to"], e.details["copied"], e.details["already"]) for e in audit] == [
        ("s3", 4, 0),
        ("s3", 0, 4),
    ]
    on_db = {"default": DATABASE, "database": DATABASE, "s3": s3.storage(), "staticfiles": STATIC}
    with override_settings(STORAGES=on_db, GONGKAI_FILE_STORAGE="database"):
        out, _err = _move("database")
        assert "4 个已从 s3 移到 database" in out
        assert s3.keys() == [] and sorted(StoredFile.objects.values_list("name", flat=True)) == names
        assert _plain_bytes() == before


def test_files_move_finishes_an_interrupted_run_and_replaces_a_partial_copy(
    on_s3: S3, people: People, make_item: MakeItem
) -> None:
    database, bucket = storages["database"], storages["s3"]
    # Written while the site was on the database storage.
    item = make_item()
    files = [
        services.add_attachment(actor=people.officer, item=item, filename=f"{n}.pdf", data=pdf_bytes(str(n)))
        for n in range(3)
    ]
    for attachment in files:  # the site wrote them to the bucket; put them back where they were
        data = attachment.read_bytes()
        bucket.delete(attachment.file.name)
        database.save(attachment.file.name, ContentFile(data))
    first, second, third = (a.file.name for a in files)
    # An earlier run copied the first file and stopped before deleting the original; it cut the second
    # copy short.
    bucket.save(first, ContentFile(database.open(first).read()))
    bucket.save(second, ContentFile(b"%PDF-1.4 cut sh"))
    out, _err = _move("s3")
    assert "3 个已从 database 移到 s3" in out
    assert on_s3.keys() == sorted([first, second, third]) and not StoredFile.objects.exists()
    for attachment in files:
        attachment.refresh_from_db()
        assert hashlib.sha256(attachment.read_bytes()).hexdigest() == attachment.sha256


def test_files_move_refuses_a_target_that_is_not_the_configured_storage(on_database_with_s3: S3) -> None:
    with pytest.raises(CommandError, match="GONGKAI_FILE_STORAGE=database"):
        _move("s3")


def test_files_move_names_a_file_found_nowhere_and_exits_1(
    on_s3: S3, people: People, make_item: MakeItem
) -> None:
    item = make_item()
    lost = services.add_attachment(actor=people.officer, item=item, filename="x.pdf", data=pdf_bytes("x"))
    storages["s3"].delete(lost.file.name)
    with pytest.raises(CommandError, match=lost.file.name) as raised:
        _move("s3")
    assert raised.value.returncode == 1
