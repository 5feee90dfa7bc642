"""``gongkai remind``: one e-mail per acting officer and agency, listing cases due soon or overdue."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import CaseMaker, Staff

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None], settings: Any) -> None:
    pin_today(TODAY)
    settings.GONGKAI_SITE_URL = "https://gk.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def arrival_for_due(due: datetime.date) -> datetime.date:
    calendar = current_calendar()
    day = TODAY
    while calendar.add_working_days(day, 20) > due:
        day -= datetime.timedelta(days=1)
    return day


@pytest.fixture
def cases(staff: Staff, make_case: CaseMaker) -> dict[str, Application]:
    staff.officer.email = "officer@example.org"
    staff.officer.save()
    staff.other_officer.email = "other@example.org"
    staff.other_officer.save()
    soon_due = current_calendar().add_working_days(TODAY, 3)
    made = {
        "overdue": make_case(arrived_on=datetime.date(2026, 4, 1), serial=1),
        "soon": make_case(arrived_on=arrival_for_due(soon_due), serial=2),
        "on_time": make_case(arrived_on=TODAY, serial=3),
        "paused": make_case(arrived_on=datetime.date(2026, 5, 6), serial=4),
        "theirs_on_time": make_case(agency=staff.other_agency, actor=staff.other_officer, arrived_on=TODAY),
    }
    services.start_consultation(
        actor=staff.officer, application=made["paused"], on=TODAY, kind="third_party", consultee="甲公司"
    )
    return made


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("remind", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_reminders_are_sent_to_acting_officers_with_an_address(
    staff: Staff, cases: dict[str, Application]
) -> None:
    out, _err = run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@example.org"]
    assert "甲县财政局" in message.subject and "2 件" in message.subject
    body = message.body
    overdue, soon = cases["overdue"], cases["soon"]
    assert f"https://gk.example.org/cases/{overdue.pk}/" in body
    assert f"https://gk.example.org/cases/{soon.pk}/" in body
    assert body.index(overdue.reference) < body.index(soon.reference)  # earliest due first
    assert "已逾期" in body and "剩余 3 个工作日" in body
    assert f"/cases/{cases['on_time'].pk}/" not in body
    assert f"/cases/{cases['paused'].pk}/" not in body  # the clock is paused
    # No personal data.
    assert overdue.applicant_name not in body and overdue.id_number not in body
    assert "已发送 1 封提醒邮件（1 个机关，2 件申请）。" in out
    # The office head has no e-mail address; the reviewer does not act and is not written to.
    assert "跳过（没有电子邮箱）：甲县财政局 · head" in out
    assert "reviewer" not in out


def test_dry_run_sends_nothing(staff: Staff, cases: dict[str, Application]) -> None:
    out, _err = run("--dry-run")
    assert mail.outbox == []
    assert "收件人：officer@example.org" in out
    assert cases["overdue"].reference in out
    assert "试运行：将发送 1 封提醒邮件" in out


def test_another_day(staff: Staff, cases: dict[str, Application]) -> None:
    """Weeks later the on-time cases of both agencies are overdue too."""
    out, _err = run("--today", "2026-07-31")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["officer@example.org", "other@example.org"]
    ours = next(m for m in mail.outbox if m.to == ["officer@example.org"])
    assert f"/cases/{cases['on_time'].pk}/" in ours.body
    theirs = next(m for m in mail.outbox if m.to == ["other@example.org"])
    assert f"/cases/{cases['theirs_on_time'].pk}/" in theirs.body
    assert f"/cases/{cases['overdue'].pk}/" not in theirs.body
    assert "2 个机关" in out


def test_nothing_to_remind(staff: Staff) -> None:
    out, _err = run()
    assert mail.outbox == []
    assert "已发送 0 封提醒邮件（0 个机关，0 件申请）。" in out


def test_a_bad_date_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--today", "tomorrow")


def test_without_a_site_url_the_links_are_paths(
    staff: Staff, cases: dict[str, Application], settings: Any
) -> None:
    settings.GONGKAI_SITE_URL = ""
    _out, err = run()
    assert "GONGKAI_SITE_URL" in err
    assert f"- {cases['overdue'].reference}" in mail.outbox[0].body
    assert f" /cases/{cases['overdue'].pk}/" in mail.outbox[0].body


def test_a_second_run_on_the_same_day_sends_nothing_twice(
    staff: Staff, cases: dict[str, Application]
) -> None:
    run()
    assert len(mail.outbox) == 1
    out, _err = run()
    assert len(mail.outbox) == 1
    assert "已发送 0 封提醒邮件" in out and "今天已经发送过的 1 封提醒邮件没有重复发送。" in out
    # The scheduled job after the command: nothing more either.
    from gongkai.jobs import services as jobs

    jobs.start("applications.remind", actor=None, run_now=True)
    assert len(mail.outbox) == 1
    # The next day it is sent again.
    run("--today", "2026-06-02")
    assert len(mail.outbox) == 2


def test_a_message_that_failed_is_sent_by_the_next_run(
    staff: Staff, cases: dict[str, Application], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.applications.test_remind.FailingBackend"
    with pytest.raises(CommandError):
        run()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run()
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]


class FailingBackend:
    """A mail server that refuses everything."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db
def test_the_worker_reminds_every_working_day_at_half_past_seven() -> None:
    from gongkai.jobs.schedule import schedules

    schedule = next(s for s in schedules() if s.name == "applications.remind")
    assert schedule.kind == "applications.remind" and schedule.at == datetime.time(7, 30)
    assert schedule.when is not None
    assert schedule.when(datetime.date(2026, 6, 1))  # a Monday
    assert not schedule.when(datetime.date(2026, 6, 6))  # a Saturday
    assert not schedule.when(datetime.date(2026, 6, 19))  # 端午节, a Friday
