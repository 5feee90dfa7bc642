"""更正 with a trail (gongkai.applications.services.amend): every correctable fact of a case, the clock
and the annual report following the corrected facts, and who may correct.

Today is pinned to 2026-06-15 (a Monday; the built-in 2026 calendar): nothing here depends on the
real date.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gongkai.agencies.models import SignOff, SignOffPolicy
from gongkai.annual import tabulate
from gongkai.applications import services
from gongkai.applications.amendments import event_context
from gongkai.applications.models import Application, CaseEvent, Letter
from gongkai.core.fields import unseal
from gongkai.core.models import AuditEvent
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import (
    CaseMaker,
    Staff,
    applicant,
    at,
    request,
    resident_id,
    snapshot,
    uscc,
    written,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(pin_today: Any) -> None:
    pin_today(TODAY)


def last_event(case: Application) -> CaseEvent:
    return case.events.order_by("-seq")[0]


def answered(staff: Staff, make_case: CaseMaker, *, outcome: str = "granted", **kwargs: Any) -> Application:
    case = make_case(arrived_on=D(2026, 5, 6), **kwargs)
    details = {"how_to_obtain": "到本机关领取"} if outcome == "granted" else {}
    if outcome.startswith("denied"):
        details = {"legal_basis": "条例第十四条", "reasons": "涉及国家秘密"}
    services.answer(actor=staff.officer, application=case, on=D(2026, 5, 20), outcome=outcome, **details)
    case.refresh_from_db()
    return case


# --- Applicant details --------------------------------------------------------------------------


def test_each_applicant_field_is_corrected_and_the_event_keeps_the_old_values(
    staff: Staff, make_case: CaseMaker
) -> None:
    case = make_case(arrived_on=D(2026, 6, 1))
    old_id = case.id_number
    new = {
        "applicant_name": "张叁",
        "id_type": "resident_id",
        "id_number": resident_id(7),
        "contact_person": "李四",
        "phone": "13900001111",
        "email": "zhang@example.cn",
        "address": "示范市甲县解放路2号",
        "postcode": "100001",
    }
    w = written(
        lambda: services.correct_details(
            actor=staff.officer, application=case, changes=new, reason="依据身份证复印件核对"
        )
    )
    assert w.events == ["details_corrected"]
    assert w.audits == ["application.details_corrected"]
    case.refresh_from_db()
    for field, value in new.items():
        if field != "id_type":  # unchanged: not part of the correction
            assert getattr(case, field) == value
    event = last_event(case)
    assert event.note == "依据身份证复印件核对"
    # Personal values are kept sealed (encrypted at rest), and open to what was recorded.
    assert old_id not in str(event.data) and "13900001111" not in str(event.data)
    assert unseal(event.data["old"]["id_number"], event_context("id_number")) == old_id
    assert event.data["old"]["applicant_name"] == "张三"
    assert unseal(event.data["new"]["phone"], event_context("phone")) == "13900001111"
    assert "id_type" not in event.data["fields"]
    audit = AuditEvent.objects.get(action="application.details_corrected")
    # The audit log names the personal fields but never holds their values.
    assert "id_number" in audit.details["fields"]
    assert old_id not in str(audit.details) and new["id_number"] not in str(audit.details)
    assert "13900001111" not in str(audit.details)
    assert audit.details["new"] == {"applicant_name": "张叁"}


def test_an_identity_number_with_a_bad_checksum_is_refused(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1))
    before = snapshot()
    bad = resident_id(7)[:-1] + ("0" if resident_id(7)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        services.correct_details(
            actor=staff.officer, application=case, changes={"id_number": bad}, reason="核对"
        )
    assert "id_number" in info.value.message_dict
    assert snapshot() == before


def test_a_reason_is_required_and_nothing_changed_is_refused(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1))
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.correct_details(actor=staff.officer, application=case, changes={"pieces": 3}, reason=" ")
    assert "reason" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.correct_details(
            actor=staff.officer, application=case, changes={"applicant_name": " 张三 "}, reason="核对"
        )
    assert info.value.code == "nothing_changed"
    with pytest.raises(ValidationError) as info:
        services.correct_details(
            actor=staff.officer, application=case, changes={"pieces": 3}, reason="长" * 2001
        )
    assert "2000" in info.value.message_dict["reason"][0]  # refused, never cut
    assert snapshot() == before


def test_the_applicant_type_moves_the_case_to_its_column_of_table_3(
    staff: Staff, make_case: CaseMaker
) -> None:
    case = answered(staff, make_case)
    table = tabulate.table3([staff.agency.pk], 2026)
    assert table["new_received"]["natural_person"] == 1
    assert table["granted"]["natural_person"] == 1
    services.correct_details(
        actor=staff.officer,
        application=case,
        changes={
            "applicant_type": "commercial",
            "id_type": "uscc",
            "id_number": uscc(3),
            "applicant_name": "甲公司",
        },
        reason="申请人为企业，登记时误选自然人",
    )
    table = tabulate.table3([staff.agency.pk], 2026)
    assert table["new_received"]["natural_person"] == 0
    assert table["granted"]["natural_person"] == 0
    assert table["new_received"]["commercial"] == 1
    assert table["granted"]["commercial"] == 1


def test_an_organisation_cannot_keep_a_resident_id(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1))
    with pytest.raises(ValidationError) as info:
        services.correct_details(
            actor=staff.officer, application=case, changes={"applicant_type": "commercial"}, reason="核对"
        )
    assert "id_type" in info.value.message_dict


# --- 件数 -------------------------------------------------------------------------------------------


def test_pieces_are_corrected_until_a_fee_notice_is_issued(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1))
    services.correct_details(
        actor=staff.officer, application=case, changes={"pieces": 12}, reason="一事一申请拆分"
    )
    case.refresh_from_db()
    assert case.pieces == 12
    assert last_event(case).data == {"fields": ["pieces"], "old": {"pieces": 1}, "new": {"pieces": 12}}
    services.issue_fee_notice(actor=staff.officer, application=case, on=D(2026, 6, 10), method="pieces")
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.correct_details(actor=staff.officer, application=case, changes={"pieces": 2}, reason="核对")
    assert "pieces" in info.value.message_dict
    assert snapshot() == before


# --- Receipt facts: the clock moves ---------------------------------------------------------------


def test_a_corrected_confirmation_date_moves_the_due_date(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1), channel="email", confirmed_on=D(2026, 6, 2))
    calendar = current_calendar()
    assert case.due_date == calendar.add_working_days(D(2026, 6, 2), 20)
    services.correct_details(
        actor=staff.officer,
        application=case,
        changes={"confirmed_on": D(2026, 6, 4)},
        reason="回复邮件日期核对",
    )
    case.refresh_from_db()
    assert case.receipt_date == D(2026, 6, 4)
    assert case.due_date == calendar.add_working_days(D(2026, 6, 4), 20)
    event = last_event(case)
    assert event.data["old_due_date"] == calendar.add_working_days(D(2026, 6, 2), 20).isoformat()
    assert event.data["new_due_date"] == case.due_date.isoformat()


def test_a_confirmation_recorded_as_a_step_is_corrected_too(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1), channel="post_ordinary")
    services.confirm_receipt(actor=staff.officer, application=case, confirmed_on=D(2026, 6, 3))
    services.correct_details(
        actor=staff.officer, application=case, changes={"confirmed_on": D(2026, 6, 2)}, reason="核对电话记录"
    )
    case.refresh_from_db()
    assert case.receipt_date == D(2026, 6, 2)


def test_channel_and_arrival_are_corrected(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1), channel="email", confirmed_on=D(2026, 6, 3))
    services.correct_details(
        actor=staff.officer,
        application=case,
        changes={"channel": "in_person", "arrived_at": at(D(2026, 6, 2), 9)},
        reason="申请人当面递交，登记时误选电子邮件",
    )
    case.refresh_from_db()
    assert case.channel == "in_person"
    assert case.confirmed_on is None  # a counter application needs no confirmation (D2)
    assert case.receipt_date == D(2026, 6, 2)
    event = last_event(case)
    assert set(event.data["fields"]) == {"channel", "arrived_at", "confirmed_on"}
    assert event.data["old"]["confirmed_on"] == "2026-06-03"


def test_a_receipt_date_after_a_later_step_is_refused(staff: Staff, make_case: CaseMaker) -> None:
    case = answered(staff, make_case)
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.correct_details(
            actor=staff.officer, application=case, changes={"arrived_at": at(D(2026, 5, 25))}, reason="核对"
        )
    assert info.value.code == "receipt_after_steps"
    assert snapshot() == before


def test_a_closed_case_moves_to_the_year_of_its_corrected_receipt(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 1, 5))
    services.answer(
        actor=staff.officer, application=case, on=D(2026, 1, 20), outcome="granted", how_to_obtain="领取"
    )
    assert tabulate.table3([staff.agency.pk], 2025)["new_received"]["natural_person"] == 0
    services.correct_details(
        actor=staff.officer,
        application=case,
        changes={"arrived_at": at(D(2025, 12, 30))},
        reason="收件登记簿",
    )
    assert tabulate.table3([staff.agency.pk], 2025)["new_received"]["natural_person"] == 1
    assert tabulate.table3([staff.agency.pk], 2026)["new_received"]["natural_person"] == 0


def test_an_online_submissions_receipt_facts_are_not_correctable(staff: Staff) -> None:
    case, _secret, _created = services.submit_online(
        agency=staff.agency, applicant=applicant(), request=request(), submission_key="k" * 32
    )
    with pytest.raises(ValidationError) as info:
        services.correct_details(
            actor=staff.officer, application=case, changes={"channel": "in_person"}, reason="核对"
        )
    assert "channel" in info.value.message_dict


# --- The outcome ------------------------------------------------------------------------------------


def test_an_outcome_correction_supersedes_the_answer_and_its_letter(
    staff: Staff, make_case: CaseMaker
) -> None:
    case = answered(staff, make_case)
    old_letter = Letter.objects.get(application=case, kind="answer")
    assert tabulate.table3([staff.agency.pk], 2026)["granted"]["total"] == 1
    w = written(
        lambda: services.correct_outcome(
            actor=staff.officer,
            application=case,
            outcome="denied_state_secret",
            legal_basis="条例第十四条",
            reasons="经保密审查属于国家秘密",
            reason="保密审查结论有误，经复核更正",
        )
    )
    assert w.events == ["outcome_corrected", "letter_issued"]
    assert w.letters == ["answer"]
    assert w.audits == ["application.outcome_corrected"]
    case.refresh_from_db()
    assert case.outcome == case.counted_outcome == "denied_state_secret"
    assert case.answered_on == case.counted_answer_on == D(2026, 5, 20)
    old_letter.refresh_from_db()
    assert old_letter.superseded_by == w.result
    event = case.events.get(kind="outcome_corrected")
    assert event.data["previous"]["outcome"] == "granted"
    assert event.note == "保密审查结论有误，经复核更正"
    table = tabulate.table3([staff.agency.pk], 2026)
    assert table["granted"]["total"] == 0
    assert table["denied_state_secret"]["total"] == 1
    # A second correction supersedes the first one's letter, not the original again.
    second = services.correct_outcome(
        actor=staff.officer,
        application=case,
        outcome="granted",
        how_to_obtain="到本机关领取",
        reason="复核后恢复公开",
    )
    w.result.refresh_from_db()
    assert w.result.superseded_by == second
    assert Letter.objects.filter(application=case, superseded_by=None, kind="answer").get() == second


def test_a_correction_after_a_reopening_leaves_the_counted_first_answer(
    staff: Staff, make_case: CaseMaker
) -> None:
    case = answered(staff, make_case)
    services.reopen(
        actor=staff.officer, application=case, on=D(2026, 6, 1), note="复议决定书 示复〔2026〕3号"
    )
    services.answer(
        actor=staff.officer,
        application=case,
        on=D(2026, 6, 10),
        outcome="partially_granted",
        reasons="部分涉及个人隐私",
    )
    services.correct_outcome(
        actor=staff.officer,
        application=case,
        outcome="denied_state_secret",
        legal_basis="条例第十四条",
        reasons="国家秘密",
        reason="更正重新答复",
    )
    case.refresh_from_db()
    assert case.outcome == "denied_state_secret"
    assert case.counted_outcome == "granted"  # D11/D18: the report counts the first answer
    first_letter = Letter.objects.filter(application=case, kind="answer").order_by("pk").first()
    assert first_letter is not None and first_letter.superseded_by is None


def test_an_outcome_correction_needs_an_answer_in_force(staff: Staff, make_case: CaseMaker) -> None:
    withdrawn = make_case(arrived_on=D(2026, 6, 1))
    services.withdraw(actor=staff.officer, application=withdrawn, on=D(2026, 6, 5))
    still_open = make_case(arrived_on=D(2026, 6, 1), serial=2)
    before = snapshot()
    for case in (withdrawn, still_open):
        with pytest.raises(ValidationError) as info:
            services.correct_outcome(
                actor=staff.officer, application=case, outcome="granted", how_to_obtain="领取", reason="核对"
            )
        assert info.value.code == "outcome_not_correctable"
    assert snapshot() == before


def test_the_corrected_answer_must_say_what_its_outcome_needs(staff: Staff, make_case: CaseMaker) -> None:
    case = answered(staff, make_case)
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.correct_outcome(
            actor=staff.officer, application=case, outcome="denied_state_secret", reason="复核"
        )
    assert "legal_basis" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.correct_outcome(
            actor=staff.officer,
            application=case,
            outcome="granted",
            how_to_obtain="到本机关领取",
            reason="复核",
        )
    assert info.value.code == "nothing_changed"
    assert snapshot() == before


# --- Who may correct --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_officer", "reviewer", "leader", "supervisor"])
def test_only_the_agencys_officers_correct(staff: Staff, make_case: CaseMaker, who: str) -> None:
    case = answered(staff, make_case)
    actor = getattr(staff, who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.correct_details(actor=actor, application=case, changes={"pieces": 2}, reason="核对")
    with pytest.raises(PermissionDenied):
        services.correct_outcome(
            actor=actor, application=case, outcome="other", reasons="其他", reason="核对"
        )
    assert snapshot() == before


def test_the_office_head_corrects(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=D(2026, 6, 1))
    services.correct_details(actor=staff.head, application=case, changes={"pieces": 2}, reason="核对")
    case.refresh_from_db()
    assert case.pieces == 2


def test_where_answers_need_the_head_a_corrected_answer_is_the_heads(
    staff: Staff, make_case: CaseMaker
) -> None:
    case = answered(staff, make_case)
    SignOffPolicy.objects.update_or_create(agency=staff.agency, defaults={"answers": SignOff.HEAD})
    correction: dict[str, Any] = {
        "application": case,
        "outcome": "denied_state_secret",
        "legal_basis": "条例第十四条",
        "reasons": "经保密审查属于国家秘密",
        "reason": "保密审查结论有误，经复核更正",
    }
    with pytest.raises(PermissionDenied, match="须由信息公开工作机构负责人作出"):
        services.correct_outcome(actor=staff.officer, **correction)
    # The case page offers 更正答复 to the head only.
    link = f"/cases/{case.pk}/correct/outcome/"
    for user, shown in ((staff.officer, False), (staff.head, True)):
        client = Client()
        client.force_login(user)
        assert (link in client.get(f"/cases/{case.pk}/").content.decode()) is shown
    case.refresh_from_db()
    assert case.outcome == "granted"
    services.correct_outcome(actor=staff.head, **correction)
    case.refresh_from_db()
    assert case.outcome == "denied_state_secret"
