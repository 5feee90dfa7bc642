"""The 专栏's standing sub-columns (issue 15): the 政策文件库 with its 有效性 filter, the 基层政务公开标准目录
areas an agency's administrator chooses (国办发〔2019〕54号), 建议提案办理结果 and 依申请公开转主动公开; and a
政策解读 published only with its published document."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongkai.catalogue import services, workflow
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import ColumnArea, DocumentType, ItemKind, Status, Topic, Validity
from gongkai.core.models import AuditEvent
from gongkai.statute.standard_areas import AREA_CODES, STANDARD_AREAS
from tests.catalogue import public_factories as public
from tests.catalogue.conftest import Advance, MakeItem, People
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def titles(page: str) -> list[str]:
    return re.findall(r'/items/\d+/">([^<]+)</a>', page)


def test_the_list_of_areas_is_the_26_of_the_guideline() -> None:
    assert len(STANDARD_AREAS) == 26 == len(set(STANDARD_AREAS.values()))
    assert STANDARD_AREAS["budgets"] == "财政预决算" and "社会救助" in STANDARD_AREAS.values()
    # the health area is named as its 标准指引 is (医疗卫生), not after 第二十条（十三）'s 公共卫生
    assert STANDARD_AREAS["public-health"] == "医疗卫生" and "公共卫生" not in STANDARD_AREAS.values()


def test_the_policy_library_filters_by_validity(client: Client, tree: Tree) -> None:
    def document(title: str, validity: str, **fields: Any) -> None:
        public.make_item(
            tree.county_a, title, document_type=DocumentType.NORMATIVE, validity=validity, **fields
        )

    document("甲县现行办法", Validity.IN_FORCE)
    document("甲县已修改办法", Validity.AMENDED)
    document("甲县已废止办法", Validity.REPEALED, repealed_on=datetime.date(2025, 6, 1))
    public.make_item(tree.county_a, "甲县普通通知")  # not a policy document
    page = client.get("/gk/county-a/policies/").content.decode()
    assert sorted(titles(page)) == ["甲县已修改办法", "甲县已废止办法", "甲县现行办法"]
    assert "全部（3）" in page and "现行有效（1）" in page and "已废止（1）" in page and "已修改（1）" in page
    assert titles(client.get("/gk/county-a/policies/", {"validity": "in_force"}).content.decode()) == [
        "甲县现行办法"
    ]
    repealed = client.get("/gk/county-a/policies/", {"validity": "repealed"}).content.decode()
    assert titles(repealed) == ["甲县已废止办法"] and "已废止</td>" in repealed
    assert titles(
        client.get("/gk/county-a/policies/", {"validity": "amended", "q": "修改"}).content.decode()
    ) == ["甲县已修改办法"]
    bad = client.get("/gk/county-a/policies/", {"validity": "maybe"})
    assert bad.status_code == 200 and "参数 validity" in bad.content.decode()
    # The API has the same filter.
    data = client.get("/gk/api/items/", {"validity": "repealed"}).json()
    assert [r["title"] for r in data["results"]] == ["甲县已废止办法"]


def test_an_administrator_chooses_the_areas_and_each_is_a_sub_column(
    client: Client, people: People, tree: Tree
) -> None:
    agency = people.agency
    with pytest.raises(PermissionDenied):
        services.set_column_areas(actor=people.officer, agency=agency, areas=["budgets"])
    with pytest.raises(CatalogueError):
        services.set_column_areas(actor=people.admin, agency=agency, areas=["no-such-area"])
    chosen = services.set_column_areas(
        actor=people.admin, agency=agency, areas=["social-assistance", "budgets"]
    )
    assert chosen == ["budgets", "social-assistance"]  # the guideline's order
    event = AuditEvent.objects.get(action="catalogue.column_areas_set")
    assert event.details["added"] == ["budgets", "social-assistance"] and event.agency_id == agency.pk
    public.make_item(agency, "甲县财政局2026年部门预算", standard_area="budgets")
    public.make_item(agency, "甲县财政局低保资金", standard_area="social-assistance")
    public.make_item(agency, "甲县财政局就业补贴", standard_area="employment")  # an area not chosen
    hub = client.get("/gk/county-a-finance/columns/").content.decode()
    assert "财政预决算" in hub and "社会救助" in hub and ">就业<" not in hub
    assert "国办发〔2019〕54号" in hub
    budgets = client.get("/gk/county-a-finance/columns/areas/budgets/").content.decode()
    assert titles(budgets) == ["甲县财政局2026年部门预算"]
    assert client.get("/gk/county-a-finance/columns/areas/employment/").status_code == 404
    assert client.get("/gk/county-a-finance/columns/areas/nothing/").status_code == 404
    # Choosing again replaces the choice.
    services.set_column_areas(actor=people.admin, agency=agency, areas=["employment"])
    assert list(ColumnArea.objects.filter(agency=agency).values_list("area", flat=True)) == ["employment"]
    assert client.get("/gk/county-a-finance/columns/areas/budgets/").status_code == 404


def test_the_areas_page_of_the_workspace(client: Client, people: People) -> None:
    client.force_login(people.officer)
    assert client.get("/manage/catalogue/areas/").status_code == 403
    client.force_login(people.admin)
    page = client.get("/manage/catalogue/areas/").content.decode()
    assert page.count('type="checkbox" name="areas"') == len(AREA_CODES)
    response = client.post("/manage/catalogue/areas/", {"areas": ["budgets", "taxation"]})
    assert response.status_code == 302
    assert sorted(ColumnArea.objects.filter(agency=people.agency).values_list("area", flat=True)) == [
        "budgets",
        "taxation",
    ]
    assert "checked" in client.get("/manage/catalogue/areas/").content.decode()
    bad = client.post("/manage/catalogue/areas/", {"areas": ["nope"]})
    assert bad.status_code == 200 and "nope" in bad.content.decode()


def test_proposal_responses_and_information_released_on_request(client: Client, tree: Tree) -> None:
    public.make_item(
        tree.county_a, "关于县人大十八届三次会议第12号建议的答复", topic=Topic.PROPOSAL_RESPONSES
    )
    public.make_item(tree.county_a, "城区停车收费标准（依申请公开后转主动公开）", topic=Topic.FROM_REQUESTS)
    public.make_item(tree.county_a, "甲县普通通知")
    hub = client.get("/gk/county-a/columns/").content.decode()
    assert "建议提案办理结果" in hub and "依申请公开转主动公开" in hub and "（1 条）" in hub
    proposals = client.get("/gk/county-a/columns/topics/proposal_responses/").content.decode()
    assert titles(proposals) == ["关于县人大十八届三次会议第12号建议的答复"]
    requests = client.get("/gk/county-a/columns/topics/from_requests/").content.decode()
    assert titles(requests) == ["城区停车收费标准（依申请公开后转主动公开）"] and "第四十四条" in requests
    assert client.get("/gk/county-a/columns/topics/other/").status_code == 404
    nav = client.get("/gk/county-a/").content.decode()
    assert 'href="/gk/county-a/policies/"' in nav and 'href="/gk/county-a/columns/"' in nav


def test_an_interpretation_is_published_only_with_its_published_document(
    make_item: MakeItem, move: Advance, people: People
) -> None:
    orphan = move(make_item(kind=ItemKind.INTERPRETATION, title="政策解读：无文件"), Status.APPROVED)
    with pytest.raises(CatalogueError) as refused:
        services.perform(actor=people.officer, item=orphan, action=workflow.PUBLISH)
    assert "政策解读必须关联其解读的文件" in " ".join(refused.value.messages)
    orphan.refresh_from_db()
    assert orphan.status == Status.APPROVED and orphan.index_number is None
    document = move(make_item(title="甲县财政局资金管理办法"), Status.PUBLISHED)
    reading = move(
        make_item(kind=ItemKind.INTERPRETATION, title="《资金管理办法》解读", interprets=document),
        Status.APPROVED,
    )
    services.withdraw(actor=people.officer, item=document, reason="内容需要修订")
    with pytest.raises(CatalogueError) as withdrawn:
        services.perform(actor=people.officer, item=reading, action=workflow.PUBLISH)
    assert "尚未发布（或已撤回）" in " ".join(withdrawn.value.messages)
    document.refresh_from_db()
    assert document.withdrawn_on == datetime.date(2026, 6, 15)  # the day of the withdrawal (pinned)
    again = move(make_item(title="甲县财政局资金管理办法（修订）"), Status.PUBLISHED)
    # (Approved entries cannot be edited; the link is set directly for the test.)
    reading.interprets = again
    reading.save(update_fields=["interprets"])
    published = services.perform(actor=people.officer, item=reading, action=workflow.PUBLISH)
    assert published.status == Status.PUBLISHED
