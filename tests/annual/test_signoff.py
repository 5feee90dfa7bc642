"""The head's sign-off of the annual report (D15): with head approval set, only the office head or the leader
acknowledges warnings and publishes; the head may return the draft with a reason, kept in its history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongkai.agencies.models import SignOff, SignOffPolicy
from gongkai.annual import presenters, selectors, services
from gongkai.annual.models import VersionStatus
from gongkai.core.models import AuditEvent
from tests.annual.test_services import YEAR, cases_of_the_year, codes, finish_draft
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import CaseMaker, Staff

staff = applications_fixtures.staff
make_case = applications_fixtures.make_case

D = datetime.date


def test_with_head_approval_only_the_head_publishes(staff: Staff, make_case: CaseMaker) -> None:
    SignOffPolicy.objects.create(agency=staff.agency, annual_report=SignOff.HEAD)
    cases_of_the_year(staff, make_case)
    version = finish_draft(staff, services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR))
    version = services.check_draft(actor=staff.officer, version=version)
    assert codes(version, "error") == set(), selectors.all_findings(version)
    if selectors.readiness(version).warnings:
        with pytest.raises(PermissionDenied, match="负责人"):
            services.acknowledge_warnings(actor=staff.officer, version=version)
        services.acknowledge_warnings(actor=staff.head, version=version)
    with pytest.raises(PermissionDenied, match="负责人"):
        services.publish(actor=staff.officer, version=version, on=D(YEAR + 1, 1, 20))
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT

    with pytest.raises(services.ReportError):
        services.return_draft(actor=staff.head, version=version, reason=" ")
    with pytest.raises(PermissionDenied):
        services.return_draft(actor=staff.officer, version=version, reason="请改第五部分。")
    services.return_draft(actor=staff.leader, version=version, reason="请改第五部分。")
    returned = AuditEvent.objects.get(action="annual.returned")
    assert returned.actor == staff.leader and returned.details["reason"] == "请改第五部分。"

    published = services.publish(actor=staff.leader, version=version, on=D(YEAR + 1, 1, 20))
    assert published.status == VersionStatus.PUBLISHED and published.published_by == staff.leader
    history = [e.action for e in selectors.signoff_history(published)]
    assert history[-2:] == ["annual.returned", "annual.published"]
    # The history shows people by name (the stored log-in name only for a deleted user).
    staff.leader.last_name, staff.leader.first_name = "李", "明"
    staff.leader.save()
    rows = presenters.signoff_rows(selectors.signoff_history(published))
    assert [who for _step, who, _when, _reason in rows][-2:] == ["李明", "李明"]


def test_by_default_the_officer_publishes_and_nothing_is_returned(staff: Staff, make_case: CaseMaker) -> None:
    cases_of_the_year(staff, make_case)
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    assert not services.needs_approval(staff.agency)
    with pytest.raises(services.ReportError, match="无需审批"):
        services.return_draft(actor=staff.head, version=version, reason="x")


def test_the_workspace_offers_publishing_to_the_head_only(staff: Staff, make_case: CaseMaker) -> None:
    SignOffPolicy.objects.create(agency=staff.agency, annual_report=SignOff.HEAD)
    services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    url = f"/reports/{staff.agency.short_code}/{YEAR}/"
    officer, head = Client(), Client()
    officer.force_login(staff.officer)
    head.force_login(staff.head)
    officer_page = officer.get(url)
    assert officer_page.context["may_sign"] is False
    assert "由信息公开工作机构负责人或分管领导确认警告并公开" in officer_page.content.decode()
    head_page = head.get(url)
    assert head_page.context["may_sign"] is True and "退回修改" in head_page.content.decode()
    refused = head.post(url + "return/", {"reason": ""}, follow=True)
    assert "请写明退回的理由" in refused.content.decode()
    done = head.post(url + "return/", {"reason": "数据需核对。"}, follow=True)
    assert "数据需核对。" in done.content.decode()
    assert AuditEvent.objects.filter(action="annual.returned").count() == 1
