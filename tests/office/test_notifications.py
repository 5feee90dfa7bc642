"""站内通知: the unread count in the navigation bar, the notifications page, marking as read, and the notices
written by the catalogue's review and by ``gongkai remind`` (once per case and day)."""

from __future__ import annotations

import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from gongkai.applications import services as case_services
from gongkai.catalogue.models import Status
from gongkai.core.messages import N_
from gongkai.core.models import Notification
from gongkai.core.notifications import mark_read, notify, text, unread_count
from tests.applications.conftest import applicant, at, request
from tests.catalogue.conftest import Advance, MakeItem, People

HELLO = N_("“%(title)s”已提交，等待您的保密审查。")


def test_notify_is_idempotent_per_key_and_skips_inactive_users(people: People) -> None:
    people.officer2.is_active = False
    people.officer2.save()
    first = notify(
        [people.officer, people.officer2, people.officer],
        kind="test.hello",
        message=HELLO,
        params={"title": "甲"},
        dedupe_key="test.hello:1",
    )
    again = notify(
        [people.officer], kind="test.hello", message=HELLO, params={"title": "甲"}, dedupe_key="test.hello:1"
    )
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(recipient=people.officer).count() == 1
    assert not Notification.objects.filter(recipient=people.officer2).exists()


def test_the_count_shows_in_the_nav_and_reading_clears_it(people: People) -> None:
    notices = [
        notify(
            [people.reviewer],
            kind="test.hello",
            message=HELLO,
            params={"title": f"条目{n}"},
            link="/workbench/",
        )[0]
        for n in range(3)
    ]
    notify([people.reviewer2], kind="test.hello", message=HELLO, params={"title": "别人的"})
    client = Client()
    client.force_login(people.reviewer)
    nav = client.get("/workbench/").content.decode()
    assert '<span class="badge" aria-label="3 条未读">3</span>' in nav
    page = client.get("/notifications/").content.decode()
    assert "“条目0”已提交，等待您的保密审查。" in page and "别人的" not in page
    client.post("/notifications/", {"pk": notices[0].pk})
    assert unread_count(people.reviewer) == 2
    # Another user's notice cannot be marked through one's own page.
    other = Notification.objects.get(recipient=people.reviewer2)
    client.post("/notifications/", {"pk": other.pk})
    other.refresh_from_db()
    assert other.read_at is None
    client.post("/notifications/", {"all": "1"})
    assert unread_count(people.reviewer) == 0
    assert 'class="badge"' not in client.get("/workbench/").content.decode()
    assert mark_read(people.reviewer) == 0


def test_a_notice_reads_in_the_readers_language(people: People) -> None:
    notice = notify([people.reviewer], kind="test.hello", message=HELLO, params={"title": "预算"})[0]
    with translation.override("en"):
        assert text(notice) == "“预算” has been submitted and awaits your confidentiality review."
    assert text(notice) == "“预算”已提交，等待您的保密审查。"


def test_submitting_an_entry_notifies_the_agencys_reviewers_then_its_leader(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    item = move(make_item(), Status.SUBMITTED)
    reviewers = set(
        Notification.objects.filter(kind="catalogue.submitted").values_list("recipient__username", flat=True)
    )
    assert reviewers == {"reviewer", "reviewer2"}  # not county-b's reviewer, not the leader
    notice = Notification.objects.filter(kind="catalogue.submitted").first()
    assert (
        notice is not None
        and notice.link == f"/manage/catalogue/{item.pk}/"
        and notice.agency == people.agency
    )
    move(make_item(title="另一条"), Status.REVIEWED)
    assert list(
        Notification.objects.filter(kind="catalogue.reviewed").values_list("recipient__username", flat=True)
    ) == ["leader"]


def test_remind_notifies_the_officers_of_an_overdue_case_once_a_day(people: People) -> None:
    case, _secret = case_services.register(
        actor=people.officer,
        agency=people.agency,
        applicant=applicant(),
        request=request(),
        channel="in_person",
        arrived_at=at(datetime.date(2026, 4, 1)),
    )
    people.officer.email = "officer@example.org"
    people.officer.save()
    for _run in range(2):
        call_command("remind", today="2026-06-15", stdout=io.StringIO(), stderr=io.StringIO())
    notices = Notification.objects.filter(kind="case.overdue")
    assert set(notices.values_list("recipient__username", flat=True)) == {"officer", "officer2", "head"}
    assert notices.count() == 3 and all(n.urgent for n in notices)
    assert {n.link for n in notices} == {f"/cases/{case.pk}/"}
    assert case.reference in text(notices[0])
    assert len(mail.outbox) == 1  # the e-mail and the notice both go out once a day, however many runs
    call_command("remind", today="2026-06-16", stdout=io.StringIO(), stderr=io.StringIO())
    assert Notification.objects.filter(kind="case.overdue").count() == 6
    call_command("remind", today="2026-06-17", dry_run=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert Notification.objects.filter(kind="case.overdue").count() == 6  # a dry run writes nothing
