"""Regression tests for the review of the catalogue's core (services, workflow, pages, feeds, index
numbers):

1. numbers in the body split by non-breaking spaces or by tags are found (and count at publishing);
2. the people of the review steps are kept apart (一事一审) beyond the roles;
3. control characters never reach an entry, nor a feed;
4. the entry page and the print forms use a cached scan, at most 50 findings per part;
5. a file that could not be checked counts as an unresolved finding;
6. an index number longer than its column is refused with a reason, not a database error;
7. the workspace list does not run queries per row.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import Agency, Role
from gongkai.agencies.services import add_membership
from gongkai.catalogue import (
    content,
    extract,
    index_numbers,
    scanner,
    scanning,
    selectors,
    services,
    workflow,
)
from gongkai.catalogue.models import Attachment, IndexPattern, Item, ItemEvent, SensitiveWord, Status
from tests.catalogue import public_factories
from tests.catalogue.conftest import TODAY, Advance, MakeItem, People, attach, docx_bytes, png_bytes
from tests.conftest import Tree, make_user

MOBILE = "13800138000"
MOBILE_MASKED = "138****8000"


def keys(item: Item) -> list[str]:
    """The findings the officer acknowledges before submitting (the privacy gate)."""
    return [f.key for f in scanning.scan_item(item)]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user: User, item: Item, path: str = "") -> str:
    response = client_for(user).get(f"/manage/catalogue/{item.pk}/{path}")
    assert response.status_code == 200
    return response.content.decode()


def scan_section(html: str) -> str:
    """The scan section of the entry page, without its forms' CSRF tokens (new at every request)."""
    section = html[html.index('id="scan-heading"') : html.index('id="meta-heading"')]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", section)


def submit_scan(item: Item) -> dict[str, Any]:
    event = ItemEvent.objects.filter(item=item, action=workflow.SUBMIT).order_by("id").last()
    assert event is not None
    scan: dict[str, Any] = event.data["scan"]
    return scan


def publish_refused(people: People, item: Item) -> str:
    with pytest.raises(content.CatalogueError) as excinfo:
        services.publish(actor=people.officer, item=item)
    item.refresh_from_db()
    assert item.status == Status.APPROVED and item.index_number is None
    return excinfo.value.message_dict["override_reason"][0]


def to_approved(people: People, item: Item) -> Item:
    item = services.review_pass(actor=people.reviewer, item=item, acknowledge=keys(item))
    return services.approve(actor=people.leader, item=item)


# --- 1. Numbers split by non-breaking spaces or by tags ----------------------------------------


def test_non_breaking_spaces_become_spaces_when_sanitising() -> None:
    for body in (
        "<p>电话138\u00a00013\u00a08000</p>",
        "<p>电话138&nbsp;0013&#160;8000</p>",
        "<p>电话138&#xa0;0013&NonBreakingSpace;8000</p>",
    ):
        assert content.sanitize_html(body) == "<p>电话138 0013 8000</p>", body
    assert content.sanitize_html("电话138\u00a00013\u00a08000") == "<p>电话138 0013 8000</p>"
    assert content.sanitize_html("<p>a &amp;nbsp; b</p>") == "<p>a &amp;nbsp; b</p>"  # typed, not a space


def test_the_plain_text_of_the_body() -> None:
    text = content.body_text("<p>电话139<strong>0013</strong>9000</p><p>a&amp;b&nbsp;c</p><!-- x -->")
    assert text == "\n电话13900139000\n\na&b\u00a0c\n"


def test_a_number_with_non_breaking_spaces_is_found_and_maskable(people: People, make_item: MakeItem) -> None:
    item = make_item(body="<p>联系电话138\u00a00013\u00a08000</p>")
    assert item.body == "<p>联系电话138 0013 8000</p>"
    ((source, masked, maskable),) = [(f.source, f.hit.masked, f.maskable) for f in scanning.scan_item(item)]
    assert (source, masked, maskable) == ("body", MOBILE_MASKED, True)


