"""The services of the catalogue: drafting rules, sanitising, files, the privacy scan at submit and
publish, masking, the publication clock, the review log and the audit log of every step."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import translation

from gongkai.catalogue import content, indexing, scanning, selectors, services, workflow
from gongkai.catalogue.models import Attachment, Item, ItemEvent, ItemKind, SensitiveWord, Status
from gongkai.catalogue.services import files
from gongkai.core.models import AuditEvent
from gongkai.workdays.store import current_calendar
from tests.catalogue.conftest import (
    TODAY,
    Advance,
    MakeItem,
    People,
    attach,
    docx_bytes,
    pdf_bytes,
    pin,
    png_bytes,
    resident_id,
)

ID = resident_id(7)
MOBILE = "13912345678"


def new_audits(mark: int) -> list[str]:
    return list(AuditEvent.objects.filter(id__gt=mark).order_by("id").values_list("action", flat=True))


def audit_mark() -> int:
    return int(AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0)


def events(item: Item) -> list[tuple[str, str, str]]:
    return list(
        ItemEvent.objects.filter(item=item)
        .order_by("at", "id")
        .values_list("action", "from_status", "to_status")
    )


# --- Drafting ---------------------------------------------------------------------------------


def test_create_and_update_a_draft(people: People, make_item: MakeItem) -> None:
    mark = audit_mark()
    item = make_item(publisher="", title="  关于  预算公开的通知 ")
    assert item.status == Status.DRAFT and item.created_by == people.officer
    assert item.title == "关于 预算公开的通知"
    assert item.publisher == people.agency.name  # defaults to the agency
    assert new_audits(mark) == ["catalogue.item_created"]
    assert events(item) == [("create", "", "draft")]
    item = services.update_draft(
        actor=people.officer2, item=item, data={"keywords": "预算", "summary": "新概述"}
    )
    assert (item.keywords, item.summary) == ("预算", "新概述")
    event = ItemEvent.objects.filter(item=item).last()
    assert event is not None and event.action == "edit" and event.data == {"fields": ["summary", "keywords"]}
    assert event.actor == people.officer2 and event.actor_label == "officer2"
    assert new_audits(mark) == ["catalogue.item_created", "catalogue.item_updated"]
    # Saving without a change records nothing.
    services.update_draft(actor=people.officer2, item=item, data={"keywords": "预算"})
    assert new_audits(mark) == ["catalogue.item_created", "catalogue.item_updated"]


def test_only_the_agencys_officer_drafts(people: People, make_item: MakeItem) -> None:
    for actor in (
        people.reviewer,
        people.leader,
        people.head,
        people.other_officer,
        people.nobody,
        people.supervisor,
    ):
        with pytest.raises(PermissionDenied):
            make_item(actor=actor)
    with pytest.raises(PermissionDenied):
        make_item(actor=people.officer, agency=people.other_agency)
    assert make_item(actor=people.superuser).created_by == people.superuser


def test_unknown_fields_are_a_programming_error(people: People, make_item: MakeItem) -> None:
    item = make_item()
    with pytest.raises(TypeError):
        services.update_draft(actor=people.officer, item=item, data={"status": "published"})


def test_editing_only_in_draft_or_returned(people: People, make_item: MakeItem, move: Advance) -> None:
    for state in (Status.SUBMITTED, Status.REVIEWED, Status.APPROVED, Status.PUBLISHED, Status.WITHDRAWN):
        item = move(make_item(), state)
        with pytest.raises(content.CatalogueError) as excinfo:
            services.update_draft(actor=people.officer, item=item, data={"title": "改名"})
        assert excinfo.value.code == "not_allowed"
        item.refresh_from_db()
        assert item.title != "改名"


def errors_of(fn: Any) -> dict[str, list[str]]:
    with pytest.raises(content.CatalogueError) as excinfo:
        fn()
    return excinfo.value.message_dict


def test_regulations_and_normative_documents_need_their_validity(people: People, make_item: MakeItem) -> None:
    assert errors_of(lambda: make_item(document_type="normative"))["validity"] == [
        "行政规范性文件须注明有效性（现行有效、已修改、已废止或已失效）。"
    ]
    assert "validity" in errors_of(lambda: make_item(document_type="regulation", validity=""))
    assert make_item(document_type="normative", validity="in_force").validity == "in_force"
    repealed = errors_of(lambda: make_item(document_type="normative", validity="repealed"))
    assert repealed["repealed_on"] == ["已废止的文件须填写废止日期。"]
    early = errors_of(
        lambda: make_item(
            document_type="regulation",
            validity="repealed",
            repealed_on=TODAY - datetime.timedelta(days=30),
        )
    )
    assert early["repealed_on"] == ["废止日期不能早于成文日期。"]


def test_decisions_default_to_their_article_20_item(people: People, make_item: MakeItem) -> None:
    assert make_item(kind=ItemKind.LICENSING).article20_item == 5
    assert make_item(kind=ItemKind.PENALTY).article20_item == 6
    assert make_item(kind=ItemKind.ENFORCEMENT).article20_item == 6
    assert make_item(kind=ItemKind.INFORMATION).article20_item is None
    assert "article20_item" in errors_of(lambda: make_item(kind=ItemKind.PENALTY, article20_item=1))


def test_other_field_rules(people: People, make_item: MakeItem) -> None:
    assert "written_on" in errors_of(lambda: make_item(written_on=TODAY + datetime.timedelta(days=1)))
    assert "title" in errors_of(lambda: make_item(title="  "))
    assert "summary" in errors_of(lambda: make_item(summary="字" * 501))
    assert "kind" in errors_of(lambda: make_item(kind="rumour"))
    document = make_item()
    assert "interprets" in errors_of(lambda: make_item(interprets=document))  # not an interpretation
    assert make_item(kind=ItemKind.INTERPRETATION, interprets=document).interprets == document


# --- Sanitising --------------------------------------------------------------------------------


def test_the_body_is_sanitised_at_every_save(people: People, make_item: MakeItem) -> None:
    dirty = (
        '<h2 onclick="x()">标题</h2><script>alert(1)</script><p style="color:red">段落'
        '<img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">坏链接</a>'
        '<a href="https://www.gov.cn/" target="_blank">好链接</a><a href="/relative">相对</a></p>'
        "<table><tr><td>1</td></tr></table><iframe src='https://evil'></iframe><!-- 注释 -->"
    )
    item = make_item(body=dirty)
    body = item.body
    for banned in (
        "<script",
        "alert(1)",
        "onerror",
        "onclick",
        "style=",
        "<img",
        "javascript:",
        "<iframe",
        "注释",
    ):
        assert banned not in body, banned
    assert "<h2>标题</h2>" in body
    assert '<a href="https://www.gov.cn/" rel="noopener noreferrer">好链接</a>' in body
    assert "/relative" not in body and "相对" in body
    assert "<table>" in body and "<td>1</td>" in body
    item = services.update_draft(
        actor=people.officer, item=item, data={"body": "<p onmouseover=x>再次</p><script>x</script>"}
    )
    assert item.body == "<p>再次</p>"


def test_plain_text_becomes_paragraphs() -> None:
    assert content.sanitize_html("第一段\n\n第二段 <不是标签\n") == "<p>第一段</p><p>第二段 &lt;不是标签</p>"
    assert content.sanitize_html("a < b 且 c > d") == "<p>a &lt; b 且 c &gt; d</p>"
    assert content.sanitize_html("   ") == ""


# --- Files -------------------------------------------------------------------------------------


def test_a_real_pdf_and_docx_are_attached_with_their_text(people: People, make_item: MakeItem) -> None:
    item = make_item()
    mark = audit_mark()
    pdf = attach(
        actor=people.officer,
        item=item,
        filename="C:\\文件\\预算表.pdf",
        data=pdf_bytes("Budget 2026", f"Tel {MOBILE}"),
    )
    assert (pdf.filename, pdf.kind, pdf.content_type) == ("预算表.pdf", "pdf", "application/pdf")
    assert MOBILE in pdf.text and pdf.size > 0 and len(pdf.sha256) == 64
    word = attach(
        actor=people.officer, item=item, filename="说明.docx", data=docx_bytes("预算说明", f"身份证号：{ID}")
    )
    assert word.kind == "docx" and ID in word.text
    image = attach(actor=people.officer, item=item, filename="图.PNG", data=png_bytes())
    assert (image.kind, image.content_type) == ("image", "image/png")
    assert new_audits(mark) == ["catalogue.attachment_added", "catalogue.attachment_read"] * 3
    assert [e[0] for e in events(item)][-3:] == ["attachment_add"] * 3
    # The files' text is searchable and scanned.
    assert indexing.search(Item.objects.all(), "budget").get() == item
    kinds = {(f.source, f.hit.kind) for f in scanning.scan_item(item)}
    assert {("attachment", "mobile"), ("attachment", "resident_id")} <= kinds
    assert all(not f.maskable for f in scanning.scan_item(item))


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("报告.docx", pdf_bytes("x"), "与文件内容（PDF 文件）不符"),
        ("报告.pdf", docx_bytes("x"), "与文件内容（Word 文档（.docx））不符"),
        ("图片.pdf", png_bytes(), "与文件内容（图片）不符"),
        ("无扩展名", pdf_bytes("x"), "扩展名（无）"),
        ("网页.pdf", b"<html><body>not a pdf</body></html>", "是纯文本文件"),
        ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "请另存为 .docx 或 .xlsx"),
        ("空.pdf", b"", "是空的"),
        ("/", pdf_bytes("x"), "文件名无效"),
    ],
)
def test_files_of_the_wrong_type_are_refused(
    people: People, make_item: MakeItem, filename: str, data: bytes, message: str
) -> None:
    item = make_item()
    with pytest.raises(content.CatalogueError) as excinfo:
        attach(actor=people.officer, item=item, filename=filename, data=data)
    assert message in excinfo.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


def test_size_and_count_limits(people: People, make_item: MakeItem, monkeypatch: pytest.MonkeyPatch) -> None:
    item = make_item()
    too_big = pdf_bytes("x") + b"%" * (services.MAX_ATTACHMENT_BYTES)
    with pytest.raises(content.CatalogueError, match="超过 20 MB"):
        attach(actor=people.officer, item=item, filename="大.pdf", data=too_big)
    monkeypatch.setattr(files, "MAX_ATTACHMENTS", 2)
    attach(actor=people.officer, item=item, filename="1.pdf", data=pdf_bytes("one"))
    with pytest.raises(content.CatalogueError, match="已经上传过"):
        attach(actor=people.officer, item=item, filename="1-copy.pdf", data=pdf_bytes("one"))
    attach(actor=people.officer, item=item, filename="2.pdf", data=pdf_bytes("two"))
    with pytest.raises(content.CatalogueError, match="最多 2 个附件"):
        attach(actor=people.officer, item=item, filename="3.pdf", data=pdf_bytes("three"))
    assert item.attachments.count() == 2


def test_files_only_in_draft_or_returned_by_the_officer(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    item = make_item()
    with pytest.raises(PermissionDenied):
        attach(actor=people.reviewer, item=item, filename="a.pdf", data=pdf_bytes("a"))
    attachment = attach(actor=people.officer, item=item, filename="a.pdf", data=pdf_bytes("a"))
    item = move(item, Status.SUBMITTED)
    with pytest.raises(content.CatalogueError, match="等待保密审查"):
        attach(actor=people.officer, item=item, filename="b.pdf", data=pdf_bytes("b"))
    with pytest.raises(content.CatalogueError):
        services.remove_attachment(actor=people.officer, attachment=attachment)
    item = services.review_return(actor=people.reviewer, item=item, reason="附件有个人信息，请替换。")
    mark = audit_mark()
    services.remove_attachment(actor=people.officer, attachment=attachment)
    assert not item.attachments.exists()
    assert new_audits(mark) == ["catalogue.attachment_removed"]
    event = ItemEvent.objects.filter(item=item).last()
    assert event is not None and event.action == "attachment_remove" and event.data["filename"] == "a.pdf"


def test_clean_filename() -> None:
    assert services.clean_filename("../../etc/passwd") == "passwd"
    assert services.clean_filename("a\x00b\n.pdf") == "ab.pdf"
    long = services.clean_filename("字" * 300 + ".pdf")
    assert len(long) == 255 and long.endswith(".pdf")


# --- The privacy scan at submit and publish ----------------------------------------------------


def test_submit_records_the_scan(people: People, make_item: MakeItem) -> None:
    item = make_item(body=f"<p>申请人张三，身份证号{ID}，电话{MOBILE}。</p>")
    keys = [f.key for f in scanning.scan_item(item)]  # the officer acknowledges both (the privacy gate)
    item = services.submit(actor=people.officer, item=item, note="请审查。", acknowledge=keys)
    event = ItemEvent.objects.get(item=item, action="submit")
    scan = event.data["scan"]
    assert scan["count"] == 2
    assert scan["by_kind"] == {"身份证号": 1, "手机号码": 1}
    assert [h["source"] for h in scan["hits"]] == ["body", "body"]
    # The log keeps the masked values, never the personal data.
    assert ID not in str(event.data) and MOBILE not in str(event.data)
    assert event.note == "请审查。" and (event.from_status, event.to_status) == ("draft", "submitted")


def test_submit_needs_a_complete_entry(people: People, make_item: MakeItem) -> None:
    item = make_item(summary="", category=None, body="")
    message = errors_of(lambda: services.submit(actor=people.officer, item=item))
    assert set(message) == {"summary", "category", "body"}
    attach(actor=people.officer, item=item, filename="a.pdf", data=pdf_bytes("a"))
    message = errors_of(lambda: services.submit(actor=people.officer, item=item))
    assert set(message) == {"summary", "category"}


def test_publish_with_hits_needs_a_recorded_override(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    item = move(make_item(body=f"<p>咨询电话：{MOBILE}</p>"), Status.APPROVED)
    message = errors_of(lambda: services.publish(actor=people.officer, item=item))
    assert "发现 1 处" in message["override_reason"][0]
    item.refresh_from_db()
    assert item.status == Status.APPROVED and item.index_number is None
    mark = audit_mark()
    item = services.publish(actor=people.officer, item=item, override_reason="该号码为本局公开的咨询电话。")
    assert item.status == Status.PUBLISHED
    event = ItemEvent.objects.get(item=item, action="publish")
    assert event.data["override_reason"] == "该号码为本局公开的咨询电话。"
    assert event.note == "该号码为本局公开的咨询电话。"
    assert event.data["scan"]["count"] == 1 and event.data["index_number"] == item.index_number
    assert new_audits(mark) == ["catalogue.item_publish", "catalogue.scan_overridden"]
    override = AuditEvent.objects.get(action="catalogue.scan_overridden")
    assert override.details["override_reason"] == "该号码为本局公开的咨询电话。"
    assert override.details["hits"][0]["masked"] != MOBILE and MOBILE not in str(override.details)
    published = AuditEvent.objects.get(action="catalogue.item_publish")
    assert published.details["override_reason"] == "该号码为本局公开的咨询电话。"


def test_publish_without_hits_needs_no_reason(people: People, make_item: MakeItem, move: Advance) -> None:
    item = move(make_item(), Status.PUBLISHED)
    event = ItemEvent.objects.get(item=item, action="publish")
    assert "override_reason" not in event.data and event.data["scan"]["count"] == 0


def test_sensitive_words_of_the_agency_and_the_site(people: People, make_item: MakeItem) -> None:
    SensitiveWord.objects.create(agency=people.agency, word="内部资料")
    SensitiveWord.objects.create(agency=None, word="绝密")
    SensitiveWord.objects.create(agency=people.other_agency, word="预算")  # another agency's: not used
    item = make_item(title="内部资料：绝密文件", body="<p>预算</p>")
    found = [(f.source, f.hit.kind, f.hit.value) for f in scanning.scan_item(item)]
    assert found == [("title", "sensitive_word", "内部资料"), ("title", "sensitive_word", "绝密")]
    assert selectors.sensitive_words_for(people.agency) == ["内部资料", "绝密"]


def test_mask_removes_the_hit(people: People, make_item: MakeItem) -> None:
    item = make_item(body=f"<p>身份证号<strong>{ID}</strong>，电话 {MOBILE}</p>", summary=f"联系 {MOBILE}")
    findings = scanning.scan_item(item)
    body_id = next(f for f in findings if f.source == "body" and f.hit.kind == "resident_id")
    assert body_id.context.startswith("身份证号") and ID not in body_id.context  # tags removed, value masked
    mark = audit_mark()
    item = services.mask_hit(
        actor=people.officer,
        item=item,
        source="body",
        start=body_id.hit.start,
        end=body_id.hit.end,
        kind="resident_id",
    )
    assert ID not in item.body and body_id.hit.masked in item.body
    assert "<strong>" in item.body  # the rest of the HTML is kept
    assert [(f.source, f.hit.kind) for f in scanning.scan_item(item)] == [
        ("summary", "mobile"),
        ("body", "mobile"),
    ]
    event = ItemEvent.objects.filter(item=item).last()
    assert event is not None and event.action == "mask" and event.data["masked"] == body_id.hit.masked
    assert ID not in str(event.data)
    assert new_audits(mark) == ["catalogue.hit_masked"]
    # The same click again (the text has changed): nothing happens.
    with pytest.raises(content.CatalogueError, match="已经变化"):
        services.mask_hit(
            actor=people.officer,
            item=item,
            source="body",
            start=body_id.hit.start,
            end=body_id.hit.end,
            kind="resident_id",
        )
    # The search index no longer has the number.
    assert not indexing.search(Item.objects.all(), ID).exists()
    with pytest.raises(content.CatalogueError, match="附件中的内容请用“在附件中涂黑”处理"):
        services.mask_hit(actor=people.officer, item=item, source="attachment", start=0, end=1, kind="mobile")


@pytest.mark.parametrize("number", ["500103198001010016", "330102198001010018", "330106800101123"])
def test_ids_of_renamed_regions_and_first_generation_ids_are_masked(
    people: People, make_item: MakeItem, number: str
) -> None:
    item = make_item(body=f"<p>申请人身份证号{number}。</p>")
    (finding,) = scanning.scan_item(item)
    assert finding.hit.kind == "resident_id"
    item = services.mask_hit(
        actor=people.officer,
        item=item,
        source="body",
        start=finding.hit.start,
        end=finding.hit.end,
        kind="resident_id",
    )
    assert number not in item.body and finding.hit.masked in item.body
    assert scanning.scan_item(item) == []


def test_the_reviewer_masks_during_review_but_not_after(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    item = move(make_item(title=f"联系电话{MOBILE}的通知"), Status.SUBMITTED)
    (finding,) = scanning.scan_item(item)
    with pytest.raises(PermissionDenied):
        services.mask_hit(
            actor=people.officer,
            item=item,
            source="title",
            start=finding.hit.start,
            end=finding.hit.end,
            kind="mobile",
        )
    item = services.mask_hit(
        actor=people.reviewer,
        item=item,
        source="title",
        start=finding.hit.start,
        end=finding.hit.end,
        kind="mobile",
    )
    assert MOBILE not in item.title and item.status == Status.SUBMITTED
    item = move(make_item(title=f"联系电话{MOBILE}的通知"), Status.REVIEWED)
    (finding,) = scanning.scan_item(item)
    with pytest.raises(content.CatalogueError, match="退回修改后遮盖"):
        services.mask_hit(
            actor=people.reviewer,
            item=item,
            source="title",
            start=finding.hit.start,
            end=finding.hit.end,
            kind="mobile",
        )


# --- The publication clock ---------------------------------------------------------------------


def test_the_publication_clock(people: People, make_item: MakeItem, monkeypatch: pytest.MonkeyPatch) -> None:
    written = datetime.date(2026, 5, 29)  # Friday before the 端午 holiday (2026-06-19)
    item = make_item(written_on=written)
    due = selectors.publication_due(item)
    assert due == current_calendar().add_working_days(written, 20)
    assert due > written + datetime.timedelta(days=27)  # weekends and the holiday are not counted
    clock = selectors.publication_clock(item, today=written)
    assert (clock.due, clock.overdue, clock.days_left) == (due, False, 20)
    on_due = selectors.publication_clock(item, today=due)
    assert (on_due.overdue, on_due.days_left) == (False, 0)
    late = selectors.publication_clock(item, today=current_calendar().add_working_days(due, 3))
    assert late.overdue and late.days_left == -3 and late.late_days == 3


def test_the_clock_of_a_published_entry(people: People, make_item: MakeItem, move: Advance) -> None:
    item = move(make_item(written_on=datetime.date(2026, 1, 5)), Status.PUBLISHED)
    clock = selectors.publication_clock(item, today=TODAY)
    assert clock.published_on == TODAY and clock.overdue and clock.days_left is None
    on_time = move(make_item(written_on=TODAY - datetime.timedelta(days=3)), Status.PUBLISHED)
    assert not selectors.publication_clock(on_time).overdue


def test_the_clock_is_provisional_when_next_years_calendar_is_missing(
    people: People, make_item: MakeItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin(monkeypatch, datetime.date(2026, 12, 28))
    item = make_item(written_on=datetime.date(2026, 12, 24))
    clock = selectors.publication_clock(item)
    if 2027 in current_calendar().loaded_years:
        pytest.skip("the calendar of 2027 is loaded")
    # 2026-12-24 (Thu): 12/25(1) 12/28–31(2–5); 1/1 元旦 (Fri) on the provisional calendar (D17);
    # 1/4–1/8(6–10) 1/11–15(11–15) 1/18–22(16–20).
    assert clock.due == datetime.date(2027, 1, 22) and clock.provisional and clock.problem == ""
    assert not clock.overdue


def test_the_clock_says_when_the_calendar_is_missing(
    people: People, make_item: MakeItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin(monkeypatch, datetime.date(2100, 12, 28))
    item = make_item(written_on=datetime.date(2100, 12, 24))
    clock = selectors.publication_clock(item)
    assert clock.due is None and "2100" in clock.problem and not clock.overdue


# --- The review log and the audit log of every step --------------------------------------------


def test_every_step_is_logged_and_audited(people: People, make_item: MakeItem) -> None:
    mark = audit_mark()
    item = make_item()
    steps = [
        (workflow.SUBMIT, people.officer, ""),
        (workflow.REVIEW_RETURN, people.reviewer, "请补充依据。"),
        (workflow.SUBMIT, people.officer, ""),
        (workflow.REVIEW_PASS, people.reviewer, "经审查，同意公开。"),
        (workflow.APPROVE_RETURN, people.leader, "文号有误。"),
        (workflow.SUBMIT, people.officer, ""),
        (workflow.REVIEW_PASS, people.reviewer, ""),
        (workflow.APPROVE, people.leader, "同意。"),
        (workflow.PUBLISH_RETURN, people.leader, "暂缓发布。"),
        (workflow.SUBMIT, people.officer, ""),
        (workflow.REVIEW_PASS, people.reviewer2, ""),
        (workflow.APPROVE, people.leader, ""),
        (workflow.PUBLISH, people.officer, ""),
        (workflow.WITHDRAW, people.officer, "政策已调整。"),
    ]
    for action, actor, note in steps:
        before = item.status
        item = services.perform(actor=actor, item=item, action=action, note=note)
        event = ItemEvent.objects.filter(item=item).last()
        assert event is not None
        assert (event.action, event.from_status, event.to_status) == (action, before, item.status)
        assert (event.actor, event.note) == (actor, note)
        audit = AuditEvent.objects.order_by("id").last()
        assert audit is not None and audit.action == f"catalogue.item_{action}"
        assert audit.actor == actor and audit.agency == people.agency
        assert audit.object_type == "catalogue.item" and audit.object_id == str(item.pk)
        assert (audit.details["from_status"], audit.details["to_status"]) == (before, item.status)
    assert item.withdrawn_reason == "政策已调整。"
    assert new_audits(mark) == ["catalogue.item_created"] + [f"catalogue.item_{a}" for a, _p, _n in steps]


def test_a_refused_step_changes_nothing(people: People, make_item: MakeItem, move: Advance) -> None:
    item = move(make_item(), Status.PUBLISHED)
    mark, count = audit_mark(), ItemEvent.objects.count()
    with pytest.raises(content.CatalogueError):
        services.withdraw(actor=people.officer, item=item, reason="")
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=people.reviewer, item=item, reason="不该由审核人撤回。")
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=people.other_officer, item=item, reason="别的机关。")
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=None, item=item, reason="系统。")
    assert audit_mark() == mark and ItemEvent.objects.count() == count
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_the_search_index_follows_every_change(people: People, make_item: MakeItem, move: Advance) -> None:
    item = make_item(title="城乡低保标准调整的通知")
    assert indexing.search(Item.objects.all(), "低保").get() == item
    item = services.update_draft(actor=people.officer, item=item, data={"title": "城乡医疗救助标准的通知"})
    assert not indexing.search(Item.objects.all(), "低保").exists()
    item = move(item, Status.PUBLISHED)
    assert indexing.search(Item.objects.all(), item.index_number or "").get() == item


# --- Sensitive words ---------------------------------------------------------------------------


def test_the_word_list_is_kept_by_the_agency_and_audited(people: People) -> None:
    mark = audit_mark()
    word = services.add_sensitive_word(
        actor=people.reviewer, agency=people.agency, word=" 内部 资料 ", note="内部文件"
    )
    assert (word.word, word.agency, word.note) == ("内部 资料", people.agency, "内部文件")
    with pytest.raises(content.CatalogueError, match="已在本机关"):
        services.add_sensitive_word(actor=people.officer, agency=people.agency, word="内部 资料")
    services.add_sensitive_word(actor=people.superuser, agency=None, word="绝密")
    with pytest.raises(content.CatalogueError, match="全站通用"):
        services.add_sensitive_word(actor=people.officer, agency=people.agency, word="绝密")
    with pytest.raises(content.CatalogueError, match="请填写词语"):
        services.add_sensitive_word(actor=people.officer, agency=people.agency, word="  ")
    for actor, agency in (
        (people.leader, people.agency),
        (people.other_officer, people.agency),
        (people.officer, None),
        (people.nobody, people.agency),
    ):
        with pytest.raises(PermissionDenied):
            services.add_sensitive_word(actor=actor, agency=agency, word="新词")
    services.delete_sensitive_word(actor=people.admin, word=word)
    assert not SensitiveWord.objects.filter(agency=people.agency).exists()
    assert new_audits(mark) == [
        "catalogue.sensitive_word_added",
        "catalogue.sensitive_word_added",
        "catalogue.sensitive_word_deleted",
    ]
    deleted = AuditEvent.objects.get(action="catalogue.sensitive_word_deleted")
    assert deleted.details["word"] == "内部 资料" and deleted.agency == people.agency


def test_service_errors_read_in_the_readers_language(people: People, make_item: MakeItem) -> None:
    services.add_sensitive_word(actor=people.reviewer, agency=people.agency, word="内部资料")
    with translation.override("en"):
        with pytest.raises(content.CatalogueError) as duplicate:
            services.add_sensitive_word(actor=people.officer, agency=people.agency, word="内部资料")
        with pytest.raises(content.CatalogueError) as refused:
            services.publish(actor=people.officer, item=make_item())
    assert duplicate.value.messages == ["“内部资料” is already in this agency's list of sensitive words."]
    assert refused.value.messages == [
        "The entry is still a draft, not submitted for review: it cannot be “Publish”."
    ]
