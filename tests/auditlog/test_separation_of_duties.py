"""三员分立 (issue 12, 访问控制): the 审计管理员 reads and exports the audit log of their subtree (of the
whole deployment at a root agency), changes nothing, and their reads are audited; the 安全管理员 manages the
accounts of their subtree and reads its security events; superusers' requests to write views and the admin
are recorded, and the workbench and the admin say superuser accounts are for setup only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.applications.models import Application
from gongkai.auditlog import permissions
from gongkai.core.audit import record_audit
from gongkai.core.models import AuditEvent
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import CaseMaker, Staff
from tests.conftest import Tree, make_user

pytestmark = pytest.mark.django_db

staff = applications_fixtures.staff
make_case = applications_fixtures.make_case


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def holding(username: str, role: str, agency: Agency) -> User:
    user = make_user(username)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def events(staff: Staff, make_case: CaseMaker, tree: Tree) -> Application:
    """A case at county-a's finance bureau, one at county-b, a login event of each and one of no agency."""
    case = make_case(name="张三丰")
    make_case(agency=staff.other_agency, actor=staff.other_officer, name="乙县申请人")
    record_audit(staff.officer, "auth.login_failed", agency=staff.agency, username="officer")
    record_audit(staff.other_officer, "auth.login_failed", agency=staff.other_agency, username="other")
    record_audit(None, "auth.locked_out", username="nobody")
    return case


def agencies_read(user: User) -> set[int | None]:
    response = client_for(user).get("/audit/")
    assert response.status_code == 200
    return {row.event.agency_id for row in response.context["rows"]}


def test_an_audit_administrator_of_a_root_agency_reads_everything(
    staff: Staff, tree: Tree, events: Application
) -> None:
    auditor = holding("auditor", Role.AUDIT_ADMINISTRATOR, tree.city)
    assert permissions.can_read(auditor)
    assert {staff.agency.pk, staff.other_agency.pk, None} <= agencies_read(auditor)
    # Their read is itself audited (and only theirs: the head's reads are their daily work).
    viewed = AuditEvent.objects.filter(action="audit.viewed")
    assert [(e.actor_id, e.agency_id) for e in viewed] == [(auditor.pk, tree.city.pk)]
    client_for(staff.superuser).get("/audit/")
    assert viewed.count() == 1


def test_an_audit_administrator_of_a_county_reads_its_subtree_only(
    staff: Staff, tree: Tree, events: Application
) -> None:
    auditor = holding("auditor", Role.AUDIT_ADMINISTRATOR, tree.county_a)
    read = agencies_read(auditor)
    assert staff.agency.pk in read
    assert staff.other_agency.pk not in read and None not in read


def test_the_audit_administrator_exports_and_the_export_is_audited(
    staff: Staff, tree: Tree, events: Application
) -> None:
    auditor = holding("auditor", Role.AUDIT_ADMINISTRATOR, tree.city)
    response = client_for(auditor).get("/audit/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    assert "张三丰" not in text  # masked, as on the page
    exported = AuditEvent.objects.filter(action="audit.exported", actor=auditor)
    assert {e.agency_id for e in exported} >= {staff.agency.pk, staff.other_agency.pk}


def test_the_audit_administrator_changes_nothing(staff: Staff, tree: Tree, events: Application) -> None:
    auditor = holding("auditor", Role.AUDIT_ADMINISTRATOR, tree.city)
    client = client_for(auditor)
    assert client.get(f"/cases/{events.pk}/").status_code == 404
    assert client.post(f"/cases/{events.pk}/answer/", {}).status_code in (403, 404)
    assert client.get("/admin/").status_code == 302  # not staff: the admin's login
    assert not permissions.can_manage_security(auditor)
    # The append-only log refuses any change, whoever asks.
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(Exception, match="append-only"):
        event.delete()


def test_the_security_administrator_manages_its_subtree_and_reads_its_security_events(
    staff: Staff, tree: Tree, events: Application
) -> None:
    security = holding("security", Role.SECURITY_ADMINISTRATOR, tree.county_a)
    assert permissions.can_manage_security(security)
    assert permissions.can_manage_security(security, staff.agency)  # below county-a
    assert not permissions.can_manage_security(security, staff.other_agency)
    assert not permissions.can_manage_security(staff.officer)
    assert permissions.can_manage_security(staff.superuser, staff.other_agency)
    response = client_for(security).get("/audit/")
    assert response.status_code == 200
    seen = {(row.event.action, row.event.agency_id) for row in response.context["rows"]}
    assert seen == {("auth.login_failed", staff.agency.pk), ("auth.locked_out", None)}
    page = response.content.decode()
    assert "安全管理员在此查看本机关及下级机关的安全事件" in page and "政务公开办为本级及下级机关" not in page
    # An office head reads the agency's whole log, with the usual introduction.
    head_page = client_for(staff.head).get("/audit/").content.decode()
    assert "政务公开办为本级及下级机关" in head_page and "安全管理员在此查看" not in head_page


def test_other_roles_still_read_nothing(staff: Staff, events: Application) -> None:
    response = client_for(staff.officer).get("/audit/")
    assert response.status_code == 403
    assert "审计管理员" in response.content.decode()


def test_superuser_requests_to_write_views_and_the_admin_are_recorded(
    staff: Staff, events: Application
) -> None:
    client = client_for(staff.superuser)
    recorded = AuditEvent.objects.filter(action="superuser.request", actor=staff.superuser)
    workbench = client.get("/workbench/")
    assert "超级管理员账号仅用于初始设置" in workbench.content.decode()
    assert not recorded.exists()  # a page read outside the admin is not a superuser request
    admin = client.get("/admin/")
    assert "超级管理员账号仅用于初始设置" in admin.content.decode()
    client.post(f"/cases/{events.pk}/answer/", {})
    assert [(e.details["method"], e.details["path"]) for e in recorded.order_by("id")] == [
        ("GET", "/admin/"),
        ("POST", f"/cases/{events.pk}/answer/"),
    ]
    assert recorded.order_by("id").last().details["view"] == "cases:act"  # type: ignore[union-attr]
    # Nobody else's requests are recorded so.
    client_for(staff.officer).post(f"/cases/{events.pk}/answer/", {})
    assert AuditEvent.objects.filter(action="superuser.request").count() == 2
    assert "超级管理员账号" not in client_for(staff.officer).get("/workbench/").content.decode()
