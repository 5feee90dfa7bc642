"""Issue 15 in Debian's Chromium (headless), under the site's strict Content-Security-Policy:

* the officer's import workspace (``/manage/catalogue/import/``): a small CSV with one bad row is uploaded,
  the preview job's page lists the row's error in Chinese, the officer confirms with "跳过有错误的行", the
  import job finishes and the entries are in the officer's list;
* the public side: the front page ``/``, the cross-agency search ``/gk/search/`` with a 文号 typed exactly
  (its entry first, the 文号 marked, though newer entries with similar numbers exist) and an agency's 年报
  page (each year with its deadline and whether it came out on time).

Every page is watched as :mod:`tests.browser.test_csp_in_browser` does: a CSP violation (console message or
``securitypolicyviolation`` event), a script error or a failed load fails the test. Jobs run as the other
browser tests run them: on commit (the test settings' immediate backend), else by ``run_pending()``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, expect

from gongkai.agencies.models import Role
from gongkai.catalogue.imports.rows import COLUMNS
from gongkai.catalogue.models import Category, ImportRecord, Item, Status
from gongkai.jobs.models import Job, JobStatus
from gongkai.jobs.services import run_pending
from tests.annual.factories import publish
from tests.browser.chromium import NEEDS_CHROMIUM
from tests.browser.test_case_walkthrough import log_in, person
from tests.browser.test_csp_in_browser import Watcher, new_page
from tests.catalogue.public_factories import make_item
from tests.conftest import Tree

pytestmark = [NEEDS_CHROMIUM]

#: 20 February 2026: the departments' reports on 2025 were due on 31 January.
TODAY = datetime.date(2026, 2, 20)
EXACT = "示自然资规〔2026〕7号"


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    moment = datetime.datetime.combine(TODAY, datetime.time(15), tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))
    return TODAY


def catalogue_csv() -> bytes:
    """Four rows in GBK, as Excel for Chinese Windows saves them; line 3 has no title."""
    rows = []
    for n in range(1, 5):
        cells = dict.fromkeys(COLUMNS, "")
        cells.update(
            {
                "索引号": f"000014349/2025-{n:05d}",
                "标题": "" if n == 2 else f"甲县财政局关于第{n}批惠农补贴资金的公示",
                "文号": f"甲财〔2025〕{n}号",
                "发布日期": f"2025年3月{n}日",
                "有效性": "现行有效",
                "主题分类": "综合政务",
                "正文": f"<p>第{n}批惠农补贴资金已拨付到位。</p>",
            }
        )
        rows.append([cells[c] for c in COLUMNS])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("gb18030")


def finished(kind: str, *, dry_run: bool) -> Job:
    """The newest import job of ``kind``, run if a worker has not run it yet."""
    run_pending()
    job = Job.objects.filter(kind=kind, params__dry_run=dry_run).order_by("-created_at").first()
    assert job is not None and job.status == JobStatus.SUCCEEDED, job and job.error
    return job


@pytest.mark.django_db(transaction=True)
def test_import_a_csv_with_a_bad_row_in_the_workspace(
    browser: Browser, live_server: Any, tree: Tree, pinned_today: datetime.date
) -> None:
    base = live_server.url
    person("linxh", "林", "晓红", tree, Role.INFORMATION_OFFICER)
    # The migrations' categories are gone after an earlier transactional test flushed the tables.
    Category.objects.get_or_create(name="综合政务", defaults={"order": 2})
    page = log_in(browser, base, "linxh")
    watcher = Watcher(page)

    watcher.visit(f"{base}/manage/catalogue/import/")
    upload: FilePayload = {"name": "目录.csv", "mimeType": "text/csv", "buffer": catalogue_csv()}
    page.get_by_label(re.compile(r"^目录表格")).set_input_files(files=[upload])
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("heading", name=re.compile("^导入预览"))).to_be_visible()
    preview = finished("catalogue.import_sheet", dry_run=True)
    page.reload()
    watcher.check()
    # The bad row, with its error in Chinese; nothing imported yet.
    bad = page.get_by_role("row", name=re.compile("第 3 行"))
    expect(bad).to_contain_text("“标题”不能为空")
    expect(page.get_by_role("alert")).to_contain_text("有 1 行有错误")
    assert Item.objects.count() == 0

    page.get_by_label("跳过有错误的行，导入其余各行").check()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", name=re.compile("^导入结果"))).to_be_visible()
    job = finished("catalogue.import_sheet", dry_run=False)
    assert job.pk != preview.pk
    page.reload()
    watcher.check()
    expect(page.locator("section li", has_text="新增并发布")).to_have_text("新增并发布：3")
    assert ImportRecord.objects.filter(job=job.pk, outcome="created").count() == 3
    assert Item.objects.filter(status=Status.PUBLISHED).count() == 3

    # The entries are in the officer's list, with their numbers as they were published.
    watcher.visit(f"{base}/manage/catalogue/")
    for n in (1, 3, 4):
        expect(page.get_by_role("link", name=f"甲县财政局关于第{n}批惠农补贴资金的公示")).to_be_visible()
    expect(page.get_by_text("甲县财政局关于第2批惠农补贴资金的公示")).to_have_count(0)
    assert watcher.problems == []


@pytest.mark.django_db(transaction=True)
def test_front_page_search_by_doc_number_and_the_annual_report_page(
    browser: Browser, live_server: Any, tree: Tree, pinned_today: datetime.date
) -> None:
    base = live_server.url
    land = tree.county_a_finance
    wanted = make_item(
        land,
        "示范县自然资源局关于规范农村宅基地审批的通知",
        doc_number=EXACT,
        published_on=TODAY.replace(day=2),
    )
    # Newer entries whose numbers share the digits: newest-first would put them on top.
    for number, day in (
        ("示自然资规〔2026〕17号", 10),
        ("示自然资规〔2026〕6号", 11),
        ("示自然资〔2026〕7号", 12),
    ):
        make_item(
            land, f"示范县自然资源局第{number}文件", doc_number=number, published_on=TODAY.replace(day=day)
        )
    make_item(tree.county_b, "乙县关于做好春耕工作的通知", published_on=TODAY.replace(day=5))
    publish(land, 2024, datetime.date(2025, 1, 20))
    page, watcher = new_page(browser)

    watcher.visit(f"{base}/")
    expect(page.get_by_role("link", name=land.name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=tree.county_b.name, exact=True)).to_be_visible()

    watcher.visit(f"{base}/gk/search/")
    page.get_by_label("关键词").fill(EXACT)
    page.get_by_role("button", name="检索").click()
    expect(page.get_by_role("heading", name="检索结果")).to_be_visible()
    watcher.check()
    first = page.locator("table.gk-list tbody tr").first
    expect(first.get_by_role("link")).to_have_text(wanted.title)
    expect(first.locator("mark")).to_have_text(EXACT)  # the 文号 marked whole
    assert page.locator("table.gk-list tbody tr").count() >= 1

    watcher.visit(f"{base}/gk/{land.short_code}/reports/")
    years = page.locator("table.gk-annual-years tbody tr")
    expect(years.filter(has_text="2025年度")).to_contain_text("逾期未公开")
    expect(years.filter(has_text="2024年度")).to_contain_text("按时公开")
    expect(years.filter(has_text="2024年度").get_by_role("link")).to_have_attribute(
        "href", f"/gk/{land.short_code}/reports/2024/"
    )
    page.context.close()
    assert watcher.problems == []
