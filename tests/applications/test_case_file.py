"""The case file (案卷): attachments, the delivery (送达) of letters, the .zip export; who may do what."""

from __future__ import annotations

import csv
import datetime
import hashlib
import html
import io
import re
import zipfile
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from gongkai.applications import selectors, services
from gongkai.applications.clock import ClockState
from gongkai.applications.models import (
    Application,
    AttachmentKind,
    CaseAttachment,
    CaseEvent,
    DeliveryMethod,
    EventKind,
    Letter,
    LetterDelivery,
)
from gongkai.applications.services import case_file, delivery
from gongkai.core.models import AuditEvent
from gongkai.letters.kinds import LetterKind
from gongkai.reports.export.pdf import cjk_font_families
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import CaseMaker, Staff, applicant, request
from tests.pdfs import one_page_pdf

TODAY = datetime.date(2026, 6, 1)
ARRIVED = datetime.date(2026, 3, 2)  # a Monday; received the same day (in person)
PDF = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (signed) Tj ET")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program"


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=ARRIVED)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def working_day(n: int) -> datetime.date:
    """The n-th working day after the case was received."""
    return current_calendar().add_working_days(ARRIVED, n)


def answered(staff: Staff, case: Application, on: datetime.date) -> Letter:
    services.answer(
        actor=staff.officer, application=case, on=on, outcome="granted", how_to_obtain="随本答复书附送"
    )
    return Letter.objects.get(application=case, kind=LetterKind.ANSWER)


def audits() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# --- Attachments --------------------------------------------------------------------------------


