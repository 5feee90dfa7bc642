"""The services of an application, against the database: every step validated, audited, atomic.

Dates: the services refuse dates after today, so cases arrive in the past (``make_case`` default: 75
days ago) and every expected due date is computed with the calendar in force (``expected_due``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from gongkai.applications import codes, selectors, services
from gongkai.applications.models import (
    Appeal,
    Application,
    CaseEvent,
    EventKind,
    Letter,
    Status,
)
from gongkai.applications.services import CaseError
from gongkai.applications.services.common import check_date
from gongkai.core.messages import N_
from gongkai.core.models import AppendOnlyError, AuditEvent
from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.models import CalendarYear
from gongkai.workdays.provisional import provisional_year
from gongkai.workdays.services import CalendarRow, load_calendar
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import (
    CaseMaker,
    Staff,
    applicant,
    at,
    days_ago,
    expected_due,
    fictional_year,
    request,
    snapshot,
    today,
    written,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def plus(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def kinds(case: Application) -> list[str]:
    return list(case.events.order_by("seq").values_list("kind", flat=True))


def reload(case: Application) -> Application:
    return Application.objects.get(pk=case.pk)


def answer_granted(staff: Staff, case: Application, on: datetime.date) -> Application:
    return services.answer(
        actor=staff.officer, application=case, on=on, outcome="granted", how_to_obtain="随本答复书提供。"
    )


def refused(fn: Callable[[], Any], code: str | None = None, exc: type[Exception] = CaseError) -> Exception:
    """``fn`` raises ``exc`` (with ``code``) and writes nothing at all."""
    before = snapshot()
    with pytest.raises(exc) as info:
        fn()
    assert snapshot() == before
    if code is not None:
        assert code in error_codes(info.value)
    return info.value


def error_codes(exc: BaseException) -> set[str | None]:
    assert isinstance(exc, ValidationError)
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


# --- Registration and receipt dates (D2) -----------------------------------------------------------


@pytest.mark.parametrize("channel", ["in_person", "post_signed"])
def test_register_in_person_or_signed_post_receives_on_arrival(
    staff: Staff, make_case: CaseMaker, channel: str
) -> None:
    arrived = days_ago(75)
    w = written(lambda: make_case.register(arrived_on=arrived, channel=channel))
    case, secret = w.result
    assert case.receipt_date == arrived
    assert case.status == Status.OPEN and case.outcome == "" and case.answered_on is None
    assert case.due_date == expected_due(arrived)
    assert case.clock_problem == "" and case.waiting_on == ""
    assert case.reference == f"{arrived.year}-00001"
    assert w.events == ["registered", "letter_issued"]
    assert w.audits == ["application.registered"]
    assert w.letters == ["receipt"]
    assert codes.check_secret(case, secret)
    assert len(case.tracking_code) == codes.TRACKING_CODE_LENGTH
    assert list(case.events.values_list("seq", flat=True)) == [1, 2]
    registered = case.events.get(seq=1)
    assert registered.occurred_on == arrived
    assert registered.actor == staff.officer and registered.actor_label == "officer"
    audit = AuditEvent.objects.get(action="application.registered")
    assert audit.object_id == str(case.pk) and audit.agency == staff.agency and audit.actor == staff.officer


@pytest.mark.parametrize("channel", ["post_ordinary", "email", "fax"])
def test_post_email_fax_are_pending_until_confirmed(staff: Staff, make_case: CaseMaker, channel: str) -> None:
    arrived = days_ago(80)
    w = written(lambda: make_case(arrived_on=arrived, channel=channel))
    case = w.result
    assert case.receipt_date is None and case.due_date is None
    assert case.waiting_on == "confirmation"
    assert w.letters == []  # no receipt (回执) before the receipt date is known
    assert selectors.clock_of(case).state == "pending_receipt"
    assert selectors.allowed_actions(case) == ("confirm_receipt", "withdraw")
    confirmed = plus(arrived, 2)
    w = written(
        lambda: services.confirm_receipt(actor=staff.officer, application=case, confirmed_on=confirmed)
    )
    case = reload(case)
    assert case.receipt_date == confirmed
    assert case.due_date == expected_due(confirmed)
    assert case.waiting_on == ""
    assert w.events == ["receipt_confirmed", "letter_issued"]
    assert w.audits == ["application.receipt_confirmed"]
    assert w.letters == ["receipt"]
    # Only once.
    refused(
        lambda: services.confirm_receipt(actor=staff.officer, application=case, confirmed_on=confirmed),
        "action_not_allowed",
    )


def test_register_with_the_confirmation_day(make_case: CaseMaker) -> None:
    arrived = days_ago(80)
    w = written(lambda: make_case(arrived_on=arrived, channel="email", confirmed_on=plus(arrived, 1)))
    assert w.result.receipt_date == plus(arrived, 1)
    assert w.events == ["registered", "receipt_confirmed", "letter_issued"]
    assert w.letters == ["receipt"]


def test_confirmation_rules_at_registration(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(80)
    refused(
        lambda: make_case(arrived_on=arrived, channel="in_person", confirmed_on=arrived),
        "needless_confirmation",
    )
    refused(
        lambda: make_case(arrived_on=arrived, channel="fax", confirmed_on=plus(arrived, -1)),
        "confirmed_before_arrival",
    )


def test_register_refuses_a_confirmation_day_in_the_future(make_case: CaseMaker) -> None:
    refused(lambda: make_case(arrived_on=days_ago(1), channel="email", confirmed_on=plus(today(), 3)))


def test_confirm_receipt_refuses_dates_before_arrival_or_after_today(
    staff: Staff, make_case: CaseMaker
) -> None:
    arrived = days_ago(80)
    case = make_case(arrived_on=arrived, channel="post_ordinary")
    for day, code in ((plus(arrived, -1), "before_arrival"), (plus(today(), 1), "future_date")):
        refused(
            partial(services.confirm_receipt, actor=staff.officer, application=case, confirmed_on=day),
            code,
        )


def test_confirm_receipt_is_not_for_in_person(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case()
    refused(
        lambda: services.confirm_receipt(actor=staff.officer, application=case, confirmed_on=days_ago(70)),
        "action_not_allowed",
    )


def test_register_refuses_online_future_and_invalid_input(staff: Staff, make_case: CaseMaker) -> None:
    refused(lambda: make_case(channel="online"), "online_channel")
    refused(lambda: make_case(arrived_on=plus(today(), 1)), "future_arrival")
    refused(lambda: make_case(id_number="110105194912310021"), exc=ValidationError)  # wrong checksum
    refused(lambda: make_case(pieces=0), exc=ValidationError)


def test_registered_identity_is_stored_compacted(make_case: CaseMaker) -> None:
    case = make_case(id_number="110105 19491231 002x")
    assert case.id_number == "11010519491231002X"


# --- Reference numbers ----------------------------------------------------------------------------


def test_reference_numbers_per_agency_and_year(staff: Staff, make_case: CaseMaker) -> None:
    day = days_ago(70)
    first = make_case(arrived_on=day)
    second = make_case(arrived_on=day, serial=2)
    other = make_case(arrived_on=day, agency=staff.other_agency, actor=staff.other_officer)
    assert first.reference == f"{day.year}-00001"
    assert second.reference == f"{day.year}-00002"
    assert other.reference == f"{day.year}-00001"
    last_year = D(day.year - 1, 12, 30)
    old = make_case(arrived_on=last_year)
    assert old.reference == f"{last_year.year}-00001"
    assert make_case(arrived_on=day).reference == f"{day.year}-00003"


# --- Events and the audit log are append-only -----------------------------------------------------


def test_case_events_are_append_only(make_case: CaseMaker) -> None:
    case = make_case()
    event = case.events.first()
    assert event is not None
    event.note = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(application=case).update(note="changed")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(application=case).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x.y")
    assert not CaseEvent.objects.filter(note="changed").exists()


# --- Every step: one event, one audit event, its letter ------------------------------------------


def test_a_whole_case_step_by_step(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(90)
    case = make_case(arrived_on=arrived)
    officer = staff.officer

    w = written(
        lambda: services.request_correction(
            actor=officer,
            application=case,
            on=plus(arrived, 1),
            items="请写明文件名称或文号",
            period_end=plus(arrived, 15),
        )
    )
    assert (w.events, w.audits, w.letters) == (
        ["correction_requested", "letter_issued"],
        ["application.correction_requested"],
        ["correction"],
    )
    case = reload(case)
    assert case.due_date is None and case.waiting_on == "correction"
    assert selectors.clock_of(case).state == "awaiting_correction"

    corrected = plus(arrived, 5)
    w = written(lambda: services.record_correction(actor=officer, application=case, on=corrected))
    assert (w.events, w.audits, w.letters) == (
        ["correction_received"],
        ["application.correction_received"],
        [],
    )
    case = reload(case)
    assert case.receipt_date == arrived  # a correction does not make a new receipt date (D7)
    assert case.due_date == expected_due(corrected)  # the clock restarts (第三十条, D4)

    w = written(
        lambda: services.start_consultation(
            actor=officer, application=case, on=plus(arrived, 7), kind="third_party", consultee="某某有限公司"
        )
    )
    started: CaseEvent = w.result
    assert (w.events, w.audits, w.letters) == (
        ["consultation_started", "letter_issued"],
        ["application.consultation_started"],
        ["third_party"],
    )
    assert started.data["reply_due"] == current_calendar().add_working_days(plus(arrived, 7), 15).isoformat()
    assert not Letter.objects.get(kind="third_party").for_applicant  # sent to the third party
    assert reload(case).waiting_on == "consultation"

    ended = plus(arrived, 12)
    w = written(
        lambda: services.end_consultation(actor=officer, application=case, started_seq=started.seq, on=ended)
    )
    assert (w.events, w.audits, w.letters) == (["consultation_ended"], ["application.consultation_ended"], [])
    cal = current_calendar()
    paused = cal.working_days_between(plus(arrived, 7), ended)
    case = reload(case)
    assert case.due_date == cal.add_working_days(expected_due(corrected), paused)

    original_due = case.due_date
    w = written(
        lambda: services.grant_extension(
            actor=officer, application=case, on=plus(arrived, 14), approver=staff.head, reason="需要调取档案"
        )
    )
    assert (w.events, w.audits, w.letters) == (
        ["extension_granted", "letter_issued"],
        ["application.extension_granted"],
        ["extension"],
    )
    case = reload(case)
    assert case.due_date == cal.add_working_days(expected_due(corrected, 40), paused)
    extension = case.events.get(kind="extension_granted")
    assert extension.data["original_due_date"] == original_due.isoformat()
    assert extension.data["approver"] == "head"

    notice_on = plus(arrived, 16)
    w = written(
        lambda: services.issue_fee_notice(
            actor=officer, application=case, on=notice_on, method="pages", quantity=31
        )
    )
    assert (w.events, w.audits, w.letters) == (
        ["fee_notice_issued", "letter_issued"],
        ["application.fee_notice_issued"],
        ["fee"],
    )
    notice = case.events.get(kind="fee_notice_issued")
    assert notice.data["amount"] == 10
    assert notice.data["payment_due"] == cal.add_working_days(notice_on, 20).isoformat()
    assert reload(case).waiting_on == "payment"

    w = written(lambda: services.record_payment(actor=officer, application=case, on=plus(arrived, 18)))
    assert (w.events, w.audits, w.letters) == (["fee_paid"], ["application.fee_paid"], [])

    answered_on = plus(arrived, 20)
    w = written(lambda: answer_granted(staff, case, answered_on))
    assert (w.events, w.audits, w.letters) == (
        ["answered", "letter_issued"],
        ["application.answered"],
        ["answer"],
    )
    case = reload(case)
    assert case.status == Status.CLOSED and case.outcome == "granted" and case.answered_on == answered_on
    assert case.waiting_on == ""
    assert selectors.clock_of(case).state == "answered"
    assert list(case.events.values_list("seq", flat=True)) == list(range(1, case.events.count() + 1))


def test_letter_numbers_increase_per_agency_and_year(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(80)
    a = make_case(arrived_on=arrived)
    b = make_case(arrived_on=arrived, serial=2)
    services.request_correction(
        actor=staff.officer,
        application=a,
        on=plus(arrived, 1),
        items="补充文号",
        period_end=plus(arrived, 10),
    )
    answer_granted(staff, b, plus(arrived, 3))
    services.record_correction(actor=staff.officer, application=a, on=plus(arrived, 4))
    answer_granted(staff, a, plus(arrived, 6))
    other = make_case(agency=staff.other_agency, actor=staff.other_officer)
    serials: dict[tuple[int, int], list[int]] = {}
    for letter in Letter.objects.order_by("id"):
        match = re.fullmatch(r".+〔(\d{4})〕(\d+)号", letter.number)
        assert match, letter.number
        assert int(match[1]) == letter.issued_on.year
        serials.setdefault((letter.application.agency_id, int(match[1])), []).append(int(match[2]))
    for numbers in serials.values():
        assert numbers == list(range(1, len(numbers) + 1))
    assert sum(len(v) for k, v in serials.items() if k[0] == staff.agency.pk) == 5  # 2 receipts, 1 + 2
    assert Letter.objects.get(application=other).number.endswith("〕1号")
    assert Letter.objects.filter(application=a).count() == 3


# --- A failing step writes nothing ---------------------------------------------------------------


def test_answers_without_what_the_law_requires_write_nothing(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case()
    on = days_ago(60)

    def answer(**kwargs: Any) -> Callable[[], Any]:
        return lambda: services.answer(actor=staff.officer, application=case, on=on, **kwargs)

    error = refused(answer(outcome="denied_state_secret", legal_basis="条例第十四条"))
    assert "reasons" in error.message_dict  # type: ignore[attr-defined]
    error = refused(answer(outcome="denied_state_secret", reasons="属于国家秘密"))
    assert "legal_basis" in error.message_dict  # type: ignore[attr-defined]
    refused(answer(outcome="partially_granted"))
    refused(answer(outcome="unable_not_held"))
    refused(answer(outcome="rejected_petition", reasons="信访事项"))
    error = refused(answer(outcome="unable_not_responsible", reasons="不属于本机关"))
    assert "responsible_agency" in error.message_dict  # type: ignore[attr-defined]
    refused(answer(outcome="granted"))  # how to obtain it
    refused(answer(outcome="withdrawn"), "bad_outcome")  # has its own step
    refused(answer(outcome="other_no_fee"), "bad_outcome")
    refused(answer(outcome="nonsense"), "bad_outcome")
    w = written(
        answer(outcome="denied_state_secret", legal_basis="条例第十四条", reasons="经定密属于国家秘密")
    )
    assert w.audits == ["application.answered"] and w.letters == ["answer"]


def test_answer_dates_must_be_between_receipt_and_today(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(80)
    case = make_case(arrived_on=arrived, channel="email", confirmed_on=plus(arrived, 3))
    refused(lambda: answer_granted(staff, case, plus(today(), 1)), "future_date")
    refused(lambda: answer_granted(staff, case, plus(arrived, -1)), "before_arrival")
    refused(lambda: answer_granted(staff, case, plus(arrived, 1)), "answer_before_receipt")


def test_other_failing_steps_write_nothing(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case()
    on = days_ago(70)
    o = staff.officer
    refused(
        lambda: services.request_correction(actor=o, application=case, on=on, items=" ", period_end=today())
    )
    refused(
        lambda: services.request_correction(actor=o, application=case, on=on, items="x", period_end=on),
        "bad_period",
    )
    refused(
        lambda: services.start_consultation(
            actor=o, application=case, on=on, kind="third_party", consultee=""
        ),
        "no_consultee",
    )
    refused(
        lambda: services.start_consultation(actor=o, application=case, on=on, kind="fee", consultee="x"),
        "fee_is_not_consultation",
    )
    refused(
        lambda: services.end_consultation(actor=o, application=case, started_seq=1, on=on),
        "action_not_allowed",
    )
    refused(lambda: services.reopen(actor=o, application=case, on=on, note="x"), "action_not_allowed")
    refused(lambda: services.record_payment(actor=o, application=case, on=on), "action_not_allowed")
    refused(
        lambda: services.record_appeal(
            actor=o, application=case, kind="reconsideration", filed_on=on, body=" "
        ),
        "no_body",
    )


# --- State rules ----------------------------------------------------------------------------------


def test_no_answer_while_a_consultation_is_open(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case()
    started = services.start_consultation(
        actor=staff.officer,
        application=case,
        on=days_ago(70),
        kind="other_agency",
        consultee="甲县自然资源局",
    )
    refused(lambda: answer_granted(staff, case, days_ago(65)), "action_not_allowed")
    # Another agency's opinions pause the clock but no letter goes out from here (第三十三条).
    assert not Letter.objects.filter(application=case, kind__in=["third_party", "co_producer"]).exists()
    refused(
        lambda: services.end_consultation(
            actor=staff.officer, application=case, started_seq=started.seq, on=days_ago(71)
        ),
        "end_before_start",
    )
    refused(
        lambda: services.end_consultation(
            actor=staff.officer, application=case, started_seq=1, on=days_ago(68)
        ),
        "no_such_consultation",
    )
    services.end_consultation(actor=staff.officer, application=case, started_seq=started.seq, on=days_ago(68))
    answer_granted(staff, case, days_ago(65))


def test_correction_is_requested_once(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(80)
    case = make_case(arrived_on=arrived)

    def request_it() -> Any:
        return services.request_correction(
            actor=staff.officer,
            application=case,
            on=plus(arrived, 1),
            items="请补充",
            period_end=plus(arrived, 10),
        )

    request_it()
    refused(request_it, "action_not_allowed")  # while waiting
    services.record_correction(actor=staff.officer, application=case, on=plus(arrived, 5))
    refused(request_it, "action_not_allowed")  # and after the corrected application came


def closed_case_steps(staff: Staff, case: Application) -> dict[str, Callable[[], Any]]:
    o, on = staff.officer, days_ago(40)
    return {
        "confirm_receipt": lambda: services.confirm_receipt(actor=o, application=case, confirmed_on=on),
        "request_correction": lambda: services.request_correction(
            actor=o, application=case, on=on, items="x", period_end=today()
        ),
        "record_correction": lambda: services.record_correction(actor=o, application=case, on=on),
        "lapse_correction": lambda: services.lapse_correction(actor=o, application=case, on=on),
        "start_consultation": lambda: services.start_consultation(
            actor=o, application=case, on=on, kind="third_party", consultee="x"
        ),
        "end_consultation": lambda: services.end_consultation(
            actor=o, application=case, started_seq=1, on=on
        ),
        "grant_extension": lambda: services.grant_extension(
            actor=o, application=case, on=on, approver=staff.head, reason="x"
        ),
        "issue_fee_notice": lambda: services.issue_fee_notice(
            actor=o, application=case, on=on, method="pages", quantity=100
        ),
        "record_payment": lambda: services.record_payment(actor=o, application=case, on=on),
        "lapse_fee": lambda: services.lapse_fee(actor=o, application=case, on=on),
        "answer": lambda: answer_granted(staff, case, on),
        "withdraw": lambda: services.withdraw(actor=o, application=case, on=on),
    }


CLOSED_CASE_STEPS = [
    "confirm_receipt",
    "request_correction",
    "record_correction",
    "lapse_correction",
    "start_consultation",
    "end_consultation",
    "grant_extension",
    "issue_fee_notice",
    "record_payment",
    "lapse_fee",
    "answer",
    "withdraw",
]


@pytest.mark.parametrize("step", CLOSED_CASE_STEPS)
def test_a_closed_case_only_reopens_or_is_appealed(staff: Staff, make_case: CaseMaker, step: str) -> None:
    case = make_case()
    answer_granted(staff, case, days_ago(60))
    case = reload(case)
    refused(closed_case_steps(staff, case)[step], "action_not_allowed")
    assert selectors.allowed_actions(case) == ("reopen", "record_appeal")


# --- Extension (第三十三条第二款) -----------------------------------------------------------------


def test_extension_needs_the_office_head(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case()
    on = days_ago(70)
    for approver in (staff.officer, staff.reviewer, staff.leader, staff.supervisor, staff.other_officer):
        refused(
            partial(
                services.grant_extension,
                actor=staff.officer,
                application=case,
                on=on,
                approver=approver,
                reason="复杂",
            ),
            "approver_not_head",
        )
    refused(
        lambda: services.grant_extension(
            actor=staff.officer, application=case, on=on, approver=staff.head, reason=" "
        ),
        "no_reason",
    )
    services.grant_extension(actor=staff.officer, application=case, on=on, approver=staff.head, reason="复杂")
    case = reload(case)
    assert case.due_date == expected_due(case.receipt_date, 40)  # type: ignore[arg-type]
    assert selectors.clock_of(case).working_days == 40
    refused(
        lambda: services.grant_extension(
            actor=staff.officer, application=case, on=on, approver=staff.head, reason="再次"
        ),
        "action_not_allowed",
    )


def test_extension_after_the_original_due_date_is_refused(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(75)
    case = make_case(arrived_on=arrived)
    due = expected_due(arrived)
    assert case.due_date == due and due < today()

    def extend(on: datetime.date) -> Callable[[], Any]:
        return lambda: services.grant_extension(
            actor=staff.officer, application=case, on=on, approver=staff.head, reason="复杂"
        )

    refused(extend(plus(due, 1)), "extension_too_late")
    refused(extend(today()), "extension_too_late")
    written(extend(due))  # on the due date itself: in time
    assert reload(case).due_date == expected_due(arrived, 40)


def test_a_head_who_also_acts_may_extend_her_own_case(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(actor=staff.head)
    services.grant_extension(
        actor=staff.head, application=case, on=days_ago(70), approver=staff.head, reason="x"
    )
    assert selectors.clock_of(reload(case)).working_days == 40


# --- Fees -----------------------------------------------------------------------------------------


def test_fee_notice_refuses_a_zero_fee(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(pieces=10)
    on = days_ago(70)
    refused(
        lambda: services.issue_fee_notice(actor=staff.officer, application=case, on=on, method="pieces"),
        "fee_is_zero",
    )
    refused(
        lambda: services.issue_fee_notice(
            actor=staff.officer, application=case, on=on, method="pages", quantity=30
        ),
        "fee_is_zero",
    )
    refused(
        lambda: services.issue_fee_notice(actor=staff.officer, application=case, on=on, method="pages"),
        "bad_quantity",
    )
    w = written(
        lambda: services.issue_fee_notice(
            actor=staff.officer, application=case, on=on, method="pieces", quantity=11
        )
    )
    assert w.letters == ["fee"]
    assert case.events.get(kind="fee_notice_issued").data["amount"] == 100


def test_lapse_fee_only_after_the_payment_due_date(
    staff: Staff, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]
) -> None:
    pin_today(datetime.date(2026, 6, 15))  # the recent notice's payment period must end in a loaded year
    arrived = days_ago(85)
    late_payer = make_case(arrived_on=arrived)
    services.issue_fee_notice(
        actor=staff.officer, application=late_payer, on=plus(arrived, 1), method="pages", quantity=40
    )
    payment_due = expected_due(plus(arrived, 1))
    assert payment_due < today()
    w = written(
        lambda: services.lapse_fee(actor=staff.officer, application=late_payer, on=plus(payment_due, 1))
    )
    assert w.events == ["answered", "letter_issued"]
    case = reload(late_payer)
    assert case.status == Status.CLOSED and case.outcome == "other_no_fee"

    recent = make_case(serial=2, arrived_on=days_ago(10))
    services.issue_fee_notice(
        actor=staff.officer, application=recent, on=days_ago(5), method="pages", quantity=40
    )
    refused(
        lambda: services.lapse_fee(actor=staff.officer, application=recent, on=today()), "action_not_allowed"
    )
    services.record_payment(actor=staff.officer, application=recent, on=today())
    assert reload(recent).waiting_on == ""


def test_lapse_fee_dated_before_the_payment_due_date_is_refused(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(85)
    case = make_case(arrived_on=arrived)
    services.issue_fee_notice(
        actor=staff.officer, application=case, on=plus(arrived, 1), method="pages", quantity=40
    )
    refused(lambda: services.lapse_fee(actor=staff.officer, application=case, on=plus(arrived, 2)))


def test_lapse_correction_dated_inside_the_correction_period_is_refused(
    staff: Staff, make_case: CaseMaker
) -> None:
    arrived = days_ago(85)
    case = make_case(arrived_on=arrived)
    services.request_correction(
        actor=staff.officer, application=case, on=plus(arrived, 1), items="x", period_end=plus(arrived, 15)
    )
    refused(lambda: services.lapse_correction(actor=staff.officer, application=case, on=plus(arrived, 2)))


def test_lapse_correction_after_the_period(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(85)
    case = make_case(arrived_on=arrived)
    services.request_correction(
        actor=staff.officer, application=case, on=plus(arrived, 1), items="x", period_end=plus(arrived, 15)
    )
    w = written(
        lambda: services.lapse_correction(actor=staff.officer, application=case, on=plus(arrived, 16))
    )
    assert w.letters == ["answer"]
    assert reload(case).outcome == "other_no_correction"


def test_payment_dated_before_the_notice_is_a_case_error(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(85)
    case = make_case(arrived_on=arrived)
    services.issue_fee_notice(
        actor=staff.officer, application=case, on=plus(arrived, 5), method="pages", quantity=40
    )
    refused(lambda: services.record_payment(actor=staff.officer, application=case, on=plus(arrived, 2)))


def test_correction_dated_before_the_request_is_a_case_error(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(85)
    case = make_case(arrived_on=arrived)
    services.request_correction(
        actor=staff.officer, application=case, on=plus(arrived, 5), items="x", period_end=plus(arrived, 15)
    )
    refused(lambda: services.record_correction(actor=staff.officer, application=case, on=plus(arrived, 2)))


# --- Withdraw and reopen --------------------------------------------------------------------------


def test_withdraw(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case()
    w = written(
        lambda: services.withdraw(actor=staff.officer, application=case, on=days_ago(70), note="电话撤回")
    )
    assert (w.events, w.audits, w.letters) == (["withdrawn"], ["application.withdrawn"], [])
    case = reload(case)
    assert case.status == Status.CLOSED and case.outcome == "withdrawn" and case.answered_on == days_ago(70)


def test_withdraw_while_pending_confirmation(staff: Staff, make_case: CaseMaker) -> None:
    # Never received (D2): it closes without a receipt date and counts in no table (D7).
    case = make_case(channel="email", arrived_on=days_ago(70))
    services.withdraw(actor=staff.officer, application=case, on=days_ago(69))
    case = reload(case)
    assert case.outcome == "withdrawn" and case.receipt_date is None


def test_reopen_clears_the_answer_and_restarts_the_clock(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=days_ago(90))
    services.grant_extension(
        actor=staff.officer, application=case, on=days_ago(88), approver=staff.head, reason="x"
    )
    services.answer(
        actor=staff.officer,
        application=case,
        on=days_ago(80),
        outcome="denied_process_info",
        legal_basis="条例第十六条第二款",
        reasons="过程性信息",
    )
    appeal = services.record_appeal(
        actor=staff.officer,
        application=case,
        kind="reconsideration",
        filed_on=days_ago(75),
        body="甲县人民政府",
    )
    services.conclude_appeal(
        actor=staff.officer, appeal=appeal, result="corrected", concluded_on=days_ago(50)
    )
    refused(lambda: services.reopen(actor=staff.officer, application=case, on=days_ago(45)), "no_basis")
    refused(
        lambda: services.reopen(
            actor=staff.officer, application=case, on=days_ago(45), note="x", fixed_due_date=days_ago(46)
        ),
        "bad_fixed_due",
    )
    reopened_on = days_ago(45)
    w = written(lambda: services.reopen(actor=staff.officer, application=case, on=reopened_on, appeal=appeal))
    assert (w.events, w.audits, w.letters) == (["reopened"], ["application.reopened"], [])
    case = reload(case)
    assert case.status == Status.OPEN and case.outcome == "" and case.answered_on is None
    assert case.due_date == expected_due(reopened_on)  # 20, not 40: the old extension is gone
    assert case.receipt_date == days_ago(90)
    assert "grant_extension" in selectors.allowed_actions(case)
    answer_granted(staff, case, days_ago(30))
    assert reload(case).outcome == "granted"


def test_reopen_with_a_fixed_due_date(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=days_ago(90))
    answer_granted(staff, case, days_ago(80))
    services.reopen(
        actor=staff.officer,
        application=case,
        on=days_ago(45),
        note="判决书 (2026)甲行初1号",
        fixed_due_date=days_ago(35),
    )
    case = reload(case)
    assert case.due_date == days_ago(35)
    assert "grant_extension" not in selectors.allowed_actions(case)


def test_reopen_dated_before_the_answer_is_refused(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=days_ago(90))
    answer_granted(staff, case, days_ago(60))
    refused(lambda: services.reopen(actor=staff.officer, application=case, on=days_ago(80), note="复议决定"))


def test_reopen_refuses_another_cases_appeal(staff: Staff, make_case: CaseMaker) -> None:
    a = make_case()
    b = make_case(serial=2)
    answer_granted(staff, a, days_ago(60))
    answer_granted(staff, b, days_ago(60))
    appeal = services.record_appeal(
        actor=staff.officer, application=b, kind="litigation", filed_on=days_ago(55), body="甲县人民法院"
    )
    refused(
        lambda: services.reopen(actor=staff.officer, application=a, on=days_ago(10), appeal=appeal),
        "foreign_appeal",
    )


# --- Appeals (表四, D8) ---------------------------------------------------------------------------


def test_appeals_record_conclude_and_group(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=days_ago(90))
    answer_granted(staff, case, days_ago(80))
    o = staff.officer
    w = written(
        lambda: services.record_appeal(
            actor=o,
            application=case,
            kind="reconsideration",
            filed_on=days_ago(70),
            body="甲县人民政府",
            case_number="甲府复〔2026〕1号",
        )
    )
    reconsideration: Appeal = w.result
    assert (w.events, w.audits, w.letters) == (["appeal_recorded"], ["appeal.recorded"], [])
    assert reconsideration.group == "reconsideration"
    assert reconsideration.agency == staff.agency
    direct = services.record_appeal(
        actor=o, application=case, kind="litigation", filed_on=days_ago(69), body="甲县人民法院"
    )
    assert direct.group == "litigation_direct"
    after = services.record_appeal(
        actor=o,
        application=case,
        kind="litigation",
        filed_on=days_ago(40),
        body="甲县人民法院",
        after_reconsideration=reconsideration,
    )
    assert after.group == "litigation_after_reconsideration"
    refused(
        lambda: services.record_appeal(
            actor=o,
            application=case,
            kind="reconsideration",
            filed_on=days_ago(40),
            body="x",
            after_reconsideration=reconsideration,
        ),
        "bad_after_reconsideration",
    )
    refused(
        lambda: services.record_appeal(
            actor=o,
            application=case,
            kind="litigation",
            filed_on=days_ago(40),
            body="x",
            after_reconsideration=direct,
        ),
        "foreign_reconsideration",
    )
    refused(
        lambda: services.conclude_appeal(
            actor=o, appeal=reconsideration, result="upheld", concluded_on=days_ago(71)
        ),
        "concluded_before_filed",
    )
    refused(
        lambda: services.conclude_appeal(
            actor=o, appeal=reconsideration, result="upheld", concluded_on=plus(today(), 1)
        ),
        "future_date",
    )
    w = written(
        lambda: services.conclude_appeal(
            actor=o, appeal=reconsideration, result="upheld", concluded_on=days_ago(45)
        )
    )
    assert (w.events, w.audits, w.letters) == (["appeal_concluded"], ["appeal.concluded"], [])
    reconsideration.refresh_from_db()
    assert reconsideration.result == "upheld" and reconsideration.concluded_on == days_ago(45)
    refused(
        lambda: services.conclude_appeal(
            actor=o, appeal=reconsideration, result="corrected", concluded_on=days_ago(40)
        ),
        "already_concluded",
    )
    assert reload(case).status == Status.CLOSED  # an appeal does not reopen the case by itself


def test_another_cases_reconsideration_cannot_precede_a_suit(staff: Staff, make_case: CaseMaker) -> None:
    a, b = make_case(), make_case(serial=2)
    other = services.record_appeal(
        actor=staff.officer, application=b, kind="reconsideration", filed_on=days_ago(60), body="甲县人民政府"
    )
    refused(
        lambda: services.record_appeal(
            actor=staff.officer,
            application=a,
            kind="litigation",
            filed_on=days_ago(50),
            body="x",
            after_reconsideration=other,
        ),
        "foreign_reconsideration",
    )


# --- Online submissions ---------------------------------------------------------------------------


def test_submit_online_is_idempotent_on_the_submission_key(
    staff: Staff, pin_today: Callable[[datetime.date], None]
) -> None:
    # Monday 2 March 2026: no holiday in March, so the 20th working day after it is Monday 30 March.
    pin_today(datetime.date(2026, 3, 2))

    def submit() -> Any:
        return services.submit_online(
            agency=staff.agency, applicant=applicant(), request=request(), submission_key="form-key-1"
        )

    w = written(submit)
    case, secret, created = w.result
    assert created
    assert case.channel == "online" and case.receipt_date == datetime.date(2026, 3, 2)  # D2
    assert case.due_date == datetime.date(2026, 3, 30)
    assert case.created_by is None
    assert w.events == ["submitted_online", "letter_issued", "delivery_recorded"]
    assert w.audits == ["letter.delivery_recorded", "application.submitted_online"]
    assert w.letters == ["receipt"]
    before = snapshot()
    again, secret_again, created_again = submit()
    assert snapshot() == before
    assert (again.pk, secret_again, created_again) == (case.pk, secret, False)
    assert codes.check_secret(case, secret)
    assert codes.check_secret(case, f"  {secret.lower()} ")
    assert not codes.check_secret(case, secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    other, other_secret, _ = services.submit_online(
        agency=staff.agency, applicant=applicant(serial=2), request=request(), submission_key="form-key-2"
    )
    assert other.pk != case.pk and other_secret != secret
    assert not codes.check_secret(other, secret)


def test_submit_online_in_december_before_next_years_calendar_is_loaded(
    staff: Staff, pin_today: Callable[[datetime.date], None]
) -> None:
    """An application submitted on 7 December 2026, 20 working days from 2027, with no 2027 calendar yet:
    it is stored and receipted with a provisional due date (暂定, D17) that skips 元旦 2027."""
    CalendarYear.objects.filter(year__gte=2027).delete()  # the fixture may have loaded a test year
    pin_today(datetime.date(2026, 12, 7))
    case, _secret, created = services.submit_online(
        agency=staff.agency, applicant=applicant(), request=request(), submission_key="december-key"
    )
    assert created and case.receipt_date == datetime.date(2026, 12, 7)
    # 12/8–11(1–4) 12/14–18(5–9) 12/21–25(10–14) 12/28–31(15–18), 1/1 元旦 (Fri), 1/4(19) 1/5(20).
    assert case.due_date == datetime.date(2027, 1, 5) and case.due_date_provisional
    assert case.clock_problem == ""
    receipt = case.letters.get(kind="receipt")
    assert "答复期限至2027年1月5日，暂定：该期限按法定节假日推算" in receipt.text


@pytest.mark.parametrize("key", ["", "k" * 65])
def test_submit_online_refuses_a_bad_key(staff: Staff, key: str) -> None:
    refused(
        lambda: services.submit_online(
            agency=staff.agency, applicant=applicant(), request=request(), submission_key=key
        ),
        "bad_submission_key",
    )


def test_tracking_codes(make_case: CaseMaker) -> None:
    case = make_case()
    shown = codes.format_tracking_code(case.tracking_code)
    assert len(shown) == 14 and shown.count("-") == 2
    assert codes.normalize_tracking_code(shown.lower()) == case.tracking_code
    assert not set(case.tracking_code) & set("01OIL")


# --- Personal data --------------------------------------------------------------------------------


def test_reveal_applicant_is_audited_for_staff_and_refused_to_others(
    staff: Staff, make_case: CaseMaker
) -> None:
    case = make_case(id_number="11010519491231002X")
    for user in (staff.officer, staff.reviewer, staff.leader, staff.head, staff.superuser):
        w = written(partial(services.reveal_applicant, actor=user, application=case))
        assert w.result["id_number"] == "11010519491231002X"
        assert w.result["phone"] == "13812345678"
        assert w.audits == ["application.applicant_viewed"]
        assert AuditEvent.objects.filter(action="application.applicant_viewed", actor=user).count() == 1
    from django.contrib.auth.models import AnonymousUser

    for nobody in (staff.supervisor, staff.other_officer, AnonymousUser(), None):
        refused(partial(services.reveal_applicant, actor=nobody, application=case), exc=PermissionDenied)


# --- The calendar changes: due dates of open cases are recomputed (D1) -----------------------------


def _rows_of(year: int, extra_holiday: datetime.date | None = None) -> list[CalendarRow]:
    calendar = current_calendar().years[year]
    rows = [CalendarRow(d, "holiday", name or "节日") for d, name in calendar.holidays.items()]
    rows += [CalendarRow(d, "workday", name or "节日") for d, name in calendar.workdays.items()]
    if extra_holiday is not None:
        rows.append(CalendarRow(extra_holiday, "holiday", "测试用虚构假日"))
    return rows


def test_loading_a_changed_year_recomputes_open_cases(staff: Staff, make_case: CaseMaker) -> None:
    arrived = days_ago(80)
    open_case = make_case(arrived_on=arrived)
    other_open = make_case(arrived_on=arrived, agency=staff.other_agency, actor=staff.other_officer)
    closed = make_case(arrived_on=arrived, serial=2)
    answer_granted(staff, closed, plus(arrived, 3))
    closed = reload(closed)
    old_due = open_case.due_date
    assert old_due is not None
    # A new holiday on a working day strictly inside (receipt, due]: every due date moves one working day.
    day = plus(arrived, 1)
    cal = current_calendar()
    while not (cal.is_working_day(day) and day.weekday() < 5):
        day = plus(day, 1)
    assert day < old_due and day.year == old_due.year
    closed_events = kinds(closed)

    w = written(lambda: load_calendar(actor=None, rows=_rows_of(day.year, day), source="测试：改动后的通知"))
    new_due = current_calendar().add_working_days(arrived, 20)
    assert new_due == cal.add_working_days(old_due, 1)
    for case in (open_case, other_open):
        case = reload(case)
        assert case.due_date == new_due
        event = case.events.get(kind=EventKind.DUE_DATE_RECOMPUTED)
        assert event.data["old_due_date"] == old_due.isoformat()
        assert event.data["new_due_date"] == new_due.isoformat()
        assert event.data["years"] == [day.year]
        assert event.occurred_on == today()
    assert reload(closed).due_date == closed.due_date
    assert kinds(closed) == closed_events
    assert w.audits.count("application.due_date_recomputed") == 2
    assert w.events.count("due_date_recomputed") == 2
    assert "calendar.year_loaded" in w.audits
    # Loading the same year again changes no due date: nothing is logged on the cases.
    w = written(lambda: load_calendar(actor=None, rows=_rows_of(day.year), source="测试：再次载入"))
    assert "due_date_recomputed" not in w.events


def test_loading_the_next_year_gives_due_dates_to_cases_that_needed_it(
    staff: Staff, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]
) -> None:
    last = max(current_calendar().loaded_years)
    pin_today(D(last, 12, 15))
    # Received 10 December of the last loaded year: the 20th working day falls in the next year, whose
    # notice is not loaded: the due date is counted on the provisional year (暂定, D17).
    case = make_case(arrived_on=D(last, 12, 10))
    assert case.receipt_date == D(last, 12, 10)
    guessed = WorkCalendar(current_calendar().years.values(), provisional=[provisional_year(last + 1)])
    provisional_due = guessed.add_working_days(D(last, 12, 10), 20)
    assert provisional_due.year == last + 1
    assert case.due_date == provisional_due and case.due_date_provisional and case.clock_problem == ""
    assert selectors.clock_of(case).provisional
    year = fictional_year(last + 1)
    rows = [CalendarRow(d, "holiday", n) for d, n in year.holidays.items()]
    w = written(lambda: load_calendar(actor=None, rows=rows, source="测试：虚构的下一年"))
    expected = WorkCalendar([*current_calendar().years.values()]).add_working_days(D(last, 12, 10), 20)
    assert expected.year == last + 1
    case = reload(case)
    assert case.due_date == expected and case.clock_problem == "" and not case.due_date_provisional
    # Logged even if the loaded year leaves the date where it was: it is no longer provisional.
    event = case.events.get(kind=EventKind.DUE_DATE_RECOMPUTED)
    assert event.data["old_due_date"] == provisional_due.isoformat()
    assert event.data["new_due_date"] == expected.isoformat()
    assert (event.data["old_provisional"], event.data["new_provisional"]) == (True, False)
    assert w.events == ["due_date_recomputed"]


def test_cached_due_date_of_a_paused_case_follows_the_clock(
    staff: Staff, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]
) -> None:
    day = days_ago(60)
    pin_today(day)
    case = make_case(arrived_on=plus(day, -10))
    services.start_consultation(
        actor=staff.officer, application=case, on=day, kind="third_party", consultee="x"
    )
    pin_today(plus(day, 14))  # two weeks later the reply has not come: the clock still stands
    case = reload(case)
    assert case.waiting_on == "consultation"
    assert case.paused_since == day
    # The cached date is the one that held when last refreshed; the daily job brings it up to today.
    live = selectors.clock_of(case).due_date
    assert case.due_date is not None and live is not None and case.due_date < live
    assert services.refresh_paused_cases() == 1
    assert reload(case).due_date == selectors.clock_of(case).due_date


def test_registration_time_is_the_agency_local_date(make_case: CaseMaker) -> None:
    # 23:30 in Beijing is 15:30 UTC the same day; 00:30 is the previous day in UTC.
    day = days_ago(70)
    late = make_case.register(arrived_on=None)[0]
    assert late.receipt_date == days_ago(75)
    case = services.register(
        actor=make_case.staff.officer,
        agency=make_case.staff.agency,
        applicant=applicant(serial=5),
        request=request(),
        channel="in_person",
        arrived_at=at(day, 0),
    )[0]
    assert case.receipt_date == day
    assert timezone.localdate(case.arrived_at) == day


def test_a_service_error_reads_in_the_readers_language(make_case: CaseMaker) -> None:
    case = make_case()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CaseError) as chinese:
        check_date(tomorrow, case, N_("答复日期"))
    assert chinese.value.messages == [f"答复日期（{tomorrow}）不能晚于今天（{timezone.localdate()}）。"]
    with translation.override("en"), pytest.raises(CaseError) as english:
        check_date(tomorrow, case, N_("答复日期"))
    assert english.value.messages == [
        f"Reply date ({tomorrow}) cannot be after today ({timezone.localdate()})."
    ]
