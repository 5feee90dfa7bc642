"""Who may act on and see applications (gongkai.applications.permissions, enforced by the services).

Only the agency's 信息员 and 信息公开工作机构负责人 (and superusers) act. Everyone else — another agency's
officer, a reviewer, a leader, a supervisor (政务公开办) above the agency, an inactive officer, an
anonymous user and ``None`` — gets ``PermissionDenied`` from every acting service, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.applications import permissions, services
from gongkai.applications.models import Appeal, Application
from tests.applications.conftest import CaseMaker, Staff, applicant, at, days_ago, request, snapshot, today
from tests.conftest import Tree, make_user

pytestmark = pytest.mark.django_db

DENIED = [
    "other_officer",
    "reviewer",
    "leader",
    "supervisor",
    "inactive_officer",
    "no_role",
    "anonymous",
    "none",
]


def who(staff: Staff, name: str) -> Any:
    if name == "anonymous":
        return AnonymousUser()
    if name == "none":
        return None
    if name == "inactive_officer":
        user = make_user("inactive")
        add_membership(actor=None, user=user, agency=staff.agency, role=Role.INFORMATION_OFFICER)
        user.is_active = False
        user.save()
        return user
    if name == "no_role":
        return make_user("nobody")
    return getattr(staff, name)


def acting_steps(
    staff: Staff, actor: Any, case: Application, closed: Application, appeal: Appeal
) -> dict[str, Callable[[], Any]]:
    """Every acting service, each called with arguments that would succeed for the case's officer."""
    on = days_ago(70)
    return {
        "register": lambda: services.register(
            actor=actor,
            agency=staff.agency,
            applicant=applicant(serial=99),
            request=request(),
            channel="in_person",
            arrived_at=at(on),
        ),
        "confirm_receipt": lambda: services.confirm_receipt(actor=actor, application=case, confirmed_on=on),
        "request_correction": lambda: services.request_correction(
            actor=actor, application=case, on=on, items="请补充文号", period_end=today()
        ),
        "record_correction": lambda: services.record_correction(actor=actor, application=case, on=on),
        "lapse_correction": lambda: services.lapse_correction(actor=actor, application=case, on=on),
        "start_consultation": lambda: services.start_consultation(
            actor=actor, application=case, on=on, kind="third_party", consultee="某公司"
        ),
        "end_consultation": lambda: services.end_consultation(
            actor=actor, application=case, started_seq=1, on=on
        ),
        "grant_extension": lambda: services.grant_extension(
            actor=actor, application=case, on=on, approver=staff.head, reason="情况复杂"
        ),
        "issue_fee_notice": lambda: services.issue_fee_notice(
            actor=actor, application=case, on=on, method="pages", quantity=100
        ),
        "record_payment": lambda: services.record_payment(actor=actor, application=case, on=on),
        "lapse_fee": lambda: services.lapse_fee(actor=actor, application=case, on=on),
        "answer": lambda: services.answer(
            actor=actor, application=case, on=on, outcome="granted", how_to_obtain="随答复书提供"
        ),
        "withdraw": lambda: services.withdraw(actor=actor, application=case, on=on),
        "reopen": lambda: services.reopen(actor=actor, application=closed, on=days_ago(5), note="复议决定"),
        "record_appeal": lambda: services.record_appeal(
            actor=actor, application=closed, kind="litigation", filed_on=days_ago(5), body="甲县人民法院"
        ),
        "conclude_appeal": lambda: services.conclude_appeal(
            actor=actor, appeal=appeal, result="upheld", concluded_on=days_ago(3)
        ),
    }


@pytest.fixture
def cases(staff: Staff, make_case: CaseMaker) -> tuple[Application, Application, Appeal]:
    case = make_case()
    closed = make_case(serial=2)
    services.answer(
        actor=staff.officer,
        application=closed,
        on=days_ago(60),
        outcome="granted",
        how_to_obtain="随答复书提供",
    )
    appeal = services.record_appeal(
        actor=staff.officer,
        application=closed,
        kind="reconsideration",
        filed_on=days_ago(50),
        body="甲县人民政府",
    )
    return case, Application.objects.get(pk=closed.pk), appeal


@pytest.mark.parametrize("name", DENIED)
def test_only_the_agencys_officers_act(
    staff: Staff, cases: tuple[Application, Application, Appeal], name: str
) -> None:
    actor = who(staff, name)
    for step, call in acting_steps(staff, actor, *cases).items():
        before = snapshot()
        with pytest.raises(PermissionDenied):
            call()
        assert snapshot() == before, step


