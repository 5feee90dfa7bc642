"""Who sees and acts on entries: only the agency's reviewers review, other agencies get 404 or
PermissionDenied, anonymous users are sent to the login page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.catalogue import permissions, selectors, services
from gongkai.catalogue.models import Item, SensitiveWord, Status
from tests.catalogue.conftest import Advance, MakeItem, People, attach


def test_who_sees_the_agencys_entries(people: People, make_item: MakeItem) -> None:
    item = make_item()
    for user in (people.officer, people.reviewer, people.leader, people.head, people.admin, people.superuser):
        assert permissions.can_view(user, item)
        assert list(permissions.items_visible_to(user)) == [item]
    others: tuple[User | AnonymousUser, ...] = (
        people.supervisor,
        people.other_officer,
        people.other_reviewer,
        people.nobody,
        AnonymousUser(),
    )
    for other in others:
        assert not permissions.can_view(other, item)
        assert not permissions.items_visible_to(other).exists()


def test_inactive_users_see_nothing(people: People, make_item: MakeItem) -> None:
    item = make_item()
    people.officer.is_active = False
    people.officer.save()
    assert not permissions.can_view(people.officer, item)
    assert permissions.roles_at(people.officer, people.agency.pk) == frozenset()
    with pytest.raises(PermissionDenied):
        services.update_draft(actor=people.officer, item=item, data={"title": "x"})


def test_only_the_agencys_reviewer_reviews(people: People, make_item: MakeItem, move: Advance) -> None:
    item = move(make_item(), Status.SUBMITTED)
    for actor in (people.officer2, people.leader, people.head, people.admin, people.supervisor):
        with pytest.raises(PermissionDenied):
            services.review_pass(actor=actor, item=item)
    # A reviewer of another agency is nobody here, even as a supervisor of the agency.
    add_membership(actor=None, user=people.other_reviewer, agency=people.agency.parent, role=Role.SUPERVISOR)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied, match="您没有办理该机关主动公开事项的权限"):
        services.review_pass(actor=people.other_reviewer, item=item)
    with pytest.raises(PermissionDenied):
        services.review_return(actor=people.other_reviewer, item=item, reason="越权退回。")
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
    assert services.review_pass(actor=people.reviewer, item=item).status == Status.REVIEWED


def test_only_the_agencys_leader_approves(people: People, make_item: MakeItem, move: Advance) -> None:
    item = move(make_item(), Status.REVIEWED)
    for actor in (people.officer, people.reviewer, people.head, people.other_officer):
        with pytest.raises(PermissionDenied):
            services.approve(actor=actor, item=item)
    assert services.approve(actor=people.leader, item=item).status == Status.APPROVED


def test_other_agencies_cannot_act(people: People, make_item: MakeItem, move: Advance) -> None:
    draft = make_item()
    with pytest.raises(PermissionDenied):
        services.update_draft(actor=people.other_officer, item=draft, data={"title": "别人的"})
    with pytest.raises(PermissionDenied):
        services.submit(actor=people.other_officer, item=draft)
    approved = move(make_item(), Status.APPROVED)
    with pytest.raises(PermissionDenied):
        services.publish(actor=people.other_officer, item=approved)
    assert Item.objects.get(pk=approved.pk).status == Status.APPROVED


def test_allowed_actions_for_the_page(people: People, make_item: MakeItem, move: Advance) -> None:
    item = move(make_item(), Status.SUBMITTED)
    assert selectors.allowed_actions(people.reviewer, item) == ("mask", "review_pass", "review_return")
    assert selectors.allowed_actions(people.officer, item) == ()
    assert selectors.allowed_actions(people.other_reviewer, item) == ()
    assert selectors.allowed_actions(AnonymousUser(), item) == ()
    assert selectors.allowed_actions(None, item) == ()


def test_word_lists(people: People) -> None:
    own = SensitiveWord.objects.create(agency=people.agency, word="本机关")
    site = SensitiveWord.objects.create(agency=None, word="全站")
    other = SensitiveWord.objects.create(agency=people.other_agency, word="别的机关")
    assert set(permissions.words_visible_to(people.officer)) == {own, site}
    assert set(permissions.words_visible_to(people.other_officer)) == {other, site}
    assert set(permissions.words_visible_to(people.superuser)) == {own, site, other}
    assert permissions.can_manage_words(people.reviewer, people.agency)
    assert permissions.can_manage_words(people.admin, people.agency)
    assert not permissions.can_manage_words(people.leader, people.agency)
    assert not permissions.can_manage_words(people.officer, None)
    assert permissions.can_manage_words(people.superuser, None)


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/manage/catalogue/",
        "/manage/catalogue/new/",
        "/manage/catalogue/words/",
        "/manage/catalogue/{pk}/",
        "/manage/catalogue/{pk}/edit/",
        "/manage/catalogue/{pk}/print/review/",
        "/manage/catalogue/{pk}/print/register/",
    ],
)
def test_anonymous_users_are_sent_to_login(people: People, make_item: MakeItem, path: str) -> None:
    item = make_item()
    response = Client().get(path.format(pk=item.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_posts_change_nothing(people: People, make_item: MakeItem) -> None:
    item = make_item()
    response = Client().post(f"/manage/catalogue/{item.pk}/submit/", {"note": ""})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    item.refresh_from_db()
    assert item.status == Status.DRAFT


@pytest.mark.parametrize(
    "path",
    [
        "/manage/catalogue/{pk}/",
        "/manage/catalogue/{pk}/edit/",
        "/manage/catalogue/{pk}/print/review/",
        "/manage/catalogue/{pk}/print/register/",
        "/manage/catalogue/{pk}/attachments/{attachment}/",
        "/manage/catalogue/{pk}/attachments/{attachment}/remove/",
    ],
)
def test_another_agencys_entry_is_not_found(people: People, make_item: MakeItem, path: str) -> None:
    from tests.catalogue.conftest import pdf_bytes

    item = make_item()
    attachment = attach(actor=people.officer, item=item, filename="a.pdf", data=pdf_bytes("a"))
    for user in (people.other_officer, people.supervisor, people.nobody):
        client = Client()
        client.force_login(user)
        assert client.get(path.format(pk=item.pk, attachment=attachment.pk)).status_code == 404


@pytest.mark.parametrize(
    "action", ["submit", "review_pass", "approve", "publish", "withdraw", "mask", "attachments"]
)
def test_another_agencys_posts_are_not_found(people: People, make_item: MakeItem, action: str) -> None:
    item = make_item()
    client = Client()
    client.force_login(people.other_officer)
    assert client.post(f"/manage/catalogue/{item.pk}/{action}/", {"note": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_a_visible_entry_the_user_may_not_act_on_is_forbidden(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    item = move(make_item(), Status.SUBMITTED)
    client = Client()
    client.force_login(people.leader)
    response = client.post(f"/manage/catalogue/{item.pk}/review_pass/", {"note": ""})
    assert response.status_code == 403
    assert "只有本机关的审核人可以“保密审查通过”" in response.content.decode()
    client.force_login(people.head)
    assert client.get(f"/manage/catalogue/{item.pk}/").status_code == 200
    assert client.get("/manage/catalogue/new/").status_code == 403


def test_people_without_a_role_get_a_403_page(people: People) -> None:
    client = Client()
    client.force_login(people.nobody)
    for path in ("/manage/catalogue/", "/manage/catalogue/new/", "/manage/catalogue/words/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "没有权限" in response.content.decode()


# --- Admin -------------------------------------------------------------------------------------


def test_the_admin_shows_entries_read_only_and_audits_its_settings(
    people: People, make_item: MakeItem
) -> None:
    from gongkai.catalogue.models import IndexPattern
    from gongkai.core.models import AuditEvent

    item = make_item()
    client = Client()
    client.force_login(people.superuser)
    assert client.get("/admin/catalogue/item/").status_code == 200
    page = client.get(f"/admin/catalogue/item/{item.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get("/admin/catalogue/item/add/").status_code == 403
    response = client.post(
        "/admin/catalogue/indexpattern/add/",
        {
            "agency": people.agency.pk,
            "prefix": "custom",
            "custom_prefix": "CZJ",
            "separator": "-",
            "period": "year_month",
            "serial_width": 6,
        },
    )
    assert response.status_code == 302
    assert IndexPattern.objects.get(agency=people.agency).custom_prefix == "CZJ"
    assert AuditEvent.objects.filter(action="catalogue.index_pattern_added", actor=people.superuser).exists()
    listing = client.get("/admin/catalogue/indexpattern/").content.decode()
    assert "CZJ-202601-000001" in listing
