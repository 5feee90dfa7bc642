"""Redaction of attachments that really removes the text (issue 15, item 4): a PDF's page is rasterised
with black boxes and keeps no text layer, a .docx has the text replaced in its runs (also when Word split
it), an image is refused with the reason; the original is kept sealed and each redaction is audited."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import docx
import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, TestCase

from gongkai.catalogue import scanning, services
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import Attachment, Item
from gongkai.catalogue.services import redaction
from gongkai.catalogue.services.redaction import read_original
from gongkai.core import storage
from gongkai.core.i18n import render
from gongkai.core.messages import message_from_json
from gongkai.core.models import AuditEvent
from gongkai.documents import office
from gongkai.documents.redact import redact, residual_text
from gongkai.jobs import runner
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job, JobStatus, JobStep
from tests.catalogue.conftest import (
    MakeItem,
    People,
    attach,
    doc_bytes,
    pdf_bytes,
    png_bytes,
    resident_id,
)
from tests.support.ofd import Page, Run, write_ofd

pytestmark = pytest.mark.django_db

ID = resident_id(33)


def split_runs_docx() -> bytes:
    """A .docx whose number Word split over three runs (bold in the middle), with a header and a word."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = f"内部编号 {ID}"
    paragraph = document.add_paragraph("申请人身份证号：")
    paragraph.add_run(ID[:6])
    paragraph.add_run(ID[6:14]).bold = True
    paragraph.add_run(ID[14:] + "，请核对帐户。")
    document.add_paragraph("其他内容保持不变。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    return "\n".join(parts)


def redact_file(actor: Any, attachment: Attachment, spots: Any = None) -> Attachment:
    """``services.redact_attachment``, then the reading job of the new file run (as a worker would)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.redact_attachment(actor=actor, attachment=attachment, spots=spots)
    attachment.refresh_from_db()
    return attachment


def test_a_docx_split_over_runs_is_redacted_in_place_and_the_original_sealed(
    people: People, make_item: MakeItem
) -> None:
    services.add_sensitive_word(actor=people.officer, agency=people.agency, word="帐户", correction="账户")
    item = make_item()
    original = split_runs_docx()
    attachment = attach(actor=people.officer, item=item, filename="名单.docx", data=original)
    assert {f.hit.kind for f in scanning.scan_item(item)} == {"resident_id", "sensitive_word"}

    attachment = redact_file(people.officer, attachment)
    redacted = attachment.read_bytes()
    text = docx_text(redacted)
    assert ID not in text and f"{ID[:6]}********{ID[-4:]}" in text  # in the body and in the header
    assert "请核对账户" in text and "其他内容保持不变。" in text  # the word corrected, the rest kept
    assert ID not in attachment.text and not scanning.scan_item(item)  # read again: nothing left

    assert read_original(attachment) == original  # the original, sealed for the record
    assert ID.encode() not in storage.read_bytes(attachment.original_file) and attachment.original_sha256
    (record,) = attachment.redactions
    assert record["actor"] and record["at"] and len(record["hits"]) == 3
    audit = AuditEvent.objects.get(action="catalogue.attachment_redacted")
    assert audit.actor_id == people.officer.pk and ID not in str(audit.details)
    assert audit.details["sha256_before"] != audit.details["sha256_after"] == attachment.sha256


def test_a_pdf_page_is_rasterised_with_no_text_left_under_the_box(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    data = pdf_bytes("Applicant Zhang", f"ID {ID} end of line", "second line")
    attachment = attach(actor=people.officer, item=item, filename="申请.pdf", data=data)
    (finding,) = scanning.scan_item(item)
    attachment = redact_file(
        people.officer, attachment, [(finding.hit.start, finding.hit.end, finding.hit.kind)]
    )
    with pdfplumber.open(io.BytesIO(attachment.read_bytes())) as pdf:
        assert len(pdf.pages) == 1
        assert (pdf.pages[0].extract_text() or "") == ""  # an image page: no text layer at all
        assert pdf.pages[0].images
    assert read_original(attachment) == data
    # What is left on the page ("Applicant Zhang", "ID ■ end of line", …) was scanned before it became an
    # image: the page asks no manual check.
    assert attachment.redactions[0]["checked_pages"] == [1]
    assert attachment.extraction_problems == [] and not scanning.scan_item(item)


def test_a_rasterised_page_with_a_hit_left_on_it_asks_a_person_to_check(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    data = pdf_bytes(f"ID {ID} end of line", "phone 13800138000 stays", "second line")
    attachment = attach(actor=people.officer, item=item, filename="申请.pdf", data=data)
    (number,) = [f for f in scanning.scan_item(item) if f.hit.kind == "resident_id"]
    attachment = redact_file(
        people.officer, attachment, [(number.hit.start, number.hit.end, number.hit.kind)]
    )
    # The phone number is now inside the image of page 1: no scanner can see it, so a person must.
    assert attachment.redactions[0]["pages"] == [1] and attachment.redactions[0]["checked_pages"] == []
    (finding,) = scanning.scan_item(item)
    assert finding.unchecked


def test_the_text_left_on_a_page_is_known_only_when_the_occurrences_agree() -> None:
    assert residual_text(f"身份证号 {ID[:9]}\n{ID[9:]} 其余", {ID: 1}) == "身份证号 ■ 其余"
    assert residual_text(f"{ID} {ID}", {ID: 1}) is None  # the page's text disagrees with the count


def test_the_pdf_redaction_keeps_other_pages_and_refuses_a_missing_term() -> None:
    first = pdf_bytes("page with nothing")
    answer = redact("pdf", first, [(ID, "")])
    assert answer["found"] == {} and answer["pages"] == []
    with pdfplumber.open(io.BytesIO(answer["data"])) as pdf:
        assert "page with nothing" in (pdf.pages[0].extract_text() or "")
    assert redact("pdf", b"%PDF-1.4 broken", [(ID, "")])["error"] == "broken"
    assert redact("image", b"", [(ID, "")])["error"] == "unsupported"


def test_an_image_cannot_be_redacted_and_says_why(people: People, make_item: MakeItem) -> None:
    item = make_item()
    attachment = attach(actor=people.officer, item=item, filename="照片.png", data=png_bytes())
    with pytest.raises(CatalogueError) as refused:
        services.redact_attachment(actor=people.officer, attachment=attachment)
    assert "OCR" in refused.value.messages[0]


def test_the_reviewer_redacts_during_the_review_and_the_leader_may_not(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    attachment = attach(actor=people.officer, item=item, filename="名单.docx", data=split_runs_docx())
    item = services.submit(
        actor=people.officer, item=item, acknowledge=[f.key for f in scanning.scan_item(item)]
    )
    with pytest.raises(PermissionDenied):
        services.redact_attachment(actor=people.leader, attachment=attachment)
    client = Client()
    client.force_login(people.reviewer)
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "在附件中涂黑" in page
    (finding,) = [f for f in scanning.scan_item(item) if f.hit.kind == "resident_id"][:1]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/redact/",
            {"start": finding.hit.start, "end": finding.hit.end, "kind": finding.hit.kind},
            follow=True,
        )
    assert "已开始涂黑附件" in response.content.decode()  # the job runs once the request has committed
    assert "原文件已封存备查" in client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert (
        Item.objects.get(pk=item.pk).events.filter(action="attachment_redact", actor=people.reviewer).exists()
    )
    attachment.refresh_from_db()
    # The same number is removed wherever the file holds it (here in the header too).
    assert ID not in docx_text(attachment.read_bytes())


def test_pdfs_and_images_open_in_the_browser_other_files_download(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    pdf = attach(actor=people.officer, item=item, filename="通知.pdf", data=pdf_bytes("hello"))
    word = attach(actor=people.officer, item=item, filename="表.docx", data=split_runs_docx())
    client = Client()
    client.force_login(people.officer)
    shown = client.get(f"/manage/catalogue/{item.pk}/attachments/{pdf.pk}/")
    assert shown["Content-Type"] == "application/pdf" and shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    saved = client.get(f"/manage/catalogue/{item.pk}/attachments/{pdf.pk}/?download=1")
    assert saved["Content-Disposition"].startswith("attachment")
    other = client.get(f"/manage/catalogue/{item.pk}/attachments/{word.pk}/")
    assert other["Content-Disposition"].startswith("attachment")


# --- Old Word and WPS files: printed to PDF, then redacted; redaction as a job ---------------------------

NEEDS_OFFICE = pytest.mark.skipif(office.program() is None, reason="LibreOffice is not installed")


def two_page_docx(number: str) -> bytes:
    """Page 1 holds the number; page 2 only other text (a page break between)."""
    document = docx.Document()
    document.add_paragraph(f"补贴发放名单：张三，身份证号 {number}，面积 12 亩。")
    document.add_page_break()
    document.add_paragraph("第二页：发放方式为一卡通，保持不变。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def failure(job: Job) -> str:
    """Why ``job`` failed, as its page says it."""
    message = message_from_json(job.error)
    assert message is not None
    return render(message)


def pdf_pages_text(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@NEEDS_OFFICE
def test_a_doc_is_confirmed_printed_to_pdf_redacted_and_renamed(people: People, make_item: MakeItem) -> None:
    item = make_item()
    original = doc_bytes(two_page_docx(ID))
    attachment = attach(actor=people.officer, item=item, filename="补贴名单.doc", data=original)
    assert attachment.kind == "doc" and ID in attachment.text
    (finding,) = scanning.scan_item(item)
    spot = {"start": finding.hit.start, "end": finding.hit.end, "kind": finding.hit.kind}
    client = Client()
    client.force_login(people.officer)
    url = f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/redact/"

    # The entry page says so on the button; the first click only shows what will happen.
    assert "将转换为 PDF" in client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    page = client.post(url, spot)
    text = page.content.decode()
    assert page.status_code == 200 and "补贴名单.pdf" in text and "确认涂黑并转换为 PDF" in text
    assert finding.hit.masked in text and ID not in text
    assert not Job.objects.filter(kind=redaction.JOB_KIND).exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(url, {**spot, "confirmed": "1"}, follow=True)
    assert "已开始涂黑附件" in answer.content.decode()  # the job runs once the request has committed
    assert "原文件已封存备查" in client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    attachment.refresh_from_db()
    assert (attachment.filename, attachment.kind, attachment.content_type) == (
        "补贴名单.pdf",
        "pdf",
        "application/pdf",
    )
    data = attachment.read_bytes()
    assert data.startswith(b"%PDF-") and ID.encode() not in data
    first, second = pdf_pages_text(data)
    assert first == ""  # the page with the number is an image: no text layer under the box
    assert "发放方式为一卡通" in second  # the other page keeps its text
    assert read_original(attachment) == original  # the .doc as uploaded, sealed
    assert ID not in attachment.text and not scanning.scan_item(item)  # read again: nothing left
    (record,) = attachment.redactions
    assert record["filename_before"] == "补贴名单.doc" and record["pages"] == [1]
    assert record["checked_pages"] == [1] and attachment.extraction_problems == []
    audit = AuditEvent.objects.get(action="catalogue.attachment_redacted")
    assert audit.details["kind_before"] == "doc" and audit.details["kind"] == "pdf"
    assert ID not in str(audit.details)
    # The public reads the PDF inline under its new name.
    shown = client.get(f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/")
    assert shown["Content-Type"] == "application/pdf" and "pdf" in shown["Content-Disposition"]


def test_a_second_click_joins_the_running_job_and_a_rerun_redacts_once(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    attachment = attach(actor=people.officer, item=item, filename="名单.docx", data=split_runs_docx())
    with TestCase.captureOnCommitCallbacks(execute=False):  # no worker yet: the job waits
        job = services.redact_attachment(actor=people.officer, attachment=attachment)
        again = services.redact_attachment(actor=people.officer, attachment=attachment)
    assert again.pk == job.pk and Job.objects.filter(kind=redaction.JOB_KIND).count() == 1
    page = Client()
    page.force_login(people.officer)
    assert "正在涂黑附件" in page.get(f"/manage/catalogue/{item.pk}/").content.decode()

    assert runner.execute(job.pk) == JobStatus.SUCCEEDED
    attachment.refresh_from_db()
    after = attachment.sha256
    assert len(attachment.redactions) == 1 and ID not in docx_text(attachment.read_bytes())
    # The worker died after the write committed: the job is run again, finds its step done.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    assert runner.execute(job.pk) == JobStatus.SUCCEEDED
    attachment.refresh_from_db()
    assert attachment.sha256 == after and len(attachment.redactions) == 1
    assert AuditEvent.objects.filter(action="catalogue.attachment_redacted").count() == 1
    # A job started for the file as it was (the same parameters) leaves the redacted file alone.
    stale = jobs.start(redaction.JOB_KIND, actor=people.officer, agency=item.agency, params=job.params)
    assert runner.execute(stale.pk) == JobStatus.FAILED
    stale.refresh_from_db()
    assert "已经变化" in failure(stale)
    attachment.refresh_from_db()
    assert attachment.sha256 == after and len(attachment.redactions) == 1


def test_a_worker_dying_in_the_write_leaves_the_file_as_it_was(
    people: People, make_item: MakeItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = make_item()
    original = split_runs_docx()
    attachment = attach(actor=people.officer, item=item, filename="名单.docx", data=original)
    with TestCase.captureOnCommitCallbacks(execute=False):
        job = services.redact_attachment(actor=people.officer, attachment=attachment)

    def die(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(redaction, "record_audit", die)  # the last write of the step
    assert runner.execute(job.pk) == JobStatus.FAILED
    attachment.refresh_from_db()
    assert attachment.read_bytes() == original and attachment.sha256 == hashlib.sha256(original).hexdigest()
    assert not attachment.original_file and attachment.redactions == [] and attachment.filename == "名单.docx"
    assert not JobStep.objects.filter(job=job).exists()
    monkeypatch.undo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        jobs.retry(Job.objects.get(pk=job.pk), actor=people.officer)
    attachment.refresh_from_db()
    assert len(attachment.redactions) == 1 and read_original(attachment) == original
    assert ID not in docx_text(attachment.read_bytes())


def test_a_failed_redaction_says_why_on_the_entry_page(people: People, make_item: MakeItem) -> None:
    item = make_item()
    attachment = attach(actor=people.officer, item=item, filename="名单.docx", data=split_runs_docx())
    with TestCase.captureOnCommitCallbacks(execute=False):
        job = services.redact_attachment(actor=people.officer, attachment=attachment)
    # Meanwhile the officer replaced the file's bytes (as a new upload would have).
    Attachment.objects.filter(pk=attachment.pk).update(sha256="0" * 64)
    assert runner.execute(job.pk) == JobStatus.FAILED
    client = Client()
    client.force_login(people.officer)
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "涂黑未完成，附件未作修改" in page and "已经变化" in page


def test_an_ofd_cannot_be_redacted_and_is_told_to_upload_a_pdf(people: People, make_item: MakeItem) -> None:
    item = make_item()
    data = write_ofd([Page(runs=[Run(20, 30, 5, f"身份证号{ID}", [5.0] * (4 + len(ID)))])])
    attachment = attach(actor=people.officer, item=item, filename="名单.ofd", data=data)
    assert attachment.kind == "ofd" and ID in attachment.text
    with pytest.raises(CatalogueError) as refused:
        services.redact_attachment(actor=people.officer, attachment=attachment)
    assert "OFD" in refused.value.messages[0] and "PDF" in refused.value.messages[0]
    assert not Job.objects.filter(kind=redaction.JOB_KIND).exists()
