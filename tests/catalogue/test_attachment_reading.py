"""A catalogue file is read after its upload answered: the job ``catalogue.extract_attachment``.

The upload stores the file unread (its kind sniffed from the bytes) without starting the limited child
process; the job extracts the text, keeps what could not be checked, refreshes the search and scans the
entry. Until then — and after a failed reading, until it is read again — the entry cannot be submitted,
passed in review, approved or published, with a Chinese message that says why and what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from gongkai.catalogue import extract, indexing, scanning, services
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import Attachment, Item, Reading, Status
from gongkai.core.models import AuditEvent
from gongkai.documents import isolated
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job, JobStatus
from tests.catalogue.conftest import MakeItem, People, attach, docx_bytes, pdf_bytes, resident_id

ID = resident_id(5)
UNREAD = "尚未读取完毕"
JOB = "catalogue.extract_attachment"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def child_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files read in the limited child process (the real one runs: this only counts)."""
    calls: list[str] = []
    real = isolated.run_isolated

    def counting(function: Callable[..., Any], data: bytes, kind: str, *rest: Any) -> Any:
        calls.append(kind)
        return real(function, data, kind, *rest)

    monkeypatch.setattr(extract, "run_isolated", counting)
    return calls


def reading_job(attachment: Attachment) -> Job:
    assert attachment.reading_job is not None
    return Job.objects.get(pk=attachment.reading_job)


def result(job: Job) -> dict[str, Any]:
    assert isinstance(job.result, dict)
    return job.result


def upload(client: Client, item: Item, name: str, data: bytes) -> Any:
    return client.post(f"/manage/catalogue/{item.pk}/attachments/", {"file": SimpleUploadedFile(name, data)})


