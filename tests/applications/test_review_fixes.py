"""Regression tests for the defects a review of the applications work found (each test names it)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory

from gongkai.applications import selectors, services
from gongkai.applications.clock import ClockFacts, ClockState, Pause, PauseKind, compute
from gongkai.applications.models import Application, CaseEvent, Letter
from gongkai.core import ratelimit
from gongkai.letters.kinds import LetterKind
from gongkai.letters.models import LetterTemplate
from gongkai.workdays.builtin import builtin_years
from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import CaseMaker, Staff, applicant, request, resident_id

D = datetime.date
CAL = WorkCalendar(builtin_years().values())
TODAY = D(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


# --- A consultation nobody ended does not stop the clock for ever (D5 "or its own period ends") ------


def test_a_forgotten_third_party_consultation_stops_at_its_15_working_days() -> None:
    # Received Mon 2026-03-02; consultation sent Tue 3/3, reply due 15 working days later: 3/24.
    # Never ended: the pause counts 3/4–3/24 (15 working days) and the clock runs again after it.
    start, limit = D(2026, 3, 3), CAL.add_working_days(D(2026, 3, 3), 15)
    assert limit == D(2026, 3, 24)
    facts = ClockFacts("in_person", D(2026, 3, 2), pauses=(Pause(PauseKind.THIRD_PARTY, start, limit=limit),))  # type: ignore[arg-type]
    clock = compute(facts, CAL, today=D(2026, 11, 20))
    # 1 working day (3/3) before the pause, 19 after 3/24: 3/25 … 4/21 (清明 4/6 is a holiday).
    assert clock.due_date == CAL.add_working_days(limit, 19)
    assert clock.paused_working_days == 15
    assert clock.state == ClockState.OVERDUE
    assert any("期限已于" in str(flag) for flag in clock.flags)
    # Before the limit the case is paused and the due date still moves.
    running = compute(facts, CAL, today=D(2026, 3, 10))
    assert running.state == ClockState.PAUSED


def test_a_late_reply_counts_only_up_to_the_limit() -> None:
    start = D(2026, 3, 3)
    limit = CAL.add_working_days(start, 15)
    late = ClockFacts(
        "in_person",  # type: ignore[arg-type]
        D(2026, 3, 2),
        pauses=(Pause(PauseKind.THIRD_PARTY, start, end=limit + datetime.timedelta(days=10), limit=limit),),
    )
    on_time = ClockFacts("in_person", D(2026, 3, 2), pauses=(Pause(PauseKind.THIRD_PARTY, start, end=limit),))  # type: ignore[arg-type]
    assert compute(late, CAL, TODAY).due_date == compute(on_time, CAL, TODAY).due_date


def test_the_service_caps_the_consultation_at_its_reply_due(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 3, 2))
    services.start_consultation(
        actor=staff.officer, application=case, on=D(2026, 3, 3), kind="third_party", consultee="某公司"
    )
    case = Application.objects.get(pk=case.pk)
    clock = selectors.clock_of(case)
    assert clock.state == ClockState.OVERDUE  # today 6/1: the pause ended 3/24 by itself
    assert case.paused_since is None  # refresh knows the due date no longer moves
    assert case.due_date == clock.due_date


# --- One fee notice per application (109号) ----------------------------------------------------------


def test_no_second_fee_notice_after_payment(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 5, 6))
    services.issue_fee_notice(
        actor=staff.officer, application=case, on=D(2026, 5, 7), method="pages", quantity=200
    )
    services.record_payment(actor=staff.officer, application=case, on=D(2026, 5, 11))
    assert "issue_fee_notice" not in selectors.allowed_actions(case)
    with pytest.raises(services.CaseError):
        services.issue_fee_notice(
            actor=staff.officer, application=case, on=D(2026, 5, 12), method="pieces", quantity=40
        )
    assert Letter.objects.filter(application=case, kind="fee").count() == 1


# --- Steps are dated in order -------------------------------------------------------------------------


def test_a_step_cannot_be_dated_before_an_earlier_step(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 5, 4))
    services.request_correction(
        actor=staff.officer, application=case, on=D(2026, 5, 6), items="写明文号", period_end=D(2026, 5, 20)
    )
    services.record_correction(actor=staff.officer, application=case, on=D(2026, 5, 12))
    before = CaseEvent.objects.filter(application=case).count()
    with pytest.raises(services.CaseError, match="不能早于本案上一步"):
        services.answer(
            actor=staff.officer,
            application=case,
            on=D(2026, 5, 8),
            outcome="granted",
            how_to_obtain="电子邮件发送",
        )
    assert CaseEvent.objects.filter(application=case).count() == before
    services.answer(
        actor=staff.officer,
        application=case,
        on=D(2026, 5, 12),
        outcome="granted",
        how_to_obtain="电子邮件发送",
    )


def test_an_arrival_before_the_regulations_is_refused(staff: Staff, make_case: CaseMaker) -> None:
    with pytest.raises(services.CaseError, match="施行之日"):
        make_case(arrived_on=D(2001, 1, 1))
    assert not Application.objects.exists()


# --- Online submissions: a known key does not open someone else's case -------------------------------


def test_a_replayed_submission_key_with_other_data_is_refused(staff: Staff) -> None:
    key = "a" * 32
    first, secret, created = services.submit_online(
        agency=staff.agency, applicant=applicant(serial=1, name="李四"), request=request(), submission_key=key
    )
    assert created
    # The same applicant again (a double click): the same case and secret.
    again, same_secret, created = services.submit_online(
        agency=staff.agency, applicant=applicant(serial=1, name="李四"), request=request(), submission_key=key
    )
    assert again.pk == first.pk and same_secret == secret and not created
    # Someone else with the key: refused, nothing revealed.
    with pytest.raises(services.CaseError, match="表单已失效"):
        services.submit_online(
            agency=staff.agency,
            applicant=applicant(serial=2, name="王五", id_number=resident_id(2)),
            request=request(),
            submission_key=key,
        )
    assert Application.objects.count() == 1


# --- Rate limits behind a reverse proxy -------------------------------------------------------------


def test_the_client_address_comes_from_the_trusted_proxy(settings: Any) -> None:
    factory = RequestFactory()
    req = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_address(req) == "10.0.0.1"
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    # The entry the proxy appended, not the one the client claimed.
    assert ratelimit.client_address(req) == "1.2.3.4"
    other = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="5.5.5.5")
    assert ratelimit.client_key(req) != ratelimit.client_key(other)


@pytest.mark.django_db
def test_a_refused_attempt_is_not_counted() -> None:
    window = datetime.timedelta(hours=1)
    assert [ratelimit.hit("t", "k", limit=2, window=window) for _ in range(4)] == [True, True, False, False]
    assert ratelimit.count("t", "k", window=window) == 2


# --- A broken letter template is an error on the form, not a 500 -------------------------------------


def test_a_broken_site_wide_template_stops_the_step_cleanly(staff: Staff, make_case: CaseMaker) -> None:
    # Written directly (the admin would refuse it): int("2026-00001") fails only when rendered.
    LetterTemplate.objects.create(
        kind=LetterKind.RECEIPT, title="回执", body="{{ case_reference|divisibleby:0 }}"
    )
    with pytest.raises(services.CaseError, match="文书模板有误"):
        make_case(arrived_on=D(2026, 5, 4))
    assert not Application.objects.exists()
    assert not Letter.objects.exists()


# --- remind in the last days of December -----------------------------------------------------------------


def test_remind_without_next_years_calendar_still_sends_the_overdue(
    staff: Staff, make_case: CaseMaker, pin_today: Callable[[datetime.date], None], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff.officer.email = "officer@example.org"
    staff.officer.save()
    day = D(2026, 12, 28)
    pin_today(day)
    make_case(arrived_on=D(2026, 10, 9))  # due in November: overdue by late December
    if 2027 in current_calendar().loaded_years:  # pragma: no cover - a chinesecalendar with 2027 data
        pytest.skip("a 2027 calendar is loaded")
    err = io.StringIO()
    call_command("remind", today=day.isoformat(), stdout=io.StringIO(), stderr=err)
    assert "2027" in err.getvalue()
    assert len(mail.outbox) == 1
    assert "逾期" in mail.outbox[0].body
