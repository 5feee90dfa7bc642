"""The workspace pages: list with filters, search and pages; create and edit; the entry page with its
steps, scan hits and masks; files; the print forms; the word list; CSRF; no 500 on bad input."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.catalogue import scanning, selectors, services, workflow
from gongkai.catalogue.models import Category, Item, ItemEvent, SensitiveWord, Status
from gongkai.core.models import AuditEvent
from tests.catalogue.conftest import TODAY, Advance, MakeItem, People, docx_bytes, pdf_bytes, resident_id

ID = resident_id(3)


def client_for(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    category = Category.objects.order_by("order").first()
    assert category is not None
    data: dict[str, Any] = {
        "kind": "information",
        "title": "甲县财政局2026年政府采购意向公开",
        "publisher": "",
        "doc_number": "",
        "written_on": (TODAY - datetime.timedelta(days=2)).isoformat(),
        "effective_on": "",
        "repealed_on": "",
        "document_type": "other",
        "validity": "",
        "category": category.pk,
        "article20_item": "9",
        "disclosure_mode": "website",
        "summary": "公开2026年第二季度政府采购意向。",
        "keywords": "政府采购",
        "body": "第一段\n第二段",
        "interprets": "",
    }
    data.update(overrides)
    return data


# --- The list ----------------------------------------------------------------------------------


def test_the_list_filters_searches_and_pages(
    people: People, make_item: MakeItem, move: Advance, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.catalogue import views_manage

    draft = make_item(title="城乡低保标准调整的通知")
    published = move(make_item(title="2026年部门预算公开"), Status.PUBLISHED)
    late = make_item(title="去年的统计公报", written_on=datetime.date(2026, 4, 1))
    other = services.create_draft(
        actor=people.other_officer,
        agency=people.other_agency,
        data={"title": "乙县的低保通知", "written_on": TODAY},
    )
    client = client_for(people.reviewer)
    page = client.get("/manage/catalogue/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    titles = [row.item.title for row in page.context["rows"]]
    assert set(titles) == {draft.title, published.title, late.title}  # not the other agency's
    html = page.content.decode()
    assert "已逾期" in html  # written on 1 April: due long ago
    assert str(published.index_number) in html
    assert other.title not in html

    assert _titles(client, status="published") == [published.title]
    assert set(_titles(client, status="open")) == {draft.title, late.title}
    assert _titles(client, q="低保") == [draft.title]
    assert _titles(client, q="统计 公报") == [late.title]
    assert _titles(client, q=published.index_number) == [published.title]
    assert _titles(client, kind="penalty") == []
    # Bad filter values are ignored, not a 500.
    bad = client.get("/manage/catalogue/", {"status": "nonsense", "agency": "abc", "page": "x"})
    assert bad.status_code == 200 and "部分筛选条件无效" in bad.content.decode()

    monkeypatch.setattr(views_manage, "PER_PAGE", 2)
    first = client.get("/manage/catalogue/")
    assert len(first.context["rows"]) == 2 and "下一页" in first.content.decode()
    second = client.get("/manage/catalogue/", {"page": 2})
    assert len(second.context["rows"]) == 1
    assert client.get("/manage/catalogue/", {"page": 99}).status_code == 200


def _titles(client: Client, **params: Any) -> list[str]:
    response = client.get("/manage/catalogue/", params)
    assert response.status_code == 200
    return [row.item.title for row in response.context["rows"]]


def test_the_nav_links_to_the_workspace(people: People) -> None:
    html = client_for(people.officer).get("/manage/catalogue/").content.decode()
    assert 'href="/manage/catalogue/">主动公开</a>' in html
    assert "/manage/catalogue/new/" in html and "/manage/catalogue/words/" in html
    reviewer_html = client_for(people.leader).get("/manage/catalogue/").content.decode()
    assert "/manage/catalogue/new/" not in reviewer_html


# --- Create and edit ---------------------------------------------------------------------------


def test_create_an_entry(people: People, today: datetime.date) -> None:
    client = client_for(people.officer)
    page = client.get("/manage/catalogue/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "保存时会自动清理" in html and 'name="body"' in html
    response = client.post("/manage/catalogue/new/", form_data(agency=people.agency.pk))
    assert response.status_code == 302
    item = Item.objects.get()
    assert response["Location"] == f"/manage/catalogue/{item.pk}/"
    assert item.body == "<p>第一段</p><p>第二段</p>"
    assert (item.article20_item, item.publisher, item.status) == (9, people.agency.name, Status.DRAFT)
    assert "已保存草稿" in client.get(response["Location"]).content.decode()


def test_over_long_text_is_refused_visibly_and_kept(people: People, today: datetime.date) -> None:
    client = client_for(people.officer)
    assert "maxlength" not in client.get("/manage/catalogue/new/").content.decode()
    title, summary = "关于" * 151, "概述" * 251  # 302 and 502 characters (limits 300 and 500)
    response = client.post(
        "/manage/catalogue/new/", form_data(agency=people.agency.pk, title=title, summary=summary)
    )
    assert response.status_code == 200 and not Item.objects.exists()
    errors = response.context["form"].errors
    assert "最多 300 字，现有 302 字" in " ".join(errors["title"])
    assert "最多 500 字，现有 502 字" in " ".join(errors["summary"])
    html = response.content.decode()
    assert title in html and summary in html


def test_create_shows_the_errors_on_the_form(people: People, today: datetime.date) -> None:
    client = client_for(people.officer)
    response = client.post(
        "/manage/catalogue/new/",
        form_data(agency=people.agency.pk, document_type="normative", title="", written_on="2026-13-40"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "written_on"}
    # The service's own rules come back next to their fields.
    response = client.post(
        "/manage/catalogue/new/", form_data(agency=people.agency.pk, document_type="normative")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["validity"] == [
        "行政规范性文件须注明有效性（现行有效、已修改、已废止或已失效）。"
    ]
    # Another agency cannot be chosen.
    response = client.post("/manage/catalogue/new/", form_data(agency=people.other_agency.pk))
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert not Item.objects.exists()


def test_an_interpretation_names_its_document_by_index_number(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    document = move(make_item(), Status.PUBLISHED)
    client = client_for(people.officer)
    response = client.post(
        "/manage/catalogue/new/",
        form_data(agency=people.agency.pk, kind="interpretation", interprets="NO/SUCH-00001"),
    )
    assert response.context["form"].errors["interprets"] == ["没有找到索引号为“NO/SUCH-00001”的已发布条目。"]
    response = client.post(
        "/manage/catalogue/new/",
        form_data(agency=people.agency.pk, kind="interpretation", interprets=document.index_number),
    )
    assert response.status_code == 302
    assert Item.objects.get(kind="interpretation").interprets == document


def test_edit_an_entry(people: People, make_item: MakeItem, move: Advance) -> None:
    item = make_item()
    client = client_for(people.officer)
    page = client.get(f"/manage/catalogue/{item.pk}/edit/")
    assert page.status_code == 200
    assert page.context["form"]["title"].value() == item.title
    assert "agency" not in page.context["form"].fields
    response = client.post(
        f"/manage/catalogue/{item.pk}/edit/", form_data(title="改过的名称", body="<p>x<script>y</script></p>")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.body) == ("改过的名称", "<p>x</p>")
    # Not editable once submitted: back to the entry page with the reason.
    item = move(item, Status.SUBMITTED)
    response = client.get(f"/manage/catalogue/{item.pk}/edit/", follow=True)
    assert "正在等待保密审查" in response.content.decode()
    # The reviewer may never edit.
    assert client_for(people.reviewer).get(f"/manage/catalogue/{make_item().pk}/edit/").status_code == 403


# --- The entry page and its steps --------------------------------------------------------------


def test_the_entry_page(people: People, make_item: MakeItem) -> None:
    item = make_item(
        body=f"<p>申请人身份证号 {ID}</p><script>x</script>", written_on=datetime.date(2026, 4, 1)
    )
    client = client_for(people.officer)
    page = client.get(f"/manage/catalogue/{item.pk}/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert "<script>x</script>" not in html
    assert "已逾期" in html and "条例第二十六条" in html
    hits = html[html.index('id="scan-heading"') : html.index('id="meta-heading"')]
    assert ID not in hits  # hits are shown masked, in context
    assert "身份证号" in html and 'name="source" value="body"' in html and ">遮盖" in html
    assert [s.name for s in page.context["steps"]] == ["submit"]
    assert "打印信息公开保密审查表" in html and "打印信息发布登记表" in html
    assert "创建草稿" in html  # the review log


def _post(client: Client, item: Item, action: str, **data: Any) -> Any:
    return client.post(f"/manage/catalogue/{item.pk}/{action}/", data)


def test_the_whole_way_through_the_pages(people: People, make_item: MakeItem) -> None:
    item = make_item(body="<p>联系电话 13812345678</p>")
    officer, reviewer, leader = (
        client_for(people.officer),
        client_for(people.reviewer),
        client_for(people.leader),
    )
    assert "不能提交审查" in _post(officer, item, "submit", note="请审查。").content.decode()  # the gate
    assert _post(officer, item, "acknowledge", everything="1").status_code == 302
    assert _post(officer, item, "submit", note="请审查。").status_code == 302
    # A return needs reasons: the form comes back open with the error.
    response = _post(reviewer, item, "review_return", note="")
    assert response.status_code == 200
    assert 'id="action-review_return" open' in response.content.decode()
    assert "请填写退回理由" in response.content.decode() or "这个字段是必填项" in response.content.decode()
    assert _post(reviewer, item, "acknowledge", everything="1").status_code == 302
    assert _post(reviewer, item, "review_pass", note="同意公开。").status_code == 302
    assert _post(leader, item, "approve", note="同意。").status_code == 302
    # Publishing with an unresolved hit needs a reason.
    response = _post(officer, item, "publish", note="")
    assert response.status_code == 200
    assert "发布前检查发现 1 处" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.APPROVED
    response = _post(officer, item, "publish", note="本局对外公布的咨询电话。")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.index_number
    page = officer.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "已办理：发布" in page and item.index_number in page and "说明理由后发布" in page
    # Withdrawal asks for confirmation first.
    confirm = _post(officer, item, "withdraw", note="政策已废止。")
    assert confirm.status_code == 200 and "确定撤回吗" in confirm.content.decode()
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    done = _post(officer, item, "withdraw", note="政策已废止。", confirmed="1")
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.withdrawn_reason) == (Status.WITHDRAWN, "政策已废止。")
    assert [e.action for e in ItemEvent.objects.filter(item=item).order_by("at", "id")] == [
        "create",
        "acknowledge",  # the officer's, before submitting
        "submit",
        "acknowledge",  # the reviewer's, before passing the review
        "review_pass",
        "approve",
        "publish",
        "withdraw",
    ]


def test_a_step_the_state_does_not_allow(people: People, make_item: MakeItem) -> None:
    item = make_item()
    response = _post(client_for(people.officer), item, "publish", note="")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert _post(client_for(people.officer), item, "explode").status_code == 404
    assert client_for(people.officer).get(f"/manage/catalogue/{item.pk}/submit/").status_code == 405


def test_one_click_mask(people: People, make_item: MakeItem) -> None:
    item = make_item(body=f"<p>身份证号 {ID}</p>")
    client = client_for(people.officer)
    (finding,) = scanning.scan_item(item)
    data = {"source": "body", "start": finding.hit.start, "end": finding.hit.end, "kind": "resident_id"}
    response = client.post(f"/manage/catalogue/{item.pk}/mask/", data)
    assert response.status_code == 302 and response["Location"].endswith("#scan-heading")
    item.refresh_from_db()
    assert ID not in item.body
    again = client.post(f"/manage/catalogue/{item.pk}/mask/", data, follow=True)
    assert "已经变化" in again.content.decode()
    bad = client.post(f"/manage/catalogue/{item.pk}/mask/", {"source": "status", "start": "x"}, follow=True)
    assert bad.status_code == 200 and "遮盖请求无效" in bad.content.decode()
    assert client_for(people.leader).post(f"/manage/catalogue/{item.pk}/mask/", data).status_code == 403


# --- Files -------------------------------------------------------------------------------------


def test_upload_download_and_remove_files(
    people: People, make_item: MakeItem, django_capture_on_commit_callbacks: Any
) -> None:
    item = make_item()
    client = client_for(people.officer)
    upload = SimpleUploadedFile("说明.docx", docx_bytes(f"身份证号 {ID}"))
    with django_capture_on_commit_callbacks(execute=True):  # the reading job, after the upload committed
        response = client.post(f"/manage/catalogue/{item.pk}/attachments/", {"file": upload})
    assert response.status_code == 302
    attachment = item.attachments.get()
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "说明.docx" in page and "附件：说明.docx" in page and "在附件中涂黑" in page
    download = client.get(f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download.content == attachment.read_bytes()
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]
    # A PDF named .docx is refused with the reason on the page.
    wrong = SimpleUploadedFile("伪装.docx", pdf_bytes("x"))
    response = client.post(f"/manage/catalogue/{item.pk}/attachments/", {"file": wrong})
    assert response.status_code == 200 and "与文件内容（PDF 文件）不符" in response.content.decode()
    assert client.post(f"/manage/catalogue/{item.pk}/attachments/", {}).status_code == 200  # no file: no 500
    confirm = client.get(f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/remove/")
    assert confirm.status_code == 200 and "确定删除" in confirm.content.decode()
    assert client.post(f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/remove/").status_code == 302
    assert not item.attachments.exists()
    assert client.get(f"/manage/catalogue/{item.pk}/attachments/{attachment.pk}/").status_code == 404


# --- Print forms -------------------------------------------------------------------------------


def test_the_print_forms(people: People, make_item: MakeItem, move: Advance) -> None:
    item = make_item(body="<p>联系电话 13812345678</p>")
    item = services.submit(
        actor=people.officer, item=item, acknowledge=[f.key for f in scanning.scan_item(item)]
    )
    keys = [f.key for f in scanning.scan_item(item)]  # the reviewer acknowledges too (the privacy gate)
    item = services.review_pass(actor=people.reviewer, item=item, note="经审查，同意公开。", acknowledge=keys)
    item = services.approve(actor=people.leader, item=item, note="同意。")
    item = services.publish(actor=people.officer, item=item, override_reason="对外公布的电话。")
    client = client_for(people.reviewer)
    review = client.get(f"/manage/catalogue/{item.pk}/print/review/")
    assert review.status_code == 200
    html = review.content.decode()
    assert "<h1>信息公开保密审查表</h1>" in html
    for text in (
        "经审查，同意公开。",
        "审查人：reviewer",
        "审批人：leader",
        "提交人：officer",
        "审查人（签字）",
        "分管领导（签字）",
    ):
        assert text in html, text
    assert str(item.index_number) in html and "手机号码" in html and "13812345678" not in html
    register = client.get(f"/manage/catalogue/{item.pk}/print/register/").content.decode()
    assert "<h1>信息发布登记表</h1>" in register
    assert "发布理由：对外公布的电话。" in register and "发布人（签字）" in register
    assert TODAY.isoformat() in register


def test_the_review_log_shows_peoples_names(people: People, make_item: MakeItem) -> None:
    people.reviewer.first_name = "李审核"
    people.reviewer.save()
    item = services.submit(actor=people.officer, item=make_item())
    item = services.review_pass(actor=people.reviewer, item=item, note="经审查，同意公开。")
    client = client_for(people.officer)
    review = client.get(f"/manage/catalogue/{item.pk}/print/review/").content.decode()
    assert "审查人：李审核" in review and "reviewer" not in review
    assert "提交人：officer" in review  # no name recorded: the user name
    detail = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "<td>李审核</td>" in detail and "（reviewer）" not in detail
    # A name entered later is shown on the steps already recorded.
    people.officer.first_name = "王芳"
    people.officer.save()
    review = client.get(f"/manage/catalogue/{item.pk}/print/review/").content.decode()
    assert "提交人：王芳" in review


# --- Sensitive words ---------------------------------------------------------------------------


def test_the_word_list_page(people: People) -> None:
    SensitiveWord.objects.create(agency=None, word="全站词")
    client = client_for(people.reviewer)
    page = client.get("/manage/catalogue/words/")
    assert page.status_code == 200 and "全站词" in page.content.decode()
    response = client.post(
        "/manage/catalogue/words/", {"agency": people.agency.pk, "word": "内部资料", "note": ""}
    )
    assert response.status_code == 302
    word = SensitiveWord.objects.get(word="内部资料")
    assert word.agency == people.agency
    duplicate = client.post("/manage/catalogue/words/", {"agency": people.agency.pk, "word": "内部资料"})
    assert duplicate.status_code == 200 and "已在本机关的错敏词表中" in duplicate.content.decode()
    confirm = client.get(f"/manage/catalogue/words/{word.pk}/delete/")
    assert confirm.status_code == 200 and "确定删除" in confirm.content.decode()
    assert SensitiveWord.objects.filter(pk=word.pk).exists()
    assert client.post(f"/manage/catalogue/words/{word.pk}/delete/").status_code == 302
    assert not SensitiveWord.objects.filter(pk=word.pk).exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="catalogue.sensitive_word")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["catalogue.sensitive_word_added", "catalogue.sensitive_word_deleted"]
    site = SensitiveWord.objects.get(word="全站词")
    assert client.post(f"/manage/catalogue/words/{site.pk}/delete/").status_code == 403
    other = SensitiveWord.objects.create(agency=people.other_agency, word="乙县词")
    assert client.get(f"/manage/catalogue/words/{other.pk}/delete/").status_code == 404
    assert client_for(people.leader).get("/manage/catalogue/words/").status_code == 403


# --- CSRF --------------------------------------------------------------------------------------


def test_posts_need_the_csrf_token(people: People, make_item: MakeItem) -> None:
    item = make_item()
    client = client_for(people.officer, csrf=True)
    assert client.post(f"/manage/catalogue/{item.pk}/submit/", {"note": ""}).status_code == 403
    assert client.post("/manage/catalogue/new/", form_data(agency=people.agency.pk)).status_code == 403
    assert (
        client.post("/manage/catalogue/words/", {"agency": people.agency.pk, "word": "x"}).status_code == 403
    )
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    # With the token from the page, the same post works.
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        f"/manage/catalogue/{item.pk}/submit/", {"note": "", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


@pytest.mark.parametrize("state", [s.value for s in Status])
def test_every_page_renders_in_every_state(
    people: People, make_item: MakeItem, move: Advance, state: str
) -> None:
    item = move(make_item(), state)
    for user in (people.officer, people.reviewer, people.leader, people.head, people.superuser):
        client = client_for(user)
        for path in ("", "print/review/", "print/register/"):
            response = client.get(f"/manage/catalogue/{item.pk}/{path}")
            assert response.status_code == 200, (state, user, path)
    page = client_for(people.officer).get(f"/manage/catalogue/{item.pk}/")
    steps = [s.name for s in page.context["steps"]]
    assert steps == [a for a in selectors.allowed_actions(people.officer, item) if a in workflow.STEPS]
    if state == Status.WITHDRAWN:
        assert "撤回理由" in page.content.decode()


def test_the_scan_and_the_mask_read_in_english(people: People, make_item: MakeItem) -> None:
    item = make_item(body=f"<p>身份证号 {ID}</p>")
    client = client_for(people.officer)
    client.cookies["django_language"] = "en"
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "<td>Text</td>" in page and "<td>ID card number</td>" in page
    (finding,) = scanning.scan_item(item)
    data = {"source": "body", "start": finding.hit.start, "end": finding.hit.end, "kind": "resident_id"}
    client.post(f"/manage/catalogue/{item.pk}/mask/", data)
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "Masked ID card number in Text:" in page
    assert "<td>身份证号</td>" not in page and "Masked 身份证号" not in page
