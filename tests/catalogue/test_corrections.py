"""更正 of a published entry: a correction draft walks the same review workflow and scan gates, and its
publication puts the content onto the entry in place — same 索引号, an append-only ItemVersion with the
previous content, "更正" with the date and the public note on the public page, the API and the feed
showing the corrected content — while the previous version stays retrievable by staff.

Today is pinned to 2026-06-15 by the ``today`` fixture.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.catalogue import content, scanning, services, workflow
from gongkai.catalogue.models import Item, ItemVersion, Status
from gongkai.core.models import AuditEvent
from tests.catalogue.conftest import Advance, MakeItem, People, _walk, attach, docx_bytes

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def published(make_item: MakeItem, move: Advance, people: People, today: datetime.date) -> Item:
    item = make_item()
    attach(actor=people.officer, item=item, filename="原件.docx", data=docx_bytes("原来的附件"))
    return move(item, Status.PUBLISHED)


def correct(
    people: People,
    item: Item,
    *,
    title: str = "甲县财政局关于2026年度部门预算公开的通知（更正）",
    body: str = "",
) -> Item:
    """Start a correction, change the title (and body), walk it through the review and publish it."""
    draft = services.start_correction(
        actor=people.officer, item=item, reason="标题漏了年度", public_note="更正了标题中的年度"
    )
    data: dict[str, object] = {"title": title}
    if body:
        data["body"] = body
    draft = services.update_draft(actor=people.officer, item=draft, data=data)
    return _walk(draft, Status.PUBLISHED, people, Status.APPLIED)


def test_a_correction_is_published_in_place_with_the_same_index_number(
    people: People, published: Item
) -> None:
    number, published_on, old_title = published.index_number, published.published_on, published.title
    draft = correct(people, published, body="<p>更正后的正文。</p>")
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.index_number == number
    assert published.published_on == published_on
    assert published.title.endswith("（更正）")
    assert published.body == "<p>更正后的正文。</p>"
    version = ItemVersion.objects.get(item=published)
    assert version.number == 1
    assert version.previous["title"] == old_title
    assert set(version.fields) == {"title", "body"}
    assert version.reason == "标题漏了年度"
    assert version.public_note == "更正了标题中的年度"
    assert draft.status == Status.APPLIED and draft.index_number is None
    audit = AuditEvent.objects.get(action="catalogue.item_corrected")
    assert audit.details["fields"] == ["title", "body"] and audit.details["index_number"] == number
    assert [e.action for e in published.events.order_by("at", "id")][-2:] == [workflow.CORRECT, "corrected"]


def test_the_draft_copies_the_entry_and_its_files(people: People, published: Item) -> None:
    draft = services.start_correction(
        actor=people.officer, item=published, reason="错字", public_note="更正了错字"
    )
    for name in content.EDITABLE_FIELDS:
        assert content.field_value(draft, name) == content.field_value(published, name)
    assert [a.filename for a in draft.attachments.all()] == ["原件.docx"]
    assert draft.corrects == published and draft.status == Status.DRAFT
    # Asking again gives the draft under way, not a second one.
    again = services.start_correction(
        actor=people.officer, item=published, reason="错字", public_note="更正了错字"
    )
    assert again == draft


def test_the_public_page_api_and_feed_show_the_correction(people: People, published: Item) -> None:
    correct(people, published)
    code = published.agency.short_code
    page = Client().get(f"/gk/{code}/items/{published.pk}/").content.decode()
    assert "更正" in page
    assert "2026-06-15 更正：更正了标题中的年度" in page
    assert "（更正）" in page
    assert "标题漏了年度" not in page  # the internal reason is for staff only
    data = Client().get(f"/gk/api/items/{published.pk}/").json()
    assert data["title"].endswith("（更正）")
    assert data["index_number"] == published.index_number
    assert data["corrections"] == [{"corrected_on": "2026-06-15", "note": "更正了标题中的年度"}]
    feed = Client().get(f"/gk/{code}/feed.atom").content.decode()
    assert "（更正）" in feed


def test_the_previous_version_stays_retrievable_by_staff(people: People, published: Item) -> None:
    old_title = published.title
    correct(people, published)
    staff = client_for(people.reviewer)
    page = staff.get(f"/manage/catalogue/{published.pk}/versions/1/").content.decode()
    assert old_title in page and "原件.docx" in page
    version = ItemVersion.objects.get(item=published)
    old_file = version.draft.attachments.get()
    download = staff.get(f"/manage/catalogue/{version.draft_id}/attachments/{old_file.pk}/")
    assert download.status_code == 200
    # The corrected entry has the (copied) file; the public never reaches the draft.
    assert Client().get(f"/gk/{published.agency.short_code}/items/{version.draft_id}/").status_code == 404
    assert (
        client_for(people.other_officer).get(f"/manage/catalogue/{published.pk}/versions/1/").status_code
        == 404
    )


def test_the_correction_goes_through_the_privacy_scan(people: People, published: Item) -> None:
    draft = services.start_correction(
        actor=people.officer, item=published, reason="补充联系方式", public_note="补充了联系电话 13812345678"
    )
    draft = services.update_draft(actor=people.officer, item=draft, data={"summary": "咨询电话13912345678。"})
    draft = _walk(draft, Status.APPROVED, people, Status.APPROVED)
    with pytest.raises(content.CatalogueError) as info:
        services.publish(actor=people.officer, item=draft)
    assert "override_reason" in info.value.message_dict
    # The public note is scanned like the content.
    assert {f.source for f in scanning.scan_item(draft)} >= {"summary", "correction_note"}
    published.refresh_from_db()
    assert published.summary != "咨询电话13912345678。"
    assert not ItemVersion.objects.exists()


def test_the_creator_of_the_correction_may_not_review_it(people: People, published: Item) -> None:
    add_membership(actor=None, user=people.officer2, agency=people.agency, role=Role.REVIEWER)
    draft = services.start_correction(
        actor=people.officer2, item=published, reason="错字", public_note="更正了错字"
    )
    draft = services.update_draft(actor=people.officer, item=draft, data={"keywords": "预算 公开 更正"})
    draft = services.submit(actor=people.officer, item=draft)
    with pytest.raises(PermissionDenied):
        services.review_pass(actor=people.officer2, item=draft)


@pytest.mark.parametrize("who", ["reviewer", "leader", "head", "supervisor", "other_officer"])
def test_only_the_agencys_officer_starts_a_correction(people: People, published: Item, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.start_correction(actor=getattr(people, who), item=published, reason="x", public_note="y")
    assert not published.correction_drafts.exists()


def test_correction_pages_and_permissions(people: People, published: Item) -> None:
    url = f"/manage/catalogue/{published.pk}/correct/"
    assert client_for(people.other_officer).get(url).status_code == 404
    assert client_for(people.reviewer).get(url).status_code == 403
    officer = client_for(people.officer)
    assert "更正本条目" in officer.get(f"/manage/catalogue/{published.pk}/").content.decode()
    assert officer.get(url).status_code == 200
    response = officer.post(url, {"correction_reason": "错字", "correction_note": ""})
    assert response.status_code == 200 and not published.correction_drafts.exists()
    response = officer.post(url, {"correction_reason": "错字", "correction_note": "更正了错字"})
    draft = published.correction_drafts.get()
    assert response["Location"] == f"/manage/catalogue/{draft.pk}/"
    assert "更正稿" in officer.get(response["Location"]).content.decode()


def test_publishing_a_correction_asks_for_confirmation(people: People, published: Item) -> None:
    draft = services.start_correction(
        actor=people.officer, item=published, reason="错字", public_note="更正了错字"
    )
    draft = services.update_draft(actor=people.officer, item=draft, data={"keywords": "预算 公开 更正"})
    draft = _walk(draft, Status.APPROVED, people, Status.APPROVED)
    officer = client_for(people.officer)
    url = f"/manage/catalogue/{draft.pk}/publish/"
    page = officer.post(url, {"note": ""})
    assert page.status_code == 200 and "确定发布更正" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED
    assert officer.post(url, {"note": "", "confirmed": "1"}).status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Status.APPLIED and published.keywords == "预算 公开 更正"


def test_a_withdrawn_entry_is_not_corrected(people: People, published: Item) -> None:
    draft = services.start_correction(
        actor=people.officer, item=published, reason="错字", public_note="更正了错字"
    )
    draft = services.update_draft(actor=people.officer, item=draft, data={"keywords": "预算 公开 更正"})
    draft = _walk(draft, Status.APPROVED, people, Status.APPROVED)
    services.withdraw(actor=people.officer, item=published, reason="内容有误，撤回")
    with pytest.raises(content.CatalogueError) as info:
        services.publish(actor=people.officer, item=draft)
    assert info.value.code == "original_not_published"
    with pytest.raises(content.CatalogueError):
        services.start_correction(actor=people.officer, item=published, reason="x", public_note="y")


def test_a_correction_without_changes_is_refused_at_publication(people: People, published: Item) -> None:
    draft = services.start_correction(
        actor=people.officer, item=published, reason="错字", public_note="更正了错字"
    )
    draft = _walk(draft, Status.APPROVED, people, Status.APPROVED)
    with pytest.raises(content.CatalogueError) as info:
        services.publish(actor=people.officer, item=draft)
    assert info.value.code == "nothing_changed"


def test_two_corrections_keep_two_versions(people: People, published: Item) -> None:
    first_title = published.title
    correct(people, published, title="第二个标题")
    correct(people, published, title="第三个标题")
    versions = list(ItemVersion.objects.filter(item=published).order_by("number"))
    assert [v.previous["title"] for v in versions] == [first_title, "第二个标题"]
    published.refresh_from_db()
    assert published.title == "第三个标题"