def test_an_officer_keeps_a_file_on_the_case_audited_with_its_digest(staff: Staff, case: Application) -> None:
    attachment = case_file.add_attachment(
        actor=staff.officer,
        application=case,
        kind=AttachmentKind.APPLICATION,
        filename="申请表.pdf",
        data=PDF,
    )
    assert (attachment.filename, attachment.file_kind, attachment.size) == ("申请表.pdf", "pdf", len(PDF))
    assert attachment.read_bytes() == PDF and attachment.uploaded_by_label == "officer"
    event = AuditEvent.objects.get(action="application.attachment_added")
    assert event.details["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert event.agency_id == case.agency_id
    assert case.events.order_by("-seq").first().kind == EventKind.ATTACHMENT_ADDED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("说明.txt", "纯文本".encode(), "file_type"),
        ("扫描件.pdf", EXE, "file_type"),  # a renamed executable
        ("回执.docx", PDF, "extension_mismatch"),
    ],
)
def test_what_may_not_be_kept_is_refused_and_nothing_is_written(
    staff: Staff, case: Application, filename: str, data: bytes, code: str
) -> None:
    before = (CaseAttachment.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        case_file.add_attachment(
            actor=staff.officer, application=case, kind=AttachmentKind.OTHER, filename=filename, data=data
        )
    assert refused.value.error_dict["file"][0].code == code
    assert (CaseAttachment.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count()) == before


def test_a_file_over_20_mb_and_a_zip_bomb_docx_are_refused(staff: Staff, case: Application) -> None:
    big = PDF + b" " * (20 * 2**20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/zeros.bin", b"\x00" * (16 * 2**20))
    for filename, data, code in (
        ("大.pdf", big, "too_large"),
        ("炸弹.docx", buffer.getvalue(), "zip_refused"),
    ):
        with pytest.raises(ValidationError) as refused:
            case_file.add_attachment(
                actor=staff.officer, application=case, kind=AttachmentKind.OTHER, filename=filename, data=data
            )
        assert refused.value.error_dict["file"][0].code == code
    assert not CaseAttachment.objects.exists()


def test_only_the_case_officers_upload(staff: Staff, case: Application) -> None:
    for actor in (staff.supervisor, staff.other_officer, staff.reviewer, None):
        with pytest.raises(PermissionDenied):
            case_file.add_attachment(
                actor=actor, application=case, kind=AttachmentKind.OTHER, filename="a.pdf", data=PDF
            )
    assert not CaseAttachment.objects.exists()


def test_removal_needs_a_reason_and_keeps_the_file(staff: Staff, case: Application) -> None:
    attachment = case_file.add_attachment(
        actor=staff.officer, application=case, kind=AttachmentKind.OTHER, filename="误传.pdf", data=PDF
    )
    with pytest.raises(ValidationError):
        case_file.remove_attachment(actor=staff.officer, attachment=attachment, reason="  ")
    with pytest.raises(PermissionDenied):
        case_file.remove_attachment(actor=staff.supervisor, attachment=attachment, reason="x")
    case_file.remove_attachment(actor=staff.officer, attachment=attachment, reason="误传了其他案件的材料")
    kept = CaseAttachment.objects.get(pk=attachment.pk)
    assert kept.removed and kept.removal_reason == "误传了其他案件的材料" and kept.read_bytes() == PDF
    removal = AuditEvent.objects.get(action="application.attachment_removed")
    assert removal.details["reason"] == "误传了其他案件的材料"
    with pytest.raises(ValidationError):
        case_file.remove_attachment(actor=staff.officer, attachment=attachment, reason="再次")


def test_the_case_page_lists_files_and_removal_asks_for_confirmation(staff: Staff, case: Application) -> None:
    attachment = case_file.add_attachment(
        actor=staff.officer,
        application=case,
        kind=AttachmentKind.APPLICATION,
        filename="申请表.pdf",
        data=PDF,
    )
    client = client_for(staff.officer)
    page = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "申请表.pdf" in page and "申请材料" in page and "officer" in page
    remove_url = reverse("cases:attachment_remove", kwargs={"pk": case.pk, "attachment_pk": attachment.pk})
    confirm = client.get(remove_url)
    assert confirm.status_code == 200 and "确定移除" in confirm.content.decode()
    assert not CaseAttachment.objects.get(pk=attachment.pk).removed  # a GET removes nothing
    again = client.post(remove_url, {"reason": ""})
    assert again.status_code == 200 and not CaseAttachment.objects.get(pk=attachment.pk).removed
    done = client.post(remove_url, {"reason": "重复上传"})
    assert done.status_code == 302 and CaseAttachment.objects.get(pk=attachment.pk).removed


def test_upload_through_the_page_shows_what_is_wrong(staff: Staff, case: Application) -> None:
    client = client_for(staff.officer)
    url = reverse("cases:attachment_upload", kwargs={"pk": case.pk})
    bad = client.post(url, {"kind": "other", "file": SimpleUploadedFile("扫描件.pdf", EXE)})
    assert bad.status_code == 200
    assert "只能上传 PDF、Word（.docx）、Excel（.xlsx）文件或图片" in bad.content.decode()
    assert not CaseAttachment.objects.exists()
    good = client.post(url, {"kind": "delivery_proof", "file": SimpleUploadedFile("回执.pdf", PDF)})
    assert good.status_code == 302
    assert CaseAttachment.objects.get().kind == AttachmentKind.DELIVERY_PROOF


def test_download_is_for_the_agency_staff_and_audited(staff: Staff, case: Application) -> None:
    attachment = case_file.add_attachment(
        actor=staff.officer,
        application=case,
        kind=AttachmentKind.APPLICATION,
        filename="身份证复印件.pdf",
        data=PDF,
    )
    url = reverse("cases:attachment", kwargs={"pk": case.pk, "attachment_pk": attachment.pk})
    response = client_for(staff.reviewer).get(url)
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert audits()[-1] == "application.attachment_downloaded"
    assert client_for(staff.other_officer).get(url).status_code == 404  # another agency: not even a hint
    assert client_for(staff.supervisor).get(url).status_code == 403  # sees the case, not personal data
    assert audits().count("application.attachment_downloaded") == 1
    supervisor_page = client_for(staff.supervisor).get(reverse("cases:detail", kwargs={"pk": case.pk}))
    assert "身份证复印件" not in supervisor_page.content.decode()  # file names may name the applicant


def test_another_agency_cannot_upload_or_record_or_export(staff: Staff, case: Application) -> None:
    client = client_for(staff.other_officer)
    pk = case.pk
    assert client.post(reverse("cases:attachment_upload", kwargs={"pk": pk}), {}).status_code == 404
    assert client.post(reverse("cases:delivery", kwargs={"pk": pk}), {}).status_code == 404
    assert client.post(reverse("cases:case_file_export", kwargs={"pk": pk})).status_code == 404
    supervisor = client_for(staff.supervisor)
    assert supervisor.post(reverse("cases:attachment_upload", kwargs={"pk": pk}), {}).status_code == 403
    assert supervisor.post(reverse("cases:case_file_export", kwargs={"pk": pk})).status_code == 403
    assert not AuditEvent.objects.filter(action="application.case_file_exported").exists()


# --- Delivery (送达) ------------------------------------------------------------------------------


def test_delivery_by_post_requires_a_tracking_number(staff: Staff, case: Application) -> None:
    letter = answered(staff, case, working_day(10))
    with pytest.raises(ValidationError) as refused:
        delivery.record_delivery(
            actor=staff.officer, letter=letter, method=DeliveryMethod.POST, delivered_on=working_day(12)
        )
    assert "tracking_number" in refused.value.error_dict
    assert not LetterDelivery.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the rule too
        LetterDelivery.objects.create(letter=letter, method="post", delivered_on=working_day(12))
    recorded = delivery.record_delivery(
        actor=staff.officer,
        letter=letter,
        method=DeliveryMethod.POST,
        delivered_on=working_day(12),
        tracking_number="1234567890123",
        recipient="张三",
    )
    assert recorded.tracking_number == "1234567890123"
    assert audits()[-1] == "letter.delivery_recorded"
    assert case.events.order_by("-seq").first().kind == EventKind.DELIVERY_RECORDED  # type: ignore[union-attr]


def test_delivery_dates_and_proofs_are_checked(staff: Staff, case: Application) -> None:
    letter = answered(staff, case, working_day(10))
    other = case_file.add_attachment(
        actor=staff.officer, application=case, kind=AttachmentKind.OTHER, filename="a.pdf", data=PDF
    )
    for on, proof, field in (
        (working_day(9), None, "delivered_on"),  # before the letter
        (TODAY + datetime.timedelta(days=1), None, "delivered_on"),  # tomorrow
        (working_day(11), other, "proof"),  # not a 送达凭证
    ):
        with pytest.raises(ValidationError) as refused:
            delivery.record_delivery(
                actor=staff.officer, letter=letter, method="in_person", delivered_on=on, proof=proof
            )
        assert field in refused.value.error_dict
    with pytest.raises(PermissionDenied):
        delivery.record_delivery(
            actor=staff.supervisor, letter=letter, method="in_person", delivered_on=working_day(11)
        )
    assert not LetterDelivery.objects.exists()


def test_the_deadline_is_judged_on_the_answer_date_not_the_delivery(staff: Staff, case: Application) -> None:
    """An answer on working day 20 delivered on working day 25 is on time (条例 第三十三条)."""
    due = selectors.clock_of(case, today=TODAY).due_date
    assert due == working_day(20)
    letter = answered(staff, case, working_day(20))
    case.refresh_from_db()
    row_before = Application.objects.filter(pk=case.pk).values().get()
    proof = case_file.add_attachment(
        actor=staff.officer,
        application=case,
        kind=AttachmentKind.DELIVERY_PROOF,
        filename="回执.pdf",
        data=PDF,
    )
    delivery.record_delivery(
        actor=staff.officer,
        letter=letter,
        method=DeliveryMethod.POST,
        delivered_on=working_day(25),
        tracking_number="EMS1234567890",
        proof=proof,
    )
    assert Application.objects.filter(pk=case.pk).values().get() == row_before  # no column moved
    clock = selectors.clock_of(case, today=TODAY)
    assert clock.state == ClockState.ANSWERED and clock.due_date == due
    case.refresh_from_db()
    assert case.answered_on == case.counted_answer_on == working_day(20)


def test_an_answer_made_on_day_25_is_late_whatever_its_delivery(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=ARRIVED)
    answered(staff, case, working_day(25))
    assert selectors.clock_of(case, today=TODAY).state == ClockState.ANSWERED_LATE


def test_letters_awaiting_delivery_and_the_cases_flag(staff: Staff, case: Application) -> None:
    letter = answered(staff, case, working_day(10))
    assert selectors.answer_awaiting_delivery(case)
    awaiting = list(selectors.letters_awaiting_delivery(staff.agency, kinds=[LetterKind.ANSWER]))
    assert awaiting == [letter]
    assert letter in selectors.letters_awaiting_delivery(staff.agency)
    assert not selectors.letters_awaiting_delivery(staff.other_agency).exists()
    page = client_for(staff.officer).get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "待送达" in page
    delivery.record_delivery(
        actor=staff.officer, letter=letter, method=DeliveryMethod.EMAIL, delivered_on=working_day(10)
    )
    assert not selectors.answer_awaiting_delivery(case)
    assert letter not in selectors.letters_awaiting_delivery(staff.agency)
    page = client_for(staff.officer).get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "答复书尚未登记送达" not in page and "电子邮件" in page


def test_the_delivery_form_shows_the_missing_tracking_number(staff: Staff, case: Application) -> None:
    letter = answered(staff, case, working_day(10))
    client = client_for(staff.officer)
    url = reverse("cases:delivery", kwargs={"pk": case.pk})
    data = {"letter": letter.pk, "method": "post", "delivered_on": working_day(12).isoformat()}
    response = client.post(url, data)
    assert response.status_code == 200 and "邮寄送达须填写邮件单号" in response.content.decode()
    assert not LetterDelivery.objects.exists()
    assert client.post(url, {**data, "tracking_number": "XA123456789CN"}).status_code == 302
    assert LetterDelivery.objects.get().tracking_number == "XA123456789CN"


# --- Export ---------------------------------------------------------------------------------------


def test_the_export_holds_cover_letters_files_and_a_true_manifest(staff: Staff, case: Application) -> None:
    letter = answered(staff, case, working_day(10))
    proof = case_file.add_attachment(
        actor=staff.officer,
        application=case,
        kind=AttachmentKind.DELIVERY_PROOF,
        filename="签收单.pdf",
        data=PDF,
    )
    removed = case_file.add_attachment(
        actor=staff.officer,
        application=case,
        kind=AttachmentKind.OTHER,
        filename="误传.pdf",
        data=PDF + b"\n",
    )
    case_file.remove_attachment(actor=staff.officer, attachment=removed, reason="误传")
    delivery.record_delivery(
        actor=staff.officer,
        letter=letter,
        method="post",
        delivered_on=working_day(12),
        tracking_number="1234567890123",
        proof=proof,
    )
    response = client_for(staff.officer).post(reverse("cases:case_file_export", kwargs={"pk": case.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    # Consuming the stream closes the response (the test client's wrapper); closing it again would end the
    # database connection on PostgreSQL.
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = archive.namelist()
    root = f"案卷-{case.reference}"
    assert all(name.startswith(root + "/") for name in names)
    assert all(info.flag_bits & 0x800 for info in archive.infolist())  # UTF-8 names
    letters = list(case.letters.order_by("issued_on", "pk"))
    assert sum("/文书/" in name for name in names) == len(letters) >= 2  # receipt and answer
    answer_member = next(n for n in names if "/文书/" in n and n.endswith(letter.filename))
    assert archive.read(answer_member) == letter.read_docx()
    assert any(n.endswith("送达凭证-签收单.pdf") and "/案卷材料/" in n for n in names)
    assert any(n.endswith("其他-误传.pdf") and "/已移除的材料/" in n for n in names)
    cover = archive.read(next(n for n in names if n.endswith(".html"))).decode()
    assert case.reference in cover and "作出答复" in cover and "1234567890123" in cover
    printed = [n for n in names if n.endswith("封面与办理记录.pdf")]
    if cjk_font_families():  # the server can print Chinese: the cover is a PDF too
        assert archive.read(printed[0]).startswith(b"%PDF-")
    else:
        assert printed == []
    rows = list(csv.reader(io.StringIO(archive.read(f"{root}/manifest.csv").decode("utf-8-sig"))))
    listed = {row[0]: (int(row[1]), row[2]) for row in rows[1:]}
    assert set(listed) == set(names) - {f"{root}/manifest.csv"}
    for name, (size, digest) in listed.items():
        data = archive.read(name)
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest)
    exported = AuditEvent.objects.get(action="application.case_file_exported")
    assert exported.details == {"files": len(listed), "sha256": hashlib.sha256(body).hexdigest()}
    assert exported.actor == staff.officer


def test_export_through_the_service_is_for_staff_only(staff: Staff, case: Application) -> None:
    with pytest.raises(PermissionDenied):
        case_file.export_case_file(actor=staff.supervisor, application=case)
    with pytest.raises(PermissionDenied):
        case_file.export_case_file(actor=staff.other_officer, application=case)
    with case_file.export_case_file(actor=staff.head, application=case) as archive:
        assert zipfile.ZipFile(archive).testzip() is None


def test_the_case_file_section_in_english_leaves_only_data_in_chinese(
    staff: Staff, case: Application
) -> None:
    letter = answered(staff, case, working_day(10))
    proof = case_file.add_attachment(
        actor=staff.officer,
        application=case,
        kind=AttachmentKind.DELIVERY_PROOF,
        filename="签收单.pdf",
        data=PDF,
    )
    removed = case_file.add_attachment(
        actor=staff.officer,
        application=case,
        kind=AttachmentKind.OTHER,
        filename="误传.pdf",
        data=PDF + b"\n",
    )
    case_file.remove_attachment(actor=staff.officer, attachment=removed, reason="误传")
    delivery.record_delivery(
        actor=staff.officer,
        letter=letter,
        method="post",
        delivered_on=working_day(12),
        tracking_number="1234567890123",
        recipient="张三",
        proof=proof,
    )
    client = client_for(staff.officer)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("cases:detail", kwargs={"pk": case.pk}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    section = page[page.index('id="case-file"') : page.index("</section>", page.index('id="case-file"'))]
    text = re.sub(r"<[^>]+>", " ", html.unescape(section))
    data = ["签收单.pdf", "误传.pdf", "误传", "张三"] + [f"{x.title} {x.number}" for x in case.letters.all()]
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    assert "Case file" in text and "Proof of delivery" in text
    assert not re.search(r"[\u3400-\u4dbf\u4e00-\u9fff]", text), text


def test_an_online_receipt_is_delivered_on_the_submission_page(staff: Staff) -> None:
    case, _secret, _created = services.submit_online(
        agency=staff.agency, applicant=applicant(), request=request(), submission_key="r" * 32
    )
    receipt = Letter.objects.get(application=case, kind="receipt")
    (sent,) = LetterDelivery.objects.filter(letter=receipt)
    assert (sent.method, sent.delivered_on, sent.recorded_by) == ("online", receipt.issued_on, None)
    assert "delivery_recorded" in CaseEvent.objects.filter(application=case).values_list("kind", flat=True)
    assert receipt not in selectors.letters_awaiting_delivery(staff.agency)
