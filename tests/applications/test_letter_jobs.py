"""Letters rendered after the request (issue 13): the step writes the letter's record (number, date, kind,
title, text, layout); the ``applications.render_letter`` job makes its .docx. Every test here issues letters
as production does (``letters_by_job``); the job runs when the callbacks captured from the step's commit
are run, i.e. when a worker would pick it up."""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from gongkai.applications import lettering
from gongkai.applications.models import Application, CaseEvent, EventKind, Letter
from gongkai.applications.services.case_file import export_case_file
from gongkai.core.models import AuditEvent, NumberSeries
from gongkai.jobs import services as jobs
from gongkai.jobs.selectors import latest
from tests.applications.conftest import CaseMaker, Staff, resident_id
from tests.conftest import Tree

pytestmark = pytest.mark.usefixtures("letters_by_job")

TODAY = datetime.date(2026, 6, 1)
Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def apply_form(agency_pk: int) -> dict[str, str]:
    return {
        "agency": str(agency_pk),
        "applicant_type": "natural_person",
        "applicant_name": "李四",
        "id_type": "resident_id",
        "id_number": resident_id(7),
        "contact_person": "",
        "phone": "13812345678",
        "email": "lisi@example.com",
        "address": "示范市甲县人民路88号",
        "postcode": "100000",
        "description": "2025年甲县财政局部门预算执行情况的说明",
        "requested_form": "electronic",
        "delivery": "online",
        "consent": "on",
        "submission_key": uuid.uuid4().hex,
    }


def downloads_of(letter: Letter) -> int:
    return AuditEvent.objects.filter(action="letter.downloaded", object_id=str(letter.pk)).count()