def test_the_upload_answers_without_reading_then_the_job_reads_and_scans(
    people: People, make_item: MakeItem, child_runs: list[str]
) -> None:
    item = make_item()
    client = client_for(people.officer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = upload(client, item, "名单.docx", docx_bytes(f"身份证号：{ID}"))
        # The request has answered: the file is stored, unread, and no child process was started.
        assert response.status_code == 302
        assert child_runs == []
        attachment = item.attachments.get()
        assert (attachment.reading, attachment.text, attachment.kind) == (Reading.PENDING, "", "docx")
        page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
        assert "正在读取附件…" in page and "不能提交审查" in page
        assert "附件：名单.docx" not in page
    # The job ran once the upload committed: read once, in the child, and scanned.
    assert child_runs == ["docx"]
    attachment.refresh_from_db()
    assert attachment.reading == Reading.DONE and ID in attachment.text
    job = reading_job(attachment)
    assert job.kind == "catalogue.extract_attachment" and job.status == JobStatus.SUCCEEDED
    assert result(job)["findings"] == 1 and result(job)["next_url"] == f"/manage/catalogue/{item.pk}/"
    assert AuditEvent.objects.filter(action="catalogue.attachment_read", object_id=str(item.pk)).count() == 1
    assert {(f.source, f.hit.kind) for f in scanning.scan_item(item)} == {("attachment", "resident_id")}
    assert indexing.search(Item.objects.all(), "身份证号").get() == item
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "正在读取附件…" not in page and "附件：名单.docx" in page and "在附件中涂黑" in page


def test_an_unread_file_blocks_every_step_that_relies_on_the_scan(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    services.add_attachment(actor=people.officer, item=item, filename="a.pdf", data=pdf_bytes("a"))
    # (the on-commit callback that enqueues the job never runs in this test: the file stays unread)
    with pytest.raises(CatalogueError) as refused:
        services.submit(actor=people.officer, item=item)
    assert "附件“a.pdf”尚未读取完毕，还没有经过隐私检查，暂不能“提交审查”" in refused.value.messages[0]
    assert "重新读取" in refused.value.messages[0]
    steps: list[tuple[str, Callable[..., Item], Any, str]] = [
        (Status.SUBMITTED, services.review_pass, people.reviewer, "保密审查通过"),
        (Status.REVIEWED, services.approve, people.leader, "领导审批同意"),
        (Status.APPROVED, services.publish, people.officer, "发布"),
    ]
    for status, step, actor, label in steps:
        Item.objects.filter(pk=item.pk).update(status=status)
        with pytest.raises(CatalogueError, match=f"{UNREAD}.*暂不能“{label}”"):
            step(actor=actor, item=item)
        assert Item.objects.get(pk=item.pk).status == status
    # The page's button says so too, without a 500.
    Item.objects.filter(pk=item.pk).update(status=Status.DRAFT)
    page = client_for(people.officer).post(f"/manage/catalogue/{item.pk}/submit/", {"note": ""}, follow=True)
    assert page.status_code == 200 and UNREAD in page.content.decode()
    assert Item.objects.get(pk=item.pk).status == Status.DRAFT


def test_a_failed_reading_shows_on_the_entry_and_is_read_again(
    people: People, make_item: MakeItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = make_item()
    real = extract.extract_text

    def broken(data: bytes, filename: str = "") -> extract.Extracted:
        raise OSError("the worker lost its child process")

    monkeypatch.setattr(extract, "extract_text", broken)
    attachment = attach(actor=people.officer, item=item, filename="a.pdf", data=pdf_bytes(f"ID {ID}"))
    assert attachment.reading == Reading.PENDING
    failed = reading_job(attachment)
    assert failed.status == JobStatus.FAILED
    client = client_for(people.officer)
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "读取失败" in page and "重新读取" in page
    with pytest.raises(CatalogueError, match=UNREAD):
        services.submit(actor=people.officer, item=item)
    # Someone who may not edit the entry cannot start it again; another agency does not see it.
    reread = f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/read/"
    assert client_for(people.reviewer).post(reread).status_code == 403
    assert client_for(people.other_officer).post(reread).status_code == 404
    monkeypatch.setattr(extract, "extract_text", real)  # the worker is well again
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reread, follow=True)
    assert "已重新开始读取附件“a.pdf”" in response.content.decode()
    attachment.refresh_from_db()
    assert attachment.reading == Reading.DONE and ID in attachment.text
    assert attachment.reading_job != failed.pk
    assert AuditEvent.objects.filter(action="catalogue.attachment_reread").count() == 1
    # Read once: asking again is refused with the reason.
    page = client.post(reread, follow=True).content.decode()
    assert "已经读取并检查完毕" in page
    keys = [f.key for f in scanning.scan_item(item)]  # the officer acknowledges the hit (the privacy gate)
    item = services.submit(actor=people.officer, item=item, acknowledge=keys)
    assert item.status == Status.SUBMITTED


def test_the_job_is_idempotent_and_skips_a_deleted_file(people: People, make_item: MakeItem) -> None:
    item = make_item()
    attachment = attach(actor=people.officer, item=item, filename="a.pdf", data=pdf_bytes("alpha"))
    job = reading_job(attachment)
    assert job.status == JobStatus.SUCCEEDED and result(job)["read"] is True
    # The same work again (a rerun after a killed worker, a retry from the job page): nothing is read twice.
    params = {"attachment": attachment.pk, "item": item.pk}
    again = jobs.start(JOB, actor=people.officer, agency=item.agency, params=params, run_now=True)
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED and result(again)["read"] is False
    assert AuditEvent.objects.filter(action="catalogue.attachment_read").count() == 1
    assert Attachment.objects.get(pk=attachment.pk).text == attachment.text
    # A file deleted before its job ran: the job ends without error and reads nothing.
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        second = services.add_attachment(
            actor=people.officer, item=item, filename="b.pdf", data=pdf_bytes("b")
        )
    services.remove_attachment(actor=people.officer, attachment=second)
    for callback in callbacks:
        callback()
    gone = reading_job(second)
    assert gone.status == JobStatus.SUCCEEDED and result(gone)["read"] is False
    assert AuditEvent.objects.filter(action="catalogue.attachment_read").count() == 1
