"""The crawl of an agency's existing public column (``catalogue.crawl``; issue 15 item 1), against the
local test column of :mod:`tests.support.catalogue_site`: entries over 10 list pages, attachments, an entry
with a 身份证 number (held as a draft for review): the issue's 200 entries (20 a page). The other tests use
a column of 60 entries (6 a page)."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.catalogue import jobs as catalogue_jobs
from gongkai.catalogue.imports import crawl
from gongkai.catalogue.models import Attachment, ImportRecord, Item, Status
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job, JobStatus
from tests.catalogue.conftest import People
from tests.support.catalogue_site import HELD_ENTRY, CatalogueSite

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def site() -> Iterator[CatalogueSite]:
    with CatalogueSite(entries=60, per_page=6) as served:
        yield served


@pytest.fixture(autouse=True)
def _local_fetching(settings: Any) -> None:
    settings.GONGKAI_FETCH_ALLOW_PRIVATE = True  # the test site is on 127.0.0.1
    settings.GONGKAI_FETCH_MIN_INTERVAL = 0.0
    settings.GONGKAI_FETCH_TIMEOUT = 5.0
    settings.GONGKAI_FETCH_RETRIES = 0


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("catalogue", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_crawl_of_200_entries(tmp_path: Path, people: People, today: datetime.date) -> None:
    with CatalogueSite(entries=200, per_page=20) as big:
        check_crawl(tmp_path, big, people)


def check_crawl(tmp_path: Path, site: CatalogueSite, people: People) -> None:
    total = len(site.entries)
    config = tmp_path / "column.json"
    config.write_text(json.dumps(site.config()), encoding="utf-8")
    code = people.agency.short_code

    status, out, _err = run("crawl", str(config), "--agency", code, "--dry-run", "--limit", "5")
    assert status == 0, out
    assert Item.objects.count() == 0 and out.count("新增") >= 5

    site.requests.clear()
    status, out, err = run("crawl", str(config), "--agency", code)
    assert status == 0, out + err
    assert Item.objects.count() == total
    assert sum(1 for p in site.requests if p.startswith("/col/index")) == 10
    assert "/robots.txt" in site.requests
    assert not any("sqb.doc" in p for p in site.requests)  # the sidebar's form is no attachment
    entry = site.entries[41 % total]
    item = Item.objects.get(index_number=entry.index_number)
    assert item.status == Status.PUBLISHED and item.title == entry.title
    assert item.written_on == entry.written_on and item.published_on == entry.published_on
    assert item.doc_number == entry.doc_number and item.validity == "in_force"
    assert item.category is not None and item.category.name == "城乡建设、环境保护"
    assert f"现将第{entry.number}号通知印发给你们" in item.body
    held = Item.objects.get(index_number=site.entries[HELD_ENTRY - 1].index_number)
    assert held.status == Status.DRAFT
    record = ImportRecord.objects.get(item=held, dry_run=False)
    assert record.outcome == "held" and record.hits and "*" in json.dumps(record.hits, ensure_ascii=False)
    assert Attachment.objects.count() == total // 20
    assert "Land approval form 20" in Attachment.objects.get(filename="用地审批表20.pdf").text

    status, out, _err = run("crawl", str(config), "--agency", code, "--json")
    assert status == 0
    assert {row["outcome"] for row in json.loads(out)["rows"]} == {"unchanged"}
    assert Item.objects.count() == total


def test_resumed_crawl_makes_no_duplicates(
    site: CatalogueSite, people: People, today: datetime.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-crawl: the next attempt skips the entries whose batch's step is done."""
    monkeypatch.setattr(catalogue_jobs, "BATCH_ROWS", 10)
    config = site.config(max_pages=5)  # 30 entries
    job = jobs.start(
        "catalogue.crawl",
        actor=people.officer,
        agency=people.agency,
        params={"config": crawl.parse_config(config).to_json(), "dry_run": False},
        run_now=True,
    )
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Item.objects.count() == 30
    assert sorted(job.steps.filter(key__startswith="rows:").values_list("key", flat=True)) == [
        "rows:1-10",
        "rows:11-20",
        "rows:21-30",
    ]
    # As if the worker had died after the first 20 entries: their batches' steps stay, the rest is undone.
    job.steps.filter(key="rows:21-30").delete()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    from gongkai.jobs import runner

    assert runner.execute(job.pk) == JobStatus.SUCCEEDED
    assert Item.objects.count() == 30
    assert ImportRecord.objects.filter(job=job.pk).count() == 30
    # The first 20 were not done again; the other 10 were, and found their entries (no duplicates).
    assert ImportRecord.objects.filter(job=job.pk, outcome="created").count() == 20
    assert ImportRecord.objects.filter(job=job.pk, outcome="unchanged").count() == 10


def test_crawl_refuses_without_rights(site: CatalogueSite, people: People, today: datetime.date) -> None:
    job = jobs.start(
        "catalogue.crawl",
        actor=people.reviewer,
        agency=people.agency,
        params={"config": site.config(max_pages=1), "dry_run": True, "limit": 3},
        run_now=True,
    )
    assert job.status == JobStatus.FAILED and Item.objects.count() == 0


def test_config_errors_are_chinese() -> None:
    with pytest.raises(crawl.ConfigError) as error:
        crawl.parse_config({"start_url": "ftp://x", "list_links": "a"})
    assert "http://" in error.value.message.params["reason"].template
    with pytest.raises(crawl.ConfigError):
        crawl.parse_config({"start_url": "http://x/", "list_links": "a[[["})


@pytest.mark.parametrize(
    ("selector", "xpath"),
    [
        ("ul.list li > a", ".//ul[contains(concat(' ', normalize-space(@class), ' '), ' list ')]//li/a"),
        ("#main", ".//*[@id='main']"),
        ("a[href]", ".//a[@href]"),
        ("//table", "//table"),
    ],
)
def test_selectors(selector: str, xpath: str) -> None:
    assert crawl.to_xpath(selector) == xpath


def test_index_table_cells_in_several_layouts() -> None:
    page = (
        "<html><body><ul class='meta'><li>索引号：<span>A/2020-00001</span></li>"
        "<li><b>发文字号:</b> 示政〔2020〕1号</li><li>公开日期：2020-03-04</li></ul>"
        "<h1>示范县人民政府关于印发某办法的通知</h1><div class='c'><p>正文第一段</p></div></body></html>"
    ).encode()
    config = crawl.parse_config({"start_url": "http://x/", "list_links": "a", "body": "div.c"})
    entry = crawl.detail_page(page, "text/html; charset=utf-8", "http://x/t1.html", config)
    assert entry.cells["索引号"] == "A/2020-00001"
    assert entry.cells["文号"] == "示政〔2020〕1号"
    assert entry.cells["发布日期"] == "2020-03-04"
    assert entry.cells["标题"] == "示范县人民政府关于印发某办法的通知"
    assert entry.cells["正文"] == "<p>正文第一段</p>"
