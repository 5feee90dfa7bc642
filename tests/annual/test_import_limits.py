"""The annual report's imports read outside files in limited children (a hostile one gets a message), and
each user may import only so many an hour (``GONGKAI_PREVIOUS_IMPORTS_PER_HOUR``,
``GONGKAI_BULK_IMPORTS_PER_HOUR``, counted in the database), then gets a Chinese message saying when to try
again, and nothing is read or stored."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.annual import services
from gongkai.annual.models import ImportedReport
from gongkai.jobs.models import Job
from tests.annual import factories
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import Staff
from tests.checker.samples import report as shared_report
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

staff = applications_fixtures.staff
NOW = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
YEAR = 2025
REPORT = shared_report("006")


@pytest.fixture(autouse=True)
def _pinned() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_previous_report_import_is_limited_per_user(staff: Staff, settings: Any) -> None:
    settings.GONGKAI_PREVIOUS_IMPORTS_PER_HOUR = 1
    services.open_draft(actor=staff.officer, agency=staff.agency, year=2024)
    url = reverse("annual:previous", args=[staff.agency.short_code, 2024])  # the 2023 report is the previous
    officer = client_for(staff.officer)

    def post() -> str:
        response = officer.post(url, {"file": SimpleUploadedFile(REPORT.name, REPORT.read_bytes())})
        assert response.status_code == 302
        return officer.get(response["Location"]).content.decode()

    assert "已导入" in post()
    page = post()
    assert "导入过于频繁：每小时最多导入 1 次。请在 11:00 以后再试。" in page
    assert ImportedReport.objects.count() == 1


def test_the_bulk_import_is_limited_per_user(tree: Tree, settings: Any) -> None:
    settings.GONGKAI_BULK_IMPORTS_PER_HOUR = 1
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    url = reverse("annual_supervise:import", args=("county-a", YEAR))

    def post() -> Any:
        return client.post(
            url, {"reports": [SimpleUploadedFile(REPORT.name, REPORT.read_bytes())], "year": YEAR}
        )

    assert post().status_code == 302
    refused = post()
    assert refused.status_code == 429
    assert "导入过于频繁：每小时最多导入 1 次。请在 11:00 以后再试。" in refused.content.decode()
    assert Job.objects.filter(kind="annual.bulk_import").count() == 1  # the refused upload is not stored
    # Another supervisor is not held up by this one.
    other = client_for(factories.supervisor(tree.county_a, "gkb2"))
    assert (
        other.post(
            url, {"reports": [SimpleUploadedFile(REPORT.name, REPORT.read_bytes())], "year": YEAR}
        ).status_code
        == 302
    )


def test_a_hostile_previous_report_costs_one_child_and_gets_a_message(
    staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.documents import isolated
    from tests.checker.test_hostile_files import HOSTILE
    from tests.documents.test_isolated import MIB

    monkeypatch.setattr(isolated, "MEMORY_BYTES", 200 * MIB)
    services.open_draft(actor=staff.officer, agency=staff.agency, year=2024)
    officer = client_for(staff.officer)
    url = reverse("annual:previous", args=[staff.agency.short_code, 2024])
    response = officer.post(url, {"file": SimpleUploadedFile("2023年报.docx", HOSTILE)})
    assert response.status_code == 302
    page = officer.get(response["Location"]).content.decode()
    assert "无法读取该文件：文件过大或过于复杂，无法在限定的时间和内存内读取" in page
    assert not ImportedReport.objects.exists()