def test_an_older_body_with_nbsp_entities_is_scanned_as_plain_text(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    # Written before the fix: the stored HTML has the entities, not spaces.
    Item.objects.filter(pk=item.pk).update(body="<p>联系电话138&nbsp;0013&nbsp;8000</p>")
    item.refresh_from_db()
    (finding,) = scanning.scan_item(item)
    assert (finding.source, finding.source_label, finding.hit.masked) == (
        "body_text",
        "正文（纯文本）",
        MOBILE_MASKED,
    )
    assert not finding.maskable and "8000" in finding.context and MOBILE not in finding.context
    item = services.submit(actor=people.officer, item=item, acknowledge=keys(item))
    scan = submit_scan(item)
    assert scan["count"] == 1 and scan["hits"][0]["source"] == "body_text"
    assert MOBILE not in str(scan) and "138 0013 8000" not in str(scan)
    hits = scan_section(page(people.reviewer, item))
    assert "正文（纯文本）" in hits and "请在正文中手工修改" in hits and MOBILE_MASKED in hits
    item = to_approved(people, item)
    assert "发现 1 处" in publish_refused(people, item)
    item = services.publish(actor=people.officer, item=item, override_reason="本局公开的咨询电话。")
    assert item.status == Status.PUBLISHED


def test_a_number_split_by_a_tag_is_found(people: People, make_item: MakeItem) -> None:
    item = make_item(body="<p>联系电话139<strong>00139000</strong></p>")
    (finding,) = scanning.scan_item(item)
    assert (finding.source, finding.hit.kind, finding.hit.masked) == ("body_text", "mobile", "139****9000")
    with pytest.raises(content.CatalogueError, match="请在正文中手工修改"):
        services.mask_hit(
            actor=people.officer,
            item=item,
            source="body_text",
            start=finding.hit.start,
            end=finding.hit.end,
            kind="mobile",
        )
    # Submit shows the hit (on the event and on the page).
    item = services.submit(actor=people.officer, item=item, acknowledge=keys(item))
    assert submit_scan(item)["by_kind"] == {"手机号码": 1}
    hits = scan_section(page(people.officer, item))
    assert "发现 1 处" in hits and "139****9000" in hits and "请在正文中手工修改" in hits
    assert "00139000" not in hits
    # Publishing without a reason is refused.
    item = to_approved(people, item)
    assert "发现 1 处" in publish_refused(people, item)


def test_a_hit_in_both_views_is_reported_once_and_paragraphs_stay_apart(make_item: MakeItem) -> None:
    item = make_item(body=f"<p>电话 <em>{MOBILE}</em></p><p>编号139</p><p>00139000</p>")
    assert [(f.source, f.hit.masked) for f in scanning.scan_item(item)] == [("body", MOBILE_MASKED)]


# --- 2. 一事一审: the people of the review steps --------------------------------------------------


def test_the_creator_may_not_pass_the_review(people: People, make_item: MakeItem) -> None:
    add_membership(actor=None, user=people.officer, agency=people.agency, role=Role.REVIEWER)
    item = make_item(actor=people.officer)
    item = services.submit(actor=people.officer2, item=item)
    assert "review_pass" not in selectors.allowed_actions(people.officer, item)
    with pytest.raises(PermissionDenied, match="起草人不能对自己起草的条目进行保密审查"):
        services.review_pass(actor=people.officer, item=item)
    response = client_for(people.officer).post(f"/manage/catalogue/{item.pk}/review_pass/", {"note": ""})
    assert response.status_code == 403 and "起草与审查分离" in response.content.decode()
    # They may still return it (only passing the review is kept apart).
    assert (
        services.review_return(actor=people.officer, item=item, reason="请补充。").status == Status.RETURNED
    )


def test_whoever_edited_since_the_last_return_may_not_pass_the_review(
    people: People, make_item: MakeItem
) -> None:
    add_membership(actor=None, user=people.reviewer2, agency=people.agency, role=Role.INFORMATION_OFFICER)
    item = make_item()
    item = services.update_draft(actor=people.reviewer2, item=item, data={"keywords": "预算 决算"})
    item = services.submit(actor=people.officer, item=item)
    with pytest.raises(PermissionDenied, match="修改与审查分离"):
        services.review_pass(actor=people.reviewer2, item=item)
    assert "review_pass" not in selectors.allowed_actions(people.reviewer2, item)
    # Returned and changed by the officer alone: reviewer2's edit was before the last return.
    item = services.review_return(actor=people.reviewer, item=item, reason="请修改。")
    item = services.update_draft(actor=people.officer, item=item, data={"keywords": "预算"})
    item = services.submit(actor=people.officer, item=item)
    assert "review_pass" in selectors.allowed_actions(people.reviewer2, item)
    item = services.review_pass(actor=people.reviewer2, item=item)
    assert item.status == Status.REVIEWED
    # A file added after a return is a change too.
    item = services.approve_return(actor=people.leader, item=item, reason="请补充附件。")
    attach(actor=people.reviewer2, item=item, filename="说明.docx", data=docx_bytes("说明"))
    item = services.submit(actor=people.officer, item=item)
    with pytest.raises(PermissionDenied, match="修改与审查分离"):
        services.review_pass(actor=people.reviewer2, item=item)
    assert services.review_pass(actor=people.reviewer, item=item).status == Status.REVIEWED


def test_the_submitter_still_may_not_pass_the_review(people: People, make_item: MakeItem) -> None:
    add_membership(actor=None, user=people.officer2, agency=people.agency, role=Role.REVIEWER)
    item = services.submit(actor=people.officer2, item=make_item())
    with pytest.raises(PermissionDenied, match="提交人不能对自己提交的条目进行保密审查"):
        services.review_pass(actor=people.officer2, item=item)


def test_a_reviewers_mask_during_the_review_does_not_keep_them_from_passing_it(
    people: People, make_item: MakeItem
) -> None:
    item = make_item(title=f"联系电话{MOBILE}的通知")
    item = services.submit(actor=people.officer, item=item, acknowledge=keys(item))
    (finding,) = scanning.scan_item(item)
    item = services.mask_hit(
        actor=people.reviewer,
        item=item,
        source="title",
        start=finding.hit.start,
        end=finding.hit.end,
        kind="mobile",
    )
    assert services.review_pass(actor=people.reviewer, item=item).status == Status.REVIEWED


def test_the_reviewer_of_the_round_may_not_approve(people: People, make_item: MakeItem) -> None:
    add_membership(actor=None, user=people.leader, agency=people.agency, role=Role.REVIEWER)
    leader2 = make_user("leader2")
    add_membership(actor=None, user=leader2, agency=people.agency, role=Role.LEADER)
    item = services.submit(actor=people.officer, item=make_item())
    item = services.review_pass(actor=people.leader, item=item)
    assert "approve" not in selectors.allowed_actions(people.leader, item)
    assert "approve_return" in selectors.allowed_actions(people.leader, item)
    with pytest.raises(PermissionDenied, match="审查与审批分离"):
        services.approve(actor=people.leader, item=item)
    response = client_for(people.leader).post(f"/manage/catalogue/{item.pk}/approve/", {"note": ""})
    assert response.status_code == 403 and "审查与审批分离" in response.content.decode()
    # Another leader approves; in the next round, reviewed by someone else, the first leader may.
    item = services.approve(actor=leader2, item=item)
    item = services.publish_return(actor=leader2, item=item, reason="暂缓发布。")
    assert item.status == Status.RETURNED
    item = services.review_pass(actor=people.reviewer, item=services.submit(actor=people.officer, item=item))
    assert services.approve(actor=people.leader, item=item).status == Status.APPROVED


def test_a_superuser_is_exempt(people: People, make_item: MakeItem) -> None:
    item = make_item(actor=people.superuser)
    item = services.update_draft(actor=people.superuser, item=item, data={"keywords": "改"})
    for action in (workflow.SUBMIT, workflow.REVIEW_PASS, workflow.APPROVE, workflow.PUBLISH):
        item = services.perform(actor=people.superuser, item=item, action=action)
    assert item.status == Status.PUBLISHED


# --- 3. Control characters ---------------------------------------------------------------------


def test_control_characters_are_stripped_at_every_save(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    item = make_item(
        title="标题\x08含控制符",
        publisher="甲县\x00财政局",
        doc_number="甲财发\x1b〔2026〕3号",
        summary="概述\x0b第一行\r\n第二行\x7f",
        keywords="预算\x1f公开",
        body="<p>正文\x08段落\x0c</p>",
    )
    assert (item.title, item.publisher, item.doc_number) == (
        "标题含控制符",
        "甲县财政局",
        "甲财发〔2026〕3号",
    )
    assert (item.summary, item.keywords, item.body) == ("概述第一行\n第二行", "预算公开", "<p>正文段落</p>")
    item = services.update_draft(actor=people.officer, item=item, data={"title": "新\x01标题\t一"})
    assert item.title == "新标题 一"
    item = move(item, Status.PUBLISHED)
    item = services.withdraw(actor=people.officer, item=item, reason="政策\x08已调整。")
    assert item.withdrawn_reason == "政策已调整。"
    last = ItemEvent.objects.filter(item=item).order_by("id").last()
    assert last is not None and last.note == "政策已调整。"


@pytest.mark.parametrize("feed", ["rss", "atom"])
def test_old_rows_with_control_characters_do_not_break_the_feeds(
    client: Client, tree: Tree, feed: str
) -> None:
    Agency.objects.filter(pk=tree.county_a.pk).update(name="甲县\x01人民政府")
    public_factories.make_item(
        tree.county_a,
        "标题\x08含控制符",
        summary="概述\x0b内容\x1f",
        doc_number="甲政\x02发〔2025〕1号",
        category=public_factories.category(),
    )
    response = client.get(f"/gk/county-a/feed.{feed}")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    text = "".join(root.itertext())
    assert "标题含控制符" in text and "概述内容" in text and "甲政发〔2025〕1号" in text
    assert "甲县人民政府" in text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", response.content.decode())


# --- 4. The scan on the pages: cached, cut short --------------------------------------------------


def _mobiles(n: int) -> list[str]:
    return [f"139{i:08d}" for i in range(n)]


def test_the_page_lists_at_most_fifty_findings_per_part(people: People, make_item: MakeItem) -> None:
    item = make_item()
    attach(
        actor=people.officer,
        item=item,
        filename="名单.docx",
        data=docx_bytes(*(f"联系人{i}，电话{m}" for i, m in enumerate(_mobiles(60)))),
    )
    html = page(people.officer, item)
    hits = scan_section(html)
    assert "发现 60 处" in hits
    assert hits.count("<td>附件：名单.docx</td>") == scanning.PAGE_FINDINGS == 50
    assert "附件：名单.docx：另有 10 处未列出" in hits
    for path in ("print/review/", "print/register/"):
        sheet = page(people.officer, item, path)
        assert "当前发现 60 处" in sheet and sheet.count("附件：名单.docx，手机号码") == 50
        assert "另有 10 处未列出" in sheet
    # Submitting and publishing decide on the full result.
    item = services.submit(actor=people.officer, item=item, acknowledge=keys(item))
    assert submit_scan(item)["count"] == 60
    item = to_approved(people, item)
    assert "发现 60 处" in publish_refused(people, item)


def test_a_second_page_load_scans_nothing_unchanged(
    people: People, make_item: MakeItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = make_item()
    scanned: list[str] = []
    real_scan = scanner.scan_text

    def counting(text: str, **kwargs: Any) -> list[scanner.Hit]:
        scanned.append(text)
        return real_scan(text, **kwargs)

    monkeypatch.setattr(scanner, "scan_text", counting)
    attachment = attach(
        actor=people.officer, item=item, filename="名单.docx", data=docx_bytes(f"电话{MOBILE}")
    )
    assert sum(MOBILE in text for text in scanned) == 1  # the reading job scanned the file once
    scanned.clear()
    first = scan_section(page(people.officer, item))
    assert "附件：名单.docx" in first and MOBILE_MASKED in first
    assert not any(MOBILE in text for text in scanned)  # the page reuses the job's scan
    scanned.clear()
    second = scan_section(page(people.officer, item))
    assert scanned == [] and second == first
    page(people.officer, item, "print/review/")
    assert scanned == []
    # A change of the title rescans the title only; the file is not read again.
    item = services.update_draft(actor=people.officer, item=item, data={"title": "新的名称"})
    scanned.clear()
    page(people.officer, item)
    assert scanned == ["新的名称"]
    # A new sensitive word changes every key: everything is scanned again, with the word.
    SensitiveWord.objects.create(agency=people.agency, word="名称")
    scanned.clear()
    assert "错敏词" in scan_section(page(people.officer, item))
    assert any(MOBILE in text for text in scanned)
    # The shared cache keeps masked values only, never the personal data.
    words = selectors.word_list_for(people.agency)
    key = scanning._scan_key("file", attachment.sha256, scanning._words_digest(words))
    cached = cache.get(key)
    assert cached is not None and cached["total"] == 1 and MOBILE not in str(cached)


# --- 5. Files that could not be checked -----------------------------------------------------------


def test_a_file_that_could_not_be_checked_needs_the_override(people: People, make_item: MakeItem) -> None:
    item = make_item()
    image = attach(actor=people.officer, item=item, filename="扫描件.png", data=png_bytes())
    assert image.extraction_problem
    (finding,) = scanning.scan_item(item)
    assert finding.unchecked and not finding.maskable and finding.attachment_id == image.pk
    assert str(finding.source_label) == "附件：扫描件.png" and finding.hit.kind_label == "无法自动检查"
    assert finding.context.startswith("附件无法自动检查：") and "请人工核对" in finding.context
    hits = scan_section(page(people.officer, item))
    assert "附件无法自动检查" in hits and "请人工核对" in hits and "发现 1 处" in hits
    item = services.submit(actor=people.officer, item=item, acknowledge=keys(item))
    assert submit_scan(item)["by_kind"] == {"无法自动检查": 1}
    item = to_approved(people, item)
    message = publish_refused(people, item)
    assert "1 个附件无法自动检查" in message and "请填写理由" in message
    item = services.publish(actor=people.officer, item=item, override_reason="已人工核对，图片中无个人信息。")
    event = ItemEvent.objects.get(item=item, action=workflow.PUBLISH)
    assert event.data["override_reason"] == "已人工核对，图片中无个人信息。"


# --- 6. Index numbers longer than their column ----------------------------------------------------


def test_an_index_number_too_long_is_refused_with_a_reason(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    long_code = "county-a-finance-bureau-of-the-people-s-government"
    assert len(long_code) == 50
    Agency.objects.filter(pk=people.agency.pk).update(short_code=long_code, uscc="")
    people.agency.refresh_from_db()
    with pytest.raises(index_numbers.IndexNumberTooLong):
        index_numbers.issue(people.agency, TODAY)
    item = move(make_item(), Status.APPROVED)
    with pytest.raises(content.CatalogueError) as excinfo:
        services.publish(actor=people.officer, item=item)
    assert excinfo.value.code == "index_number_too_long"
    assert "索引号规则" in excinfo.value.messages[0] and "自定义前段码" in excinfo.value.messages[0]
    item.refresh_from_db()
    assert item.status == Status.APPROVED and item.index_number is None
    # On the page: the reason, not a server error.
    response = client_for(people.officer).post(f"/manage/catalogue/{item.pk}/publish/", {"note": ""})
    assert response.status_code == 200 and "索引号规则" in response.content.decode()
    # With a shorter custom prefix the entry is published, with the first serial of the year.
    IndexPattern.objects.create(
        agency=people.agency, prefix=IndexPattern.Prefix.CUSTOM, custom_prefix="JXCZJ"
    )
    item = services.publish(actor=people.officer, item=item)
    assert item.index_number == f"JXCZJ/{TODAY.year}-00001"


# --- 7. The workspace list ------------------------------------------------------------------------


def test_the_lists_queries_do_not_grow_with_its_rows(
    people: People,
    make_item: MakeItem,
    move: Advance,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    client = client_for(people.officer)
    make_item(written_on=TODAY - datetime.timedelta(days=40))
    client.get("/manage/catalogue/")  # warm up (the session, this process's calendar)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/manage/catalogue/").status_code == 200
    for state in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.PUBLISHED):
        move(make_item(), state)
        make_item()
    with django_assert_max_num_queries(len(queries.captured_queries)):
        response = client.get("/manage/catalogue/")
    assert response.status_code == 200 and len(response.context["rows"]) == 11
    assert sum(1 for row in response.context["rows"] if row.clock is not None) == 10
    assert "已逾期" in response.content.decode()


def test_a_file_that_could_not_be_checked_is_explained_in_the_readers_language(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    image = attach(actor=people.officer, item=item, filename="扫描件.png", data=png_bytes())
    assert image.extraction_problems == [
        {"template": extract.MSG_IMAGE, "params": {"format": "PNG"}},
    ]
    client = Client()
    client.force_login(people.officer)
    client.cookies["django_language"] = "en"
    html = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    hits = scan_section(html)
    assert "Attachment: 扫描件.png" in hits
    assert "The attachment could not be checked automatically: This is a picture (PNG)" in hits
    assert "无法自动检查" not in html and "请人工核对" not in html
    # The file list says the same, and names the kind of file in English.
    assert "This is a picture (PNG)" in html.split("扫描件.png</a>")[1]


def test_a_file_stored_before_problems_were_messages_shows_its_chinese_text(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    image = attach(actor=people.officer, item=item, filename="扫描件.png", data=png_bytes())
    Attachment.objects.filter(pk=image.pk).update(
        extraction_problem="旧的说明；请人工核对。", extraction_problems=[]
    )
    (finding,) = scanning.scan_item(item)
    assert finding.unchecked
    assert finding.context == "附件无法自动检查：旧的说明；请人工核对。"
