"""本机关管理: an agency's administrator manages its people, roles, contact data and letter settings; the
政务公开办 reads the lists below it; nobody else sees them."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gongkai.agencies.models import Membership, Role
from gongkai.agencies.services import add_membership
from gongkai.core.models import AuditEvent
from gongkai.letters.models import AgencyLetterSettings
from gongkai.office import services
from tests.catalogue.conftest import People
from tests.conftest import Tree, make_user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff_url(code: str) -> str:
    return f"/office/{code}/"


def test_the_administrator_sees_the_staff_with_names_roles_last_login_and_state(people: People) -> None:
    people.reviewer.first_name = "赵志刚"
    people.reviewer.last_login = datetime.datetime(2026, 6, 1, 9, 30, tzinfo=datetime.UTC)
    people.reviewer.save()
    page = client_for(people.admin).get(staff_url("county-a-finance"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "赵志刚" in text and "审核人" in text and "2026-06-01" in text
    assert "从未登录" in text  # the others never logged in
    assert "other-officer" not in text  # another agency's people
    assert "邀请工作人员" in text


def test_another_agencys_administrator_neither_sees_nor_changes_the_staff(tree: Tree, people: People) -> None:
    other_admin = make_user("other-admin")
    add_membership(actor=None, user=other_admin, agency=tree.county_b, role=Role.ADMINISTRATOR)
    client = client_for(other_admin)
    assert client.get(staff_url("county-a-finance")).status_code == 404
    member = f"/office/county-a-finance/people/{people.officer.pk}/"
    assert client.get(member).status_code == 404
    assert client.post(member, {"role": Role.REVIEWER}).status_code == 404
    assert client.post(member + "deactivate/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.grant_role(actor=other_admin, agency=people.agency, user=people.officer, role=Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        services.deactivate(actor=other_admin, agency=people.agency, user=people.officer)
    # Its own people cannot be pulled over either: only the agency's staff get roles there.
    with pytest.raises(ValidationError):
        services.grant_role(actor=people.admin, agency=people.agency, user=other_admin, role=Role.REVIEWER)
    assert not Membership.objects.filter(user=other_admin, agency=people.agency).exists()


def test_the_supervisor_reads_the_staff_below_it_but_changes_nothing(people: People) -> None:
    client = client_for(people.supervisor)
    page = client.get(staff_url("county-a-finance"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "officer" in text and "（只读）" in text and "邀请工作人员" not in text
    member = f"/office/county-a-finance/people/{people.officer.pk}/"
    assert "撤销" not in client.get(member).content.decode()
    assert client.post(member, {"role": Role.REVIEWER}).status_code == 403
    assert client.get(member + "deactivate/").status_code == 403
    assert client.post("/office/county-a-finance/contact/", {"phone": "1"}).status_code == 403
    assert client.get("/office/county-a-finance/invite/").status_code == 403
    assert client.get(staff_url("county-b")).status_code == 404  # not below its seat
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=people.supervisor, agency=people.agency, user=people.officer, role=Role.REVIEWER
        )
    assert set(Membership.objects.filter(user=people.officer).values_list("role", flat=True)) == {
        Role.INFORMATION_OFFICER
    }


def test_people_without_an_office_role_are_refused(people: People) -> None:
    assert client_for(people.officer).get(staff_url("county-a-finance")).status_code == 404
    assert client_for(people.officer).get("/office/").status_code == 403


def test_granting_and_revoking_a_role_is_audited(people: People) -> None:
    client = client_for(people.admin)
    member = f"/office/county-a-finance/people/{people.officer.pk}/"
    response = client.post(member, {"role": Role.REVIEWER})
    assert response.status_code == 302
    assert Membership.objects.filter(user=people.officer, agency=people.agency, role=Role.REVIEWER).exists()
    added = AuditEvent.objects.filter(action="membership.added", details__via="office").get()
    assert added.details["role"] == Role.REVIEWER and added.details["user_id"] == people.officer.pk
    assert added.actor == people.admin and added.agency == people.agency
    # Revoking asks first; the POST does it.
    confirm = client.get(member + f"revoke/{Role.REVIEWER}/")
    assert confirm.status_code == 200 and "确认撤销" in confirm.content.decode()
    assert Membership.objects.filter(user=people.officer, role=Role.REVIEWER).exists()
    assert client.post(member + f"revoke/{Role.REVIEWER}/").status_code == 302
    assert not Membership.objects.filter(user=people.officer, role=Role.REVIEWER).exists()
    assert AuditEvent.objects.filter(action="membership.removed", details__via="office").count() == 1


def test_an_administrator_cannot_grant_the_supervisor_role(people: People) -> None:
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=people.admin, agency=people.agency, user=people.officer, role=Role.SUPERVISOR
        )
    page = client_for(people.admin).get(f"/office/county-a-finance/people/{people.officer.pk}/")
    assert 'value="supervisor"' not in page.content.decode()
    response = client_for(people.admin).post(
        f"/office/county-a-finance/people/{people.officer.pk}/", {"role": Role.SUPERVISOR}
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not Membership.objects.filter(role=Role.SUPERVISOR, user=people.officer).exists()


def test_the_last_administrator_cannot_lock_the_agency_out(people: People) -> None:
    with pytest.raises(ValidationError, match="最后一位管理员"):
        services.revoke_role(
            actor=people.admin, agency=people.agency, user=people.admin, role=Role.ADMINISTRATOR
        )
    response = client_for(people.admin).post(
        f"/office/county-a-finance/people/{people.admin.pk}/revoke/{Role.ADMINISTRATOR}/"
    )
    assert response.status_code == 200 and "最后一位管理员" in response.content.decode()
    with pytest.raises(ValidationError):
        services.deactivate(actor=people.admin, agency=people.agency, user=people.admin)
    assert Membership.objects.filter(user=people.admin, role=Role.ADMINISTRATOR).exists()
    # With a second administrator, the first may step down.
    services.grant_role(actor=people.admin, agency=people.agency, user=people.head, role=Role.ADMINISTRATOR)
    services.revoke_role(actor=people.admin, agency=people.agency, user=people.admin, role=Role.ADMINISTRATOR)
    assert not Membership.objects.filter(user=people.admin, role=Role.ADMINISTRATOR).exists()


def test_invite_sends_a_working_set_password_link(people: People, settings: object) -> None:
    client = client_for(people.admin)
    response = client.post(
        "/office/county-a-finance/invite/",
        {
            "username": "zhaoyun",
            "full_name": "赵云",
            "email": "zhaoyun@example.org",
            "roles": [Role.REVIEWER],
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="zhaoyun")
    assert user.first_name == "赵云" and not user.has_usable_password() and user.is_active
    assert Membership.objects.filter(user=user, agency=people.agency, role=Role.REVIEWER).exists()
    assert AuditEvent.objects.filter(action="staff.invited", object_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhaoyun@example.org"]
    body = str(mail.outbox[0].body)
    assert "赵云" in body and "zhaoyun" in body
    match = re.search(r"https?://[^/\s]+(/accounts/password/\S+/)", body)
    assert match, body
    anonymous = Client()
    landing = anonymous.get(match.group(1), follow=True)
    assert landing.status_code == 200 and "设置密码" in landing.content.decode()
    set_url = landing.redirect_chain[-1][0]
    done = anonymous.post(
        set_url, {"new_password1": "Gk-Password-2026!", "new_password2": "Gk-Password-2026!"}
    )
    assert done.status_code == 302
    assert (
        anonymous.post(
            "/accounts/login/", {"username": "zhaoyun", "password": "Gk-Password-2026!"}
        ).status_code
        == 302
    )
    # The link is spent once used.
    again = Client().get(match.group(1), follow=True)
    assert "链接无效或已过期" in again.content.decode()


def test_invite_refuses_bad_input_in_chinese_and_writes_nothing(people: People) -> None:
    make_user("taken")
    response = client_for(people.admin).post(
        "/office/county-a-finance/invite/",
        {"username": "taken", "full_name": "  ", "email": "not-an-address", "roles": [Role.REVIEWER]},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "电子邮箱" in text and "姓名" in text
    with pytest.raises(ValidationError) as caught:
        services.invite(
            actor=people.admin,
            agency=people.agency,
            username="taken",
            full_name="张三",
            email="a@example.org",
            roles=[Role.REVIEWER],
        )
    assert "已被使用" in str(caught.value)
    assert not mail.outbox and User.objects.filter(username="taken").count() == 1


def test_a_deactivated_leaver_cannot_log_in_and_keeps_their_records(people: People) -> None:
    leaver = people.officer2
    leaver.set_password("Leaver-Pass-1")
    leaver.save()
    client = client_for(people.admin)
    url = f"/office/county-a-finance/people/{leaver.pk}/deactivate/"
    assert "确认停用" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active and User.objects.filter(pk=leaver.pk).exists()
    assert not Membership.objects.filter(user=leaver).exists()
    event = AuditEvent.objects.get(action="staff.deactivated")
    assert event.details["account_deactivated"] is True and event.details["roles"] == [
        Role.INFORMATION_OFFICER
    ]
    login = Client().post("/accounts/login/", {"username": leaver.username, "password": "Leaver-Pass-1"})
    assert login.status_code == 200 and "用户名或密码不正确" in login.content.decode()


def test_a_leaver_working_elsewhere_keeps_the_account(tree: Tree, people: People) -> None:
    add_membership(actor=None, user=people.reviewer, agency=tree.county_b, role=Role.REVIEWER)
    assert services.deactivate(actor=people.admin, agency=people.agency, user=people.reviewer) is False
    people.reviewer.refresh_from_db()
    assert people.reviewer.is_active
    assert list(Membership.objects.filter(user=people.reviewer).values_list("agency", flat=True)) == [
        tree.county_b.pk
    ]


def test_the_administrator_edits_the_contact_data_with_clear_errors(people: People) -> None:
    client = client_for(people.admin)
    data = {
        "office_name": "甲县财政局办公室",
        "office_address": "甲县人民路2号",
        "office_hours": "工作日 9:00-17:00",
        "phone": "0571-1234567",
        "fax": "",
        "website": "https://czj.example.org/",
        "email": "czj@example.org",
        "postcode": "12345",
    }
    bad = client.post("/office/county-a-finance/contact/", data)
    assert bad.status_code == 200 and "邮政编码应为6位数字" in bad.content.decode()
    people.agency.refresh_from_db()
    assert people.agency.office_address == ""
    assert client.post("/office/county-a-finance/contact/", {**data, "postcode": "310000"}).status_code == 302
    people.agency.refresh_from_db()
    assert people.agency.office_address == "甲县人民路2号" and people.agency.postcode == "310000"
    event = AuditEvent.objects.get(action="agency.changed")
    assert "office_address" in event.details["fields"] and event.actor == people.admin


def test_the_administrator_edits_the_letter_settings(people: People) -> None:
    client = client_for(people.admin)
    response = client.post(
        "/office/county-a-finance/letters/",
        {"number_prefix": "甲财依申公", "reconsideration_body": "甲县人民政府", "court": "甲县人民法院"},
    )
    assert response.status_code == 302
    settings = AgencyLetterSettings.objects.get(agency=people.agency)
    assert settings.number_prefix == "甲财依申公" and settings.court == "甲县人民法院"
    assert AuditEvent.objects.filter(action="letter_settings.changed", agency=people.agency).exists()
    assert client_for(people.supervisor).get("/office/county-a-finance/letters/").status_code == 200
    assert (
        client_for(people.supervisor)
        .post("/office/county-a-finance/letters/", {"number_prefix": "x"})
        .status_code
        == 403
    )


def test_revoking_someones_last_role_anywhere_switches_the_account_off(people: People) -> None:
    services.revoke_role(actor=people.admin, agency=people.agency, user=people.leader, role=Role.LEADER)
    people.leader.refresh_from_db()
    assert not people.leader.is_active and User.objects.filter(pk=people.leader.pk).exists()
    event = AuditEvent.objects.get(action="membership.removed", details__via="office")
    assert event.details["account_deactivated"] is True
