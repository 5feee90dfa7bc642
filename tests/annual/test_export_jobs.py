"""The roll-up's export of every subordinate agency's published report as one .zip (``annual.export_all``):
what the zip holds, and who may start it and download it."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Role
from gongkai.jobs.models import FileRole, Job, JobStatus
from gongkai.jobs.permissions import can_view
from tests.annual import factories
from tests.conftest import Tree

YEAR = timezone.localdate().year - 1


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def export_url(seat: str = "county-a") -> str:
    return reverse("annual_supervise:export_all", args=(seat, YEAR))


@pytest.fixture
def reports(tree: Tree) -> dict[str, Any]:
    """Two published reports below county A (one corrected), a draft, and a report of county B."""
    published_on = datetime.date(YEAR + 1, 1, 20)
    factories.publish(tree.county_a_finance, YEAR, published_on)
    corrected = factories.publish(
        tree.county_a_finance, YEAR, published_on, section3={"new_received": [9] * 7}
    )
    town = factories.publish(tree.town_a1, YEAR, published_on)
    factories.draft(tree.county_a, YEAR)
    factories.publish(tree.county_b, YEAR, published_on)
    factories.publish(tree.town_a1, YEAR - 1, published_on.replace(year=YEAR))  # another year
    return {"corrected": corrected, "town": town}


def zip_of(job: Job) -> zipfile.ZipFile:
    output = job.files.get(role=FileRole.OUTPUT)
    assert output.name.endswith(".zip")
    return zipfile.ZipFile(io.BytesIO(output.read()))


def test_the_zip_holds_each_published_report_in_each_format(
    tree: Tree, reports: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    supervisor = factories.supervisor(tree.county_a, "gkb")
    client = client_for(supervisor)
    rollup = reverse("annual_supervise:rollup", args=("county-a", YEAR))
    assert "导出全部下级机关的年度报告" in client.get(rollup).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(export_url(), {"formats": ["html", "json"]})
    job = Job.objects.get(kind="annual.export_all")
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    archive = zip_of(job)
    assert sorted(archive.namelist()) == sorted(
        [
            f"county-a-finance-{YEAR}.html",
            f"county-a-finance-{YEAR}.json",
            f"town-a1-{YEAR}.html",
            f"town-a1-{YEAR}.json",
            "未公开的机关.txt",
        ]
    )
    exported = json.loads(archive.read(f"county-a-finance-{YEAR}.json"))
    assert exported["tables"]["section3"]["new_received"] == [9] * 7  # the latest published version
    assert "甲县财政局" in archive.read(f"county-a-finance-{YEAR}.html").decode()
    missing = archive.read("未公开的机关.txt").decode()
    assert "甲县人民政府（county-a）" in missing  # a draft only
    assert "甲县二乡人民政府（town-a2）" in missing
    assert "乙县" not in missing  # not below the seat
    assert job.result == {"exported": 2, "skipped": 3}
    # The roll-up shows the latest export with its job.
    page = client.get(rollup).content.decode()
    assert job.get_absolute_url() in page


def test_no_format_chosen_is_said_and_starts_nothing(tree: Tree) -> None:
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    response = client.post(export_url(), {})
    assert response.status_code == 200
    assert "请至少选择一种导出格式。" in response.content.decode()
    response = client.post(export_url(), {"formats": ["odt"]})
    assert "不支持“odt”格式" in response.content.decode()
    assert not Job.objects.exists()


def test_only_the_seat_s_office_starts_and_sees_the_export(
    tree: Tree, reports: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    officer = factories.member(tree.county_a, Role.INFORMATION_OFFICER, "officer")
    assert client_for(officer).post(export_url(), {"formats": ["html"]}).status_code == 404
    other = factories.supervisor(tree.county_b, "gkb-b")
    assert client_for(other).post(export_url(), {"formats": ["html"]}).status_code == 404
    assert client_for(other).get(export_url()).status_code == 405
    assert not Job.objects.exists()

    supervisor = factories.supervisor(tree.county_a, "gkb")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(supervisor).post(export_url(), {"formats": ["html"]})
    job = Job.objects.get()
    assert can_view(supervisor, job)
    assert not can_view(other, job)
    assert not can_view(officer, job)
    assert client_for(other).get(job.get_absolute_url()).status_code == 404
    output = job.files.get(role=FileRole.OUTPUT)
    download = reverse("jobs:file", args=(job.pk, output.pk))
    assert client_for(other).get(download).status_code == 404
    response = client_for(supervisor).get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]  # read whole: closed
    assert zipfile.ZipFile(io.BytesIO(content)).namelist()