@pytest.mark.django_db
def test_the_receipt_page_answers_before_the_docx_and_offers_it_once_made(
    client: Client, tree: Tree, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:  # the worker has not run yet
        response = client.post("/apply/", apply_form(tree.county_a_finance.pk))
    assert response.status_code == 302
    case = Application.objects.get()
    # The letter's record and number exist at once, before any rendering.
    letter = Letter.objects.get(application=case, kind="receipt")
    assert letter.number and letter.issued_on == TODAY and "李四" in letter.text
    assert letter.rendered_at is None and letter.read_docx() == b""
    assert CaseEvent.objects.filter(
        application=case, kind=EventKind.LETTER_ISSUED, data__letter_id=letter.pk
    ).exists()
    download_url = reverse("public:status_letter", args=[case.tracking_code, letter.pk])

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "回执正在生成" in html and 'http-equiv="refresh"' in html
    assert download_url not in html
    secret = page.context["secret"]
    assert secret and secret in html
    # The page refreshes itself: the secret (shown once) stays for the refreshes while the letter is made.
    assert client.get(response["Location"]).context["secret"] == secret

    # The download answers the Chinese waiting page, not an empty file; nothing is audited as downloaded.
    waiting = client.get(download_url)
    assert waiting.status_code == 202
    assert "文书正在生成，请稍后刷新" in waiting.content.decode()
    assert not waiting.content.startswith(b"PK") and downloads_of(letter) == 0
    status = client.get(reverse("public:status_detail", args=[case.tracking_code]))
    assert 'http-equiv="refresh"' in status.content.decode()
    assert download_url not in status.content.decode()

    for callback in callbacks:  # the worker runs the job
        callback()
    letter.refresh_from_db()
    assert letter.rendered_at is not None and letter.read_docx()[:2] == b"PK"

    ready = client.get(response["Location"])
    html = ready.content.decode()
    assert download_url in html and "回执正在生成" not in html and 'http-equiv="refresh"' not in html
    assert ready.context["secret"] == secret  # shown a last time, with the letter
    assert client.get(response["Location"]).context["secret"] == ""
    download = client.get(download_url)
    assert download.status_code == 200 and download.content == letter.read_docx()
    assert downloads_of(letter) == 1
    status = client.get(reverse("public:status_detail", args=[case.tracking_code]))
    assert download_url in status.content.decode() and 'http-equiv="refresh"' not in status.content.decode()


@pytest.mark.django_db
def test_rendering_twice_gives_one_letter_one_number_one_file(
    staff: Staff, make_case: CaseMaker, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(arrived_on=datetime.date(2026, 5, 20))
    letter = Letter.objects.get(application=case)
    first, made_at = letter.read_docx(), letter.rendered_at
    assert first[:2] == b"PK" and made_at is not None
    series = list(NumberSeries.objects.values_list("pk", "last"))

    # The job again (a retry, a second worker): nothing changes.
    job = jobs.start(
        lettering.RENDER_KIND, actor=None, agency=staff.agency, params={"letter_id": letter.pk}, run_now=True
    )
    assert job.status == "succeeded"
    letter.refresh_from_db()
    assert letter.read_docx() == first and letter.rendered_at == made_at
    # A worker killed after writing but before the job was marked done renders from the same layout: the
    # very same bytes.
    Letter.objects.filter(pk=letter.pk).update(file="", rendered_at=None)
    lettering.render(letter.pk)
    letter.refresh_from_db()
    assert letter.read_docx() == first
    assert Letter.objects.filter(application=case).count() == 1
    assert list(NumberSeries.objects.values_list("pk", "last")) == series


@pytest.mark.django_db
def test_a_failed_render_keeps_the_letter_and_the_officer_retries_it(
    staff: Staff, make_case: CaseMaker, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        case = make_case(arrived_on=datetime.date(2026, 5, 20))
    letter = Letter.objects.get(application=case)
    layout = letter.layout
    Letter.objects.filter(pk=letter.pk).update(layout="{not a layout")  # what the job cannot print
    events = CaseEvent.objects.filter(application=case).count()
    for callback in callbacks:
        callback()
    letter.refresh_from_db()
    assert letter.rendered_at is None and letter.read_docx() == b""
    assert "无法生成文书" in letter.render_error and letter.number in letter.render_error
    # The job failed with the Chinese reason on its page.
    job = latest(lettering.RENDER_KIND, params_contains={"letter_id": letter.pk})
    assert job is not None and job.status == "failed"
    assert "无法生成文书" in str(job.error) and letter.number in str(job.error)
    # The case and the letter's record stay as they were.
    assert CaseEvent.objects.filter(application=case).count() == events
    assert Letter.objects.filter(application=case).count() == 1

    officer = client_for(staff.officer)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    retry_url = reverse("cases:render_letter", args=[case.pk, letter.pk])
    assert "Word 文件生成失败" in page and letter.render_error in page and retry_url in page
    waiting = officer.get(f"/cases/{case.pk}/letters/{letter.pk}/")
    assert waiting.status_code == 202 and "文书正在生成，请稍后刷新" in waiting.content.decode()
    assert downloads_of(letter) == 0

    # Another agency's officer cannot retry it.
    assert client_for(staff.other_officer).post(retry_url).status_code in {403, 404}
    assert not AuditEvent.objects.filter(action="application.letter_render_retried").exists()

    Letter.objects.filter(pk=letter.pk).update(layout=layout)  # the cause is repaired
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(retry_url)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.rendered_at is not None and letter.render_error == "" and letter.read_docx()[:2] == b"PK"
    assert (
        AuditEvent.objects.filter(action="application.letter_render_retried", actor=staff.officer).count()
        == 1
    )
    download = officer.get(f"/cases/{case.pk}/letters/{letter.pk}/")
    assert download.status_code == 200 and download.content == letter.read_docx()
    # Once made, a retry is refused with a message and starts nothing.
    officer.post(retry_url)
    assert AuditEvent.objects.filter(action="application.letter_render_retried").count() == 1


@pytest.mark.django_db
def test_a_case_exported_mid_render_misses_no_letter(
    staff: Staff, make_case: CaseMaker, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks():  # the render job has not run
        case = make_case(arrived_on=datetime.date(2026, 5, 20))
    letter = Letter.objects.get(application=case)
    assert letter.rendered_at is None
    with export_case_file(actor=staff.officer, application=case) as exported:
        archive = zipfile.ZipFile(io.BytesIO(exported.read()))
    letter.refresh_from_db()
    assert letter.rendered_at is not None
    member = next(name for name in archive.namelist() if name.endswith(letter.filename))
    assert archive.read(member) == letter.read_docx()


@pytest.mark.django_db
def test_the_waiting_page_never_shows_another_applicants_letter(
    tree: Tree, make_case: CaseMaker, django_capture_on_commit_callbacks: Capture
) -> None:
    mine, theirs = Client(), Client()
    with django_capture_on_commit_callbacks():
        mine.post("/apply/", apply_form(tree.county_a_finance.pk))
        form = apply_form(tree.county_a_finance.pk) | {"applicant_name": "王五", "id_number": resident_id(8)}
        theirs.post("/apply/", form)
    case_a, case_b = Application.objects.order_by("pk")
    letter_b = Letter.objects.get(application=case_b)
    # Through my own case's code, or through theirs: not found, whether made or not.
    for code in (case_a.tracking_code, case_b.tracking_code):
        response = mine.get(reverse("public:status_letter", args=[code, letter_b.pk]))
        assert response.status_code == 404
        assert letter_b.number not in response.content.decode()
    lettering.render(letter_b.pk)
    assert (
        mine.get(reverse("public:status_letter", args=[case_b.tracking_code, letter_b.pk])).status_code == 404
    )
    assert (
        theirs.get(reverse("public:status_letter", args=[case_b.tracking_code, letter_b.pk])).status_code
        == 200
    )
