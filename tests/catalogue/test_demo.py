"""The demo catalogue: realistic, varied, searchable, and written once (idempotent)."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter

import pytest
from django.test import Client

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.agencies.services import create_agency
from gongkai.catalogue import indexing
from gongkai.catalogue.models import Attachment, DocumentType, Item, ItemKind, Status, Validity
from gongkai.catalogue.public_filters import published_items
from gongkai.core.models import NumberSeries
from gongkai.demo.catalogue import index_prefix, seed_catalogue

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def county() -> Agency:
    return create_agency(
        actor=None,
        name="示范县人民政府",
        short_code="demo-county",
        kind=AgencyKind.GOVERNMENT,
        uscc="11330100MB0000001R",
    )


@pytest.fixture
def bureau(county: Agency) -> Agency:
    return create_agency(
        actor=None,
        name="示范县自然资源局",
        short_code="demo-county-nr",
        kind=AgencyKind.DEPARTMENT,
        parent=county,
    )


@pytest.fixture
def town(county: Agency) -> Agency:
    return create_agency(
        actor=None,
        name="示范县城关镇人民政府",
        short_code="demo-chengguan",
        kind=AgencyKind.TOWNSHIP,
        parent=county,
    )


def test_a_realistic_catalogue(bureau: Agency) -> None:
    made = seed_catalogue(bureau, today=TODAY)
    items = list(Item.objects.filter(agency=bureau))
    assert made == len(items)
    assert 50 <= made <= 75
    published = [i for i in items if i.status == Status.PUBLISHED]
    withdrawn = [i for i in items if i.status == Status.WITHDRAWN]
    assert len(withdrawn) == 2 and all(i.withdrawn_reason for i in withdrawn)
    # Dates: the last two years, written before published.
    for item in items:
        assert item.published_on is not None
        assert TODAY - datetime.timedelta(days=730) <= item.published_on <= TODAY
        assert item.written_on <= item.published_on
    # Index numbers: CODE/YYYY-NNNNN, unique, serials in order of publication within a year.
    numbers = [i.index_number for i in sorted(items, key=lambda i: (i.published_on or TODAY, i.pk))]
    assert all(n and re.fullmatch(r"DEMO-COUNTY-NR/20\d\d-\d{5}", n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    for year in {i.published_on.year for i in items if i.published_on}:
        serials = [int(str(n)[-5:]) for n in numbers if f"/{year}-" in str(n)]
        assert serials == list(range(1, len(serials) + 1))
        assert NumberSeries.objects.get(name="index", agency_id=bureau.pk, year=year).last == len(serials)
    # Variety: kinds, categories, 第二十条 items.
    kinds = Counter(i.kind for i in published)
    assert (
        kinds[ItemKind.LICENSING] >= 5 and kinds[ItemKind.PENALTY] >= 4 and kinds[ItemKind.ENFORCEMENT] >= 1
    )
    assert kinds[ItemKind.INTERPRETATION] >= 3 and kinds[ItemKind.ANNUAL_REPORT] == 2
    assert len({i.category_id for i in published}) >= 5
    assert {1, 2, 3, 5, 6, 7, 12, 13, 14} <= {i.article20_item for i in published}
    # 规范性文件 with 文号 and validity; one repealed; interpretations point at them.
    normative = [i for i in published if i.document_type == DocumentType.NORMATIVE]
    assert len(normative) >= 6
    assert all(re.fullmatch(r"示自然资规〔20\d\d〕\d+号", i.doc_number) for i in normative)
    assert all(i.effective_on for i in normative)
    assert Counter(i.validity for i in normative)[Validity.REPEALED] == 1
    repealed = next(i for i in normative if i.validity == Validity.REPEALED)
    assert repealed.repealed_on and repealed.published_on and repealed.repealed_on > repealed.published_on
    for reading in (i for i in published if i.kind == ItemKind.INTERPRETATION):
        assert reading.interprets is not None and reading.interprets.document_type == DocumentType.NORMATIVE
        assert reading.published_on and reading.interprets.published_on
        assert reading.published_on >= reading.interprets.published_on
    # The OGI rules, the 2025 annual report, budgets with spreadsheets, recruitment with a form.
    rules = [i.title for i in published if i.is_ogi_rule]
    assert "《示范县自然资源局政府信息公开保密审查办法》" in rules
    assert any(i.title == "示范县自然资源局2025年政府信息公开工作年度报告" for i in published)
    assert any("2026年部门预算" in i.title and i.article20_item == 7 for i in published)
    files = Attachment.objects.filter(item__agency=bureau)
    assert {f.kind for f in files} == {"xlsx", "docx"}
    for file in files:
        assert file.size == len(file.read_bytes()) and file.text
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(files.filter(kind="xlsx").first().read_bytes())).active  # type: ignore[union-attr]
    assert sheet is not None and sheet["A2"].value == "项目"
    # No natural person is named in full in a decision (王某某, not 王建国).
    people = [i.title for i in published if re.search(r"（[王李张刘陈赵周]", i.title)]
    assert people and all(re.search(r"（[王李张刘陈赵周]某某", title) for title in people)
    # Bodies are HTML paragraphs, and everything is searchable.
    assert all(i.body.startswith("<p>") for i in items)
    assert indexing.search(published_items().filter(agency=bureau), "保密审查").count() >= 1
    assert indexing.search(published_items().filter(agency=bureau), "地质灾害").count() >= 2


def test_the_index_prefix() -> None:
    assert index_prefix(Agency(short_code="x", uscc="11330100MB0000001R")) == "MB0000001"
    assert index_prefix(Agency(short_code="demo-chengguan", uscc="")) == "DEMO-CHENGGUAN"


def test_idempotent_and_per_agency(county: Agency, bureau: Agency, town: Agency) -> None:
    made = {agency.short_code: seed_catalogue(agency, today=TODAY) for agency in (county, bureau, town)}
    assert all(50 <= n <= 75 for n in made.values()), made
    assert Item.objects.filter(agency=county).first().index_number.startswith("MB0000001/")  # type: ignore[union-attr]
    total = Item.objects.count()
    assert [seed_catalogue(agency, today=TODAY) for agency in (county, bureau, town)] == [0, 0, 0]
    assert Item.objects.count() == total
    titles = set(Item.objects.filter(agency=town).values_list("title", flat=True))
    assert "《示范县城关镇人民政府政府信息公开保密审查办法》" in titles
    assert any("城关镇" in t and "应急预案" in t for t in titles)
    assert any(
        "示范县人民政府" in t for t in Item.objects.filter(agency=county).values_list("title", flat=True)
    )


def test_the_same_today_gives_the_same_catalogue(county: Agency) -> None:
    seed_catalogue(county, today=TODAY)
    first = list(Item.objects.order_by("index_number").values_list("title", "published_on", "doc_number"))
    Attachment.objects.all().delete()
    Item.objects.filter(interprets__isnull=False).delete()
    Item.objects.all().delete()
    NumberSeries.objects.all().delete()
    seed_catalogue(county, today=TODAY)
    again = list(Item.objects.order_by("index_number").values_list("title", "published_on", "doc_number"))
    assert again == first


def test_every_demo_page_renders(client: Client, bureau: Agency) -> None:
    seed_catalogue(bureau, today=TODAY)
    for item in Item.objects.filter(agency=bureau):
        assert client.get(f"/gk/demo-county-nr/items/{item.pk}/").status_code == 200
    for file in Attachment.objects.filter(item__agency=bureau):
        assert client.get(f"/gk/demo-county-nr/items/{file.item_id}/files/{file.pk}/").status_code == 200
    for part in ("", "guide/", "rules/", "catalogue/", "reports/", "apply/", "feed.rss", "feed.atom"):
        assert client.get(f"/gk/demo-county-nr/{part}").status_code == 200