@pytest.mark.parametrize("name", ["officer", "head", "superuser"])
def test_officer_head_and_superuser_act(
    staff: Staff, cases: tuple[Application, Application, Appeal], name: str
) -> None:
    actor = getattr(staff, name)
    steps = acting_steps(staff, actor, *cases)
    for step in ("register", "start_consultation", "record_appeal", "conclude_appeal", "reopen"):
        steps[step]()


@pytest.mark.parametrize("name", ["other_officer", "reviewer", "supervisor", "anonymous", "none"])
def test_permission_is_checked_before_the_input(
    staff: Staff, cases: tuple[Application, Application, Appeal], name: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.answer(actor=who(staff, name), application=cases[0], on=days_ago(70), outcome="granted")


def test_an_agencys_administrator_sees_but_does_not_act(staff: Staff, make_case: CaseMaker) -> None:
    admin = make_user("admin-of-finance")
    add_membership(actor=None, user=admin, agency=staff.agency, role=Role.ADMINISTRATOR)
    case = make_case()
    assert permissions.can_view(admin, case) and permissions.can_see_applicant(admin, case)
    assert not permissions.can_act(admin, case)
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=admin, application=case, on=days_ago(70))


def test_permission_of_the_extension_approver(staff: Staff) -> None:
    assert permissions.can_approve_extension(staff.head, staff.agency)
    assert not permissions.can_approve_extension(staff.head, staff.other_agency)
    for user in (staff.officer, staff.reviewer, staff.supervisor, staff.superuser, AnonymousUser()):
        assert not permissions.can_approve_extension(user, staff.agency)


def test_can_act_needs_a_target() -> None:
    with pytest.raises(TypeError):
        permissions.can_act(AnonymousUser())


# --- Who sees which cases -------------------------------------------------------------------------


@pytest.fixture
def spread(staff: Staff, make_case: CaseMaker, tree: Tree) -> dict[str, Application]:
    """One case at each of: the staff's agency, its parent county-a, town-a1 below county-a, county-b."""
    root = staff.superuser
    return {
        "finance": make_case(),
        "county_a": make_case(agency=tree.county_a, actor=root),
        "town_a1": make_case(agency=tree.town_a1, actor=root),
        "county_b": make_case(agency=tree.county_b, actor=root),
    }


def visible(user: Any) -> set[int]:
    return set(permissions.cases_visible_to(user).values_list("pk", flat=True))


def test_cases_visible_to_each_role(staff: Staff, spread: dict[str, Application], tree: Tree) -> None:
    ids = {name: case.pk for name, case in spread.items()}
    for user in (staff.officer, staff.head, staff.reviewer, staff.leader):
        assert visible(user) == {ids["finance"]}
    # 政务公开办 at county-a: county-a and everything below it, not county-b.
    assert visible(staff.supervisor) == {ids["finance"], ids["county_a"], ids["town_a1"]}
    assert visible(staff.other_officer) == {ids["county_b"]}
    assert visible(staff.superuser) == set(ids.values())
    assert visible(AnonymousUser()) == set()
    assert visible(make_user("nobody")) == set()
    city_supervisor = make_user("city-supervisor")
    add_membership(actor=None, user=city_supervisor, agency=tree.city, role=Role.SUPERVISOR)
    assert visible(city_supervisor) == set(ids.values())
    inactive = staff.officer
    inactive.is_active = False
    inactive.save()
    assert visible(inactive) == set()


def test_a_supervisor_sees_cases_without_personal_data_and_cannot_act(
    staff: Staff, spread: dict[str, Application]
) -> None:
    case = spread["finance"]
    assert permissions.can_view(staff.supervisor, case)
    assert not permissions.can_see_applicant(staff.supervisor, case)
    assert not permissions.can_act(staff.supervisor, case)
    assert permissions.can_see_applicant(staff.reviewer, case)
    assert not permissions.can_view(staff.other_officer, case)
    assert not permissions.can_see_applicant(staff.other_officer, case)


def test_staff_of_two_agencies_sees_both(staff: Staff, spread: dict[str, Application], tree: Tree) -> None:
    add_membership(actor=None, user=staff.reviewer, agency=tree.county_b, role=Role.REVIEWER)
    assert visible(staff.reviewer) == {spread["finance"].pk, spread["county_b"].pk}
    assert not permissions.can_act(staff.reviewer, spread["county_b"])
