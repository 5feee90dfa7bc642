"""The public "政府信息公开" column: the agency list, the five parts, the entry page, the guide."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import DocumentType, ItemKind, Status, Validity
from tests.catalogue.public_factories import add_file, category, check_structure, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

CONTACT = {
    "office_name": "甲县人民政府办公室（县政务公开办）",
    "office_address": "甲县人民路1号",
    "office_hours": "工作日 8:30-12:00，14:00-17:30",
    "phone": "0571-88000000",
    "fax": "0571-88000001",
    "website": "https://www.example.org/",
    "email": "gongkai@example.org",
    "postcode": "310000",
}


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_the_agency_list_shows_the_tree_with_published_counts(client: Client, tree: Tree) -> None:
    make_item(tree.county_a, "甲县已发布一")
    make_item(tree.county_a, "甲县已发布二")
    make_item(tree.county_a, "甲县草稿", status=Status.DRAFT)
    make_item(tree.town_a1, "一镇已发布")
    response = client.get("/gk/")
    assert response.status_code == 200
    page = text(response)
    check_structure(page)
    for agency in tree.all():
        assert f'href="/gk/{agency.short_code}/"' in page
    assert re.search(r"甲县人民政府</a>\s*<span[^>]*>（2 条）", page)
    assert re.search(r"甲县一镇人民政府</a>\s*<span[^>]*>（1 条）", page)
    # Nested: each county's own list holds its townships.
    county_a = page.index("甲县人民政府</a>")
    assert county_a < page.index("甲县一镇人民政府") < page.index("甲县二乡人民政府")
    assert re.search(r"甲县人民政府</a>\s*<span[^>]*>[^<]*</span>\s*<ul", page)
    assert "全站共 3 条" in page


def test_the_column_front_page_links_its_five_parts_and_the_latest(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a, "甲县关于做好秋冬季森林防火工作的通知", doc_number="甲政办发〔2025〕3号")
    response = client.get("/gk/county-a/")
    assert response.status_code == 200
    page = text(response)
    check_structure(page)
    for part in ("guide", "rules", "catalogue", "reports", "apply"):
        assert f'href="/gk/county-a/{part}/"' in page
    assert "政府信息公开指南" in page and "依申请公开" in page
    assert entry.index_number and entry.index_number in page
    assert "甲政办发〔2025〕3号" in page
    assert 'href="/gk/county-a/feed.rss"' in page and 'type="application/atom+xml"' in page


def test_unknown_agency_is_404_everywhere(client: Client, tree: Tree) -> None:
    for suffix in ("", "guide/", "rules/", "catalogue/", "reports/", "apply/", "items/1/", "feed.rss"):
        assert client.get(f"/gk/no-such-agency/{suffix}").status_code == 404


def test_every_part_has_one_h1_labelled_fields_and_the_sub_navigation(client: Client, tree: Tree) -> None:
    make_item(tree.county_a)
    for suffix, heading in (
        ("", "甲县人民政府政府信息公开"),
        ("guide/", "甲县人民政府政府信息公开指南"),
        ("rules/", "政府信息公开制度"),
        ("catalogue/", "法定主动公开内容"),
        ("reports/", "政府信息公开年报"),
        ("apply/", "依申请公开"),
    ):
        response = client.get(f"/gk/county-a/{suffix}")
        assert response.status_code == 200, suffix
        page = check_structure(response.content)
        assert page.headings[0] == (1, heading) or (1, heading) in page.headings
        assert 'aria-label="政府信息公开专栏"' in text(response)
        assert text(response).count('aria-current="page"') >= 1


def test_rules_and_reports_list_their_entries_newest_first(client: Client, tree: Tree) -> None:
    make_item(tree.county_a, "《甲县政府信息公开保密审查办法》", is_ogi_rule=True)
    make_item(tree.county_a, "甲县普通通知")
    old = make_item(
        tree.county_a,
        "甲县人民政府2023年政府信息公开工作年度报告",
        kind=ItemKind.ANNUAL_REPORT,
        published_on=datetime.date(2024, 1, 20),
    )
    new = make_item(
        tree.county_a,
        "甲县人民政府2024年政府信息公开工作年度报告",
        kind=ItemKind.ANNUAL_REPORT,
        published_on=datetime.date(2025, 1, 20),
    )
    rules = text(client.get("/gk/county-a/rules/"))
    assert "保密审查办法" in rules and "甲县普通通知" not in rules
    # The 年报 page is built from the annual-report module only (issue 15); the annual reports filed as
    # catalogue entries (e.g. imported from an earlier system) are one link away, in the catalogue.
    reports = text(client.get("/gk/county-a/reports/"))
    assert new.title not in reports and old.title not in reports and "甲县普通通知" not in reports
    assert 'href="/gk/county-a/catalogue/?kind=annual_report"' in reports
    listed = text(client.get("/gk/county-a/catalogue/", {"kind": "annual_report"}))
    assert listed.index(new.title) < listed.index(old.title)


def test_the_apply_part_links_the_online_application(client: Client, tree: Tree) -> None:
    page = text(client.get("/gk/county-a/apply/"))
    assert 'href="/apply/"' in page
    assert 'href="/apply/status/"' in page
    assert "甲县人民政府" in page
    assert "（未提供）" in page  # the agency has no contact data


def test_the_item_page_shows_every_metadata_field(client: Client, tree: Tree) -> None:
    entry = make_item(
        tree.county_a,
        "甲县城乡居民基本医疗保险实施办法",
        doc_number="甲政办发〔2025〕12号",
        document_type=DocumentType.NORMATIVE,
        validity=Validity.IN_FORCE,
        effective_on=datetime.date(2025, 7, 1),
        category=category("卫生、体育"),
        article20_item=1,
        keywords="医疗保险、城乡居民",
        summary="参保范围、筹资标准、待遇支付和经办管理。",
    )
    response = client.get(f"/gk/county-a/items/{entry.pk}/")
    assert response.status_code == 200
    page = text(response)
    check_structure(page)
    for label in (
        "索引号",
        "主题分类",
        "发布机构",
        "成文日期",
        "发布日期",
        "实施日期",
        "废止日期",
        "有效性",
        "文号",
        "关键词",
        "内容概述",
        "第二十条事项",
    ):
        assert f'<th scope="row">{label}</th>' in page, label
    assert entry.index_number and entry.index_number in page
    for value in (
        "卫生、体育",
        "甲县人民政府",
        "2025-06-07",
        "2025-06-10",
        "2025-07-01",
        "现行有效",
        "甲政办发〔2025〕12号",
        "医疗保险、城乡居民",
        "参保范围、筹资标准",
        "第二十条（一）行政法规、规章和规范性文件",
        "各乡镇人民政府：现将有关事项通知如下。",
    ):
        assert value in page, value


def test_a_document_and_its_interpretation_link_each_other(client: Client, tree: Tree) -> None:
    document = make_item(tree.county_a, "甲县促进就业创业补贴实施细则")
    reading = make_item(
        tree.county_a,
        "《甲县促进就业创业补贴实施细则》政策解读",
        kind=ItemKind.INTERPRETATION,
        interprets=document,
    )
    hidden = make_item(
        tree.county_a, "未发布的解读", kind=ItemKind.INTERPRETATION, interprets=document, status=Status.DRAFT
    )
    page = text(client.get(f"/gk/county-a/items/{document.pk}/"))
    assert f'href="/gk/county-a/items/{reading.pk}/"' in page
    assert hidden.title not in page
    page = text(client.get(f"/gk/county-a/items/{reading.pk}/"))
    assert f'href="/gk/county-a/items/{document.pk}/"' in page
    assert "本解读所解读的文件" in page


def test_an_interpretation_of_an_unpublished_document_does_not_reveal_it(client: Client, tree: Tree) -> None:
    draft = make_item(tree.county_a, "尚在起草的文件", status=Status.SUBMITTED)
    reading = make_item(tree.county_a, "解读", kind=ItemKind.INTERPRETATION, interprets=draft)
    page = text(client.get(f"/gk/county-a/items/{reading.pk}/"))
    assert "尚在起草的文件" not in page and f"/items/{draft.pk}/" not in page


def test_an_item_is_only_reachable_under_its_own_agency(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    assert client.get(f"/gk/county-b/items/{entry.pk}/").status_code == 404
    assert client.get(f"/gk/county-a/items/{entry.pk}/").status_code == 200


def test_the_item_page_lists_its_files(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    file = add_file(entry, "甲县2025年部门预算.pdf", b"%PDF-1.4 budget")
    page = text(client.get(f"/gk/county-a/items/{entry.pk}/"))
    assert f'href="/gk/county-a/items/{entry.pk}/files/{file.pk}/"' in page
    assert "甲县2025年部门预算.pdf" in page


def test_the_guide_is_built_from_the_agency_data(client: Client, tree: Tree) -> None:
    Agency.objects.filter(pk=tree.county_a.pk).update(**CONTACT)
    response = client.get("/gk/county-a/guide/")
    assert response.status_code == 200
    page = text(response)
    structure = check_structure(page)
    for value in CONTACT.values():
        assert value in page, value
    assert "（未提供）" not in page
    assert 'href="tel:0571-88000000"' in page and 'href="mailto:gongkai@example.org"' in page
    # 第十二条: classification, arrangement, how to obtain information, the office.
    headings = [heading for _level, heading in structure.headings]
    for heading in (
        "一、主动公开",
        "（二）信息分类与编排体系",
        "二、依申请公开",
        "三、监督和救济",
        "四、政府信息公开工作机构",
    ):
        assert heading in headings, heading
    for fact in (
        "国民经济管理、国有资产监管",  # one of the 22 subject categories
        "（十四）公务员招考的职位、名额、报考条件等事项以及录用结果",  # a 第二十条 item
        "20个工作日内予以答复",
        "最长不超过20个工作日",
        "国办函〔2020〕109号",
        "100 元/件",
        "40 元/页",
        "甲县人民政府的政府信息公开工作机构及联系方式如下",
        "示范市人民政府（上一级行政机关）",  # complaints go to the parent
        "http://testserver/gk/county-a/",  # the column, with the site address
        "http://testserver/apply/",
        "公共图书馆",
        "政府公报",
        "六十日内申请行政复议",
    ):
        assert fact in page or fact in page.replace("&quot;", '"'), fact


def test_missing_contact_data_prints_not_provided(client: Client, tree: Tree) -> None:
    Agency.objects.filter(pk=tree.county_a.pk).update(office_name="甲县政务公开办", phone="0571-1")
    page = text(client.get("/gk/county-a/guide/"))
    contacts = page[page.index('id="office"') :]
    assert "甲县政务公开办" in contacts and "0571-1" in contacts
    for label in ("办公地址", "邮政编码", "办公时间", "传真号码", "电子邮箱", "网站"):
        assert re.search(rf"<dt>{label}</dt><dd>（未提供）</dd>", contacts), label
    assert not re.search(r"<dd>\s*</dd>", contacts)


def test_english_interface_translates_nothing_it_cannot_and_still_works(client: Client, tree: Tree) -> None:
    client.cookies["django_language"] = "en"
    make_item(tree.county_a)
    for suffix in ("", "guide/", "catalogue/?year=abc"):
        assert client.get(f"/gk/county-a/{suffix}").status_code == 200


def test_base_navigation_links_the_column(client: Client, tree: Tree) -> None:
    page = text(client.get("/gk/"))
    assert '<a href="/gk/">政府信息公开</a>' in page


def test_pages_answer_get_and_head_only(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    assert client.head(f"/gk/county-a/items/{entry.pk}/").status_code == 200
    assert client.post(f"/gk/county-a/items/{entry.pk}/").status_code == 405
    assert client.post("/gk/county-a/catalogue/").status_code == 405


def test_page_query_counts_do_not_grow_with_the_catalogue(
    client: Client, tree: Tree, django_assert_max_num_queries: object, settings: Any
) -> None:
    # The views' own queries: the page cache (its version, its read and write) is counted in
    # tests/catalogue/test_page_cache.py.
    settings.GONGKAI_PAGE_CACHE = False
    document = make_item(tree.county_a, "文件", category=category(), article20_item=1)
    for n in range(45):
        entry = make_item(
            tree.county_a,
            f"信息{n}",
            category=category("财政、金融、审计" if n % 2 else "综合政务"),
            article20_item=n % 15 + 1,
            kind=ItemKind.INTERPRETATION if n % 5 == 0 else ItemKind.INFORMATION,
            interprets=document if n % 5 == 0 else None,
            published_on=datetime.date(2024 + n % 2, 3, 1),
        )
        add_file(entry)
    make_item(tree.county_b, "乙县信息")
    # Pages with cached counts also pay the shared (database) cache: a read, and on a miss its write.
    limits = {
        "/gk/": 9,
        "/gk/county-a/": 5,
        "/gk/county-a/guide/": 4,
        "/gk/county-a/rules/": 4,
        "/gk/county-a/reports/": 4,
        "/gk/county-a/apply/": 2,
        "/gk/county-a/catalogue/": 15,
        "/gk/county-a/catalogue/?q=信息&year=2025&category=1&page=2": 11,
        f"/gk/county-a/items/{document.pk}/": 4,
        "/gk/county-a/feed.rss": 3,
        "/gk/api/items/?page_size=100": 7,
        "/gk/api/agencies/": 9,
        f"/gk/api/items/{document.pk}/": 4,
    }
    for url, limit in limits.items():
        with django_assert_max_num_queries(limit):  # type: ignore[operator]
            assert client.get(url).status_code == 200, url


def test_agency_counts_follow_publication_and_withdrawal(client: Client, tree: Tree) -> None:
    def count() -> str:
        match = re.search(r"甲县人民政府</a>\s*<span[^>]*>（(\d+) 条）", text(client.get("/gk/")))
        assert match
        return match.group(1)

    draft = make_item(tree.county_a, status=Status.DRAFT)
    assert count() == "0"
    draft.status, draft.index_number, draft.published_on = (
        Status.PUBLISHED,
        "X/2025-00001",
        datetime.date(2025, 6, 1),
    )
    draft.save()
    assert count() == "1"
    draft.status = Status.WITHDRAWN
    draft.save()
    assert count() == "0"
