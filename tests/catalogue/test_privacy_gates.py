"""The privacy gates at every step (issue 15, item 4): the scanner's findings are acknowledged by the
officer before submitting and by the reviewer before passing the review, each acknowledgement audited;
the reviewer's opinion cannot say "不涉及…个人隐私" over unacknowledged findings; a 错敏词 is shown in full
with its correction, and 更正 writes the correction."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from gongkai.catalogue import scanner, scanning, services, workflow
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import ItemEvent, Status
from gongkai.catalogue.services import acknowledging
from gongkai.core.models import AuditEvent
from gongkai.statute import resident_id as rule
from tests.catalogue.conftest import TODAY, MakeItem, People, resident_id

pytestmark = pytest.mark.django_db

ID = resident_id(21)
ID_MASKED = f"{ID[:6]}********{ID[-4:]}"
MOBILE = "13800138000"


def _keys(item: object) -> list[str]:
    return [f.key for f in scanning.scan_item(item)]  # type: ignore[arg-type]


def test_submission_with_unacknowledged_hits_is_stopped_with_the_hits_listed(
    people: People, make_item: MakeItem
) -> None:
    item = make_item(body=f"<p>申请人身份证号{ID}，电话{MOBILE}。</p>")
    with pytest.raises(CatalogueError) as refused:
        services.submit(actor=people.officer, item=item)
    text = " ".join(refused.value.messages)
    assert "不能提交审查" in text
    assert "2 处" in text and ID_MASKED in text and "138****8000" in text
    assert ID not in text  # the refusal names the hit masked, never the number
    item.refresh_from_db()
    assert item.status == Status.DRAFT and not item.events.filter(action=workflow.SUBMIT).exists()

    first, second = _keys(item)
    assert services.acknowledge(actor=people.officer, item=item, keys=[first]) == 1
    with pytest.raises(CatalogueError) as still:
        services.submit(actor=people.officer, item=item)
    assert "1 处" in " ".join(still.value.messages)
    # Ticking the last one with the step acknowledges it and submits.
    item = services.submit(actor=people.officer, item=item, acknowledge=[second])
    assert item.status == Status.SUBMITTED

    audits = AuditEvent.objects.filter(action="catalogue.hits_acknowledged").order_by("id")
    assert [a.actor_id for a in audits] == [people.officer.pk, people.officer.pk]
    assert [a.details["count"] for a in audits] == [1, 1]
    assert ID not in str([a.details for a in audits]) and ID_MASKED in str(audits[0].details)
    acks = ItemEvent.objects.filter(item=item, action="acknowledge")
    assert acks.count() == 2 and all(e.actor_id == people.officer.pk and e.at for e in acks)


def test_the_reviewer_acknowledges_again_and_cannot_say_no_privacy_over_open_hits(
    people: People, make_item: MakeItem
) -> None:
    item = make_item(body=f"<p>申请人身份证号{ID}。</p>")
    item = services.submit(actor=people.officer, item=item, acknowledge=_keys(item))
    # The officer's acknowledgement does not count for the review.
    assert len(acknowledging.unacknowledged(item, scanning.scan_item(item))) == 1
    with pytest.raises(CatalogueError) as refused:
        services.review_pass(
            actor=people.reviewer, item=item, note="经审查，不涉及国家秘密、商业秘密和个人隐私，同意公开。"
        )
    text = " ".join(refused.value.messages)
    assert "审查意见写明不涉及个人隐私" in text and ID_MASKED in text
    with pytest.raises(CatalogueError) as plain:
        services.review_pass(actor=people.reviewer, item=item, note="同意。")
    assert "未经审核人确认" in " ".join(plain.value.messages)
    assert services.acknowledge(actor=people.reviewer, item=item, everything=True) == 1
    item = services.review_pass(actor=people.reviewer, item=item, note="经审查，不涉及个人隐私，同意公开。")
    assert item.status == Status.REVIEWED
    # The leader may not acknowledge (only who may handle the hits: officer, reviewer).
    with pytest.raises(CatalogueError):
        services.acknowledge(actor=people.leader, item=item, everything=True)


def test_a_changed_text_must_be_acknowledged_again(people: People, make_item: MakeItem) -> None:
    item = make_item(body=f"<p>电话{MOBILE}。</p>")
    services.acknowledge(actor=people.officer, item=item, everything=True)
    item = services.update_draft(
        actor=people.officer, item=item, data={"body": f"<p>联系电话：{MOBILE}。</p>"}
    )
    with pytest.raises(CatalogueError):
        services.submit(actor=people.officer, item=item)
    with pytest.raises(CatalogueError) as nothing:
        services.acknowledge(actor=people.officer, item=item, keys=["not-a-key"])
    assert nothing.value.code == "nothing_to_acknowledge"


def test_the_entry_page_lists_hits_with_checkboxes_and_acknowledges_them(
    people: People, make_item: MakeItem
) -> None:
    item = make_item(body=f"<p>电话{MOBILE}。</p>")
    client = Client()
    client.force_login(people.officer)
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    (key,) = _keys(item)
    assert f'value="{key}" form="acknowledge-form"' in page and "尚有 1 处未确认" in page
    refused = client.post(f"/manage/catalogue/{item.pk}/submit/", {"note": ""})
    assert "不能提交审查" in refused.content.decode()
    response = client.post(f"/manage/catalogue/{item.pk}/acknowledge/", {"acknowledge": [key]}, follow=True)
    assert "已确认 1 处检查结果" in response.content.decode()
    assert "已确认（" in response.content.decode()
    client.post(f"/manage/catalogue/{item.pk}/submit/", {"note": ""})
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_a_sensitive_word_is_shown_in_full_with_its_correction_and_corrected(
    people: People, make_item: MakeItem
) -> None:
    services.add_sensitive_word(actor=people.officer, agency=people.agency, word="帐户", correction="账户")
    services.add_sensitive_word(actor=people.officer, agency=people.agency, word="内部资料")
    item = make_item(body="<p>请核对帐户信息。本件为内部资料。</p>")
    word, internal = [f for f in scanning.scan_overview(item).findings if f.source == "body"]
    assert (word.hit.masked, word.hit.replacement) == ("帐户", "账户")
    assert "帐户" in word.context  # the reviewer sees the word, not ******
    assert (internal.hit.masked, internal.hit.replacement) == ("内部资料", "****")
    client = Client()
    client.force_login(people.officer)
    page = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert "建议改为：账户" in page and "没有建议的写法" in page
    item = services.mask_hit(
        actor=people.officer,
        item=item,
        source="body",
        start=word.hit.start,
        end=word.hit.end,
        kind=word.hit.kind,
    )
    assert "请核对账户信息" in item.body and "帐户" not in item.body
    event = item.events.get(action=workflow.MASK)
    assert event.data["replacement"] == "账户"


def test_fifteen_and_eighteen_digit_ids_are_found_by_the_statute_rule_alone() -> None:
    today = TODAY
    fifteen = "110105800101123"
    wrong_check = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    future = resident_id(3, birth=(today + datetime.timedelta(days=1)).strftime("%Y%m%d"))
    for number in (ID, fifteen, wrong_check, future, "990105800101123"):
        found = [h.kind for h in scanner.scan_text(f"号码{number}。", today=today)]
        assert (scanner.RESIDENT_ID in found) is rule.is_valid(number, today=today), number
    assert rule.is_valid(ID, today=today) and rule.is_valid(fifteen, today=today)
    assert not rule.is_valid(wrong_check, today=today) and not rule.is_valid(future, today=today)
