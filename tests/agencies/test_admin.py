from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.core.models import AuditEvent
from tests.conftest import Tree, make_user


@pytest.fixture
def admin_client_(db: None) -> Client:
    client = Client()
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


def inline_management(prefix: str = "memberships", total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_agency_admin_lists_searches_and_filters(admin_client_: Client, tree: Tree) -> None:
    url = reverse("admin:agencies_agency_changelist")
    html = admin_client_.get(url, {"q": "甲县"}).content.decode()
    assert "甲县财政局" in html
    assert "乙县人民政府" not in html
    html = admin_client_.get(url, {"kind__exact": "township"}).content.decode()
    assert "乙县一镇人民政府" in html
    assert "甲县财政局" not in html


def test_parent_autocomplete_finds_agencies(admin_client_: Client, tree: Tree) -> None:
    response = admin_client_.get(
        reverse("admin:autocomplete"),
        {"term": "乙县", "app_label": "agencies", "model_name": "agency", "field_name": "parent"},
    )
    assert response.status_code == 200
    assert {r["text"] for r in response.json()["results"]} == {"乙县人民政府", "乙县一镇人民政府"}


def test_adding_an_agency_with_a_member_in_the_admin_is_audited(admin_client_: Client, tree: Tree) -> None:
    officer = make_user("officer")
    data = {
        "name": "甲县三镇人民政府",
        "short_code": "town-a3",
        "uscc": "",
        "kind": "township",
        "parent": str(tree.county_a.pk),
        **{
            f: ""
            for f in ("office_name", "office_address", "office_hours", "phone", "fax", "website", "email")
        },
        "postcode": "",
        **inline_management(total=1),
        "memberships-0-user": str(officer.pk),
        "memberships-0-role": Role.INFORMATION_OFFICER,
    }
    response = admin_client_.post(reverse("admin:agencies_agency_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = Agency.objects.get(short_code="town-a3")
    assert agency.path == f"{tree.county_a.path}{tree.county_a.pk}/"
    assert Membership.objects.filter(user=officer, agency=agency, role=Role.INFORMATION_OFFICER).exists()
    actions = list(AuditEvent.objects.filter(agency=agency).values_list("action", flat=True))
    assert sorted(actions) == ["agency.created", "membership.added"]


def test_invalid_uscc_in_the_admin_shows_the_chinese_error(admin_client_: Client) -> None:
    data = {
        "name": "某局",
        "short_code": "x",
        "uscc": "91110000600037341X",
        "kind": "other",
        **inline_management(),
    }
    response = admin_client_.post(reverse("admin:agencies_agency_add"), data)
    assert response.status_code == 200
    assert "不是有效的统一社会信用代码：校验码不正确" in response.content.decode()
    assert not Agency.objects.exists()


def test_audit_log_is_read_only_in_the_admin(admin_client_: Client, tree: Tree) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    assert admin_client_.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert admin_client_.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert (
        admin_client_.post(
            reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_deleting_an_agency_in_the_admin_is_audited(admin_client_: Client, tree: Tree) -> None:
    office = tree.town_a1_office
    admin_client_.post(reverse("admin:agencies_agency_delete", args=[office.pk]), {"post": "yes"})
    town = tree.town_a2
    admin_client_.post(
        reverse("admin:agencies_agency_changelist"),
        {"action": "delete_selected", "_selected_action": [town.pk], "post": "yes"},
    )

    assert not Agency.objects.filter(pk__in=[office.pk, town.pk]).exists()
    deleted = AuditEvent.objects.filter(action="agency.deleted").order_by("id")
    assert [(e.object_id, e.details["name"]) for e in deleted] == [
        (str(office.pk), office.name),
        (str(town.pk), town.name),
    ]
