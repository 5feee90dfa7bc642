"""The anonymous checker is rate-limited per client address (files an hour, counted in the database):
past the limit it answers 429 with a Chinese message saying when to try again, and checks nothing."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from gongkai.core.models import RateEvent

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
TEXT = "某某局2023年政府信息公开工作年度报告"


@pytest.fixture(autouse=True)
def _pinned() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def paste(client: Client) -> tuple[int, str, str]:
    response = client.post("/check/", {"text": TEXT})
    return response.status_code, response.content.decode(), response.get("Retry-After", "")


def test_files_past_the_hours_limit_get_429_saying_when(settings: pytest.FixtureRequest) -> None:
    settings.GONGKAI_CHECK_FILES_PER_HOUR = 3  # type: ignore[attr-defined]
    client = Client()
    for _n in range(3):
        status, page, _retry = paste(client)
        assert status == 200 and "粘贴的文本" in page
    status, page, retry = paste(client)
    assert status == 429
    assert "检查的文件过多：每小时最多检查 3 个文件。请在 11:00 以后再试。" in page
    assert retry == "3601"
    assert "粘贴的文本" not in page  # nothing was checked
    assert RateEvent.objects.filter(scope="check-files").count() == 3  # the refused one is not counted
    # Another address is not held up; an hour later this one may check again.
    assert paste(Client(REMOTE_ADDR="198.51.100.9"))[0] == 200
    with time_machine.travel(NOW + datetime.timedelta(hours=1, seconds=1), tick=False):
        assert paste(client)[0] == 200


def test_every_file_of_a_request_counts(settings: pytest.FixtureRequest) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.GONGKAI_CHECK_FILES_PER_HOUR = 3  # type: ignore[attr-defined]
    files = [SimpleUploadedFile(f"{n}.txt", TEXT.encode()) for n in range(3)]
    response = Client().post("/check/", {"reports": files, "text": TEXT})
    assert response.status_code == 429  # four files: over the limit at once
    assert "最多检查 3 个文件" in response.content.decode()


def test_the_limit_in_english(settings: pytest.FixtureRequest) -> None:
    settings.GONGKAI_CHECK_FILES_PER_HOUR = 0  # type: ignore[attr-defined]
    client = Client()
    client.cookies["django_language"] = "en"
    status, page, _retry = paste(client)
    assert status == 429
    assert "Too many files checked: at most 0 files an hour. Please try again after" in page
