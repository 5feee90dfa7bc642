"""One case walked through in Debian's Chromium (headless), as its users click it (issue 11's "done when"):

1. a person whose 身份证号 carries a merged district's code (上城区 330102, born 1980) applies at /apply/;
2. the officer logs in, finds the case in the queue and corrects the applicant type (更正登记信息) with a
   reason, confirming on the confirmation page;
3. the agency's sign-off setting says answers need the head's approval (D15): the officer submits the
   answer, the head returns it with a reason, the officer fixes it and resubmits, the head approves and
   the 答复书 is issued;
4. the officer records its delivery by post (邮寄) with a tracking number (D16): no longer 待送达;
5. the officer exports the case file (.zip) through the browser and it holds the cover and the letters;
6. the statistics count the case (received 1, answered 1, on time) and the audit log, read by the head,
   shows the correction, the approval steps, the delivery and the export.

Each person logs in through the login page in a browser context of their own. The site's "today" is
pinned and moved forward between steps (all in 2026, a year of the built-in calendar), so the test passes
whatever the real date.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from gongkai.agencies.models import ExtensionConsent, Role, SignOff
from gongkai.agencies.services import add_membership, set_signoff_policy
from gongkai.applications.clock import fmt
from gongkai.core.actors import display_name
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import resident_id, uscc
from tests.browser.chromium import NEEDS_CHROMIUM
from tests.conftest import Tree

pytestmark = [NEEDS_CHROMIUM]
PASSWORD = "Walkthrough-2026!"
AGENCY_LABEL = "示范市人民政府 › 甲县人民政府 › 甲县财政局"
DESCRIPTION = "甲县财政局2025年度部门决算及“三公”经费支出情况"
#: 330102 is 上城区 as merged in 2021; a number issued there to a person born in 1980 is valid (D14).
MERGED_DISTRICT_ID = resident_id(1, birth="19800101", region="330102")
TRACKING_NUMBER = "EMS1234567890CN"

#: The days of the walk-through (Monday 1 June to Monday 8 June 2026: working days of the built-in year).
APPLIED = datetime.date(2026, 6, 1)
WORKED = datetime.date(2026, 6, 2)
RETURNED = datetime.date(2026, 6, 3)
APPROVED = datetime.date(2026, 6, 4)
DELIVERED = datetime.date(2026, 6, 5)
REVIEWED = datetime.date(2026, 6, 8)


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """``set_today(day)``: from now on the site's clock says 15:00 on ``day`` in Beijing."""

    def pin(day: datetime.date) -> None:
        moment = datetime.datetime.combine(day, datetime.time(15), tzinfo=ZoneInfo(settings.TIME_ZONE))
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))

    return pin


def person(username: str, family: str, given: str, tree: Tree, role: Role) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, last_name=family, first_name=given)
    add_membership(actor=None, user=user, agency=tree.county_a_finance, role=role)
    return user


def log_in(browser: Browser, base: str, username: str) -> Page:
    """A browser context of its own for ``username``, logged in through the login page."""
    page = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    ).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    user = User.objects.get(username=username)
    expect(page.get_by_role("button", name=f"退出登录（{display_name(user)}）")).to_be_visible()
    return page


def field(page: Page, label: str) -> Any:
    """A form field by its label, followed or not by the required mark "*"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def applicant_type(page: Page) -> Any:
    """The 申请人类型 shown in the case page's 申请人 section."""
    section = page.get_by_role("region", name="申请人", exact=True)
    return section.locator("div").filter(has=page.get_by_text("申请人类型", exact=True)).locator("dd")


def timeline_row(page: Page, kind: str) -> Any:
    return page.locator("table.case-timeline tbody tr").filter(
        has=page.get_by_role("cell", name=kind, exact=True)
    )


def submit_answer(page: Page, how_to_obtain: str) -> None:
    """On the case page: fill in 作出答复 (予以公开) and confirm its submission for approval."""
    page.locator("#action-answer summary").click()
    form = page.locator("#action-answer form")
    form.get_by_label("答复类型").select_option("granted")
    form.get_by_label("获取信息的方式、途径").fill(how_to_obtain)
    form.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name=re.compile("^提交负责人审批：作出答复：申请 "))).to_be_visible()
    expect(page.get_by_text("同意后才出具答复书，答复日期为审批同意之日", exact=False)).to_be_visible()
    expect(page.locator("pre.case-letter")).to_contain_text(how_to_obtain)
    page.get_by_role("button", name="确定提交负责人审批：作出答复").click()
    expect(page.get_by_text("已提交负责人审批：作出答复。")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_one_case_from_the_online_application_to_the_audit_log(
    browser: Browser, live_server: Any, tree: Tree, set_today: Callable[[datetime.date], None]
) -> None:
    base = live_server.url
    person("liming", "李", "明", tree, Role.INFORMATION_OFFICER)
    head = person("zhaogang", "赵", "刚", tree, Role.OFFICE_HEAD)
    # The agency's setting: answers need the head's approval (D15), set by the head through the service.
    set_signoff_policy(
        actor=head,
        agency=tree.county_a_finance,
        answers=SignOff.HEAD,
        extensions=ExtensionConsent.ON_PAPER,
        annual_report=SignOff.OFFICER,
    )

    # 1. The application, online, by a person whose number carries a merged district's code.
    set_today(APPLIED)
    public = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    public.goto(f"{base}/apply/")
    expect(public.get_by_role("heading", name="在线申请政府信息公开")).to_be_visible()
    public.get_by_label("受理机关").select_option(label=AGENCY_LABEL)
    public.get_by_label("申请人类型").select_option("natural_person")
    public.get_by_label("姓名或名称").fill("王五")
    public.get_by_label("身份证明类型").select_option("resident_id")
    public.get_by_label("证件号码").fill(MERGED_DISTRICT_ID)
    public.get_by_label("联系电话").fill("138 0013 8000")
    public.get_by_label("所需政府信息的描述").fill(DESCRIPTION)
    public.get_by_label("获取信息的方式").select_option("online")
    public.get_by_label(re.compile("仅用于办理本次政府信息公开申请")).check()
    public.get_by_role("button", name="提交申请").click()
    expect(public.get_by_role("heading", name="申请已提交")).to_be_visible()
    due = current_calendar().add_working_days(APPLIED, 20)
    expect(public.locator("#due-date")).to_have_text(fmt(due))
    code = public.locator("#tracking-code").inner_text().strip()
    public.context.close()

    # 2. The officer finds the case in the queue and corrects the applicant type.
    set_today(WORKED)
    page = log_in(browser, base, "liming")
    page.get_by_role("link", name="案件办理").click()
    expect(page.get_by_role("heading", name="政府信息公开申请")).to_be_visible()
    row = page.locator("tr").filter(has_text=DESCRIPTION[:20])
    expect(row).to_contain_text("王五")
    expect(row).to_contain_text("自然人")
    expect(row).to_contain_text(due.isoformat())
    row.get_by_role("link").first.click()
    heading = page.get_by_role("heading", name=re.compile(r"^申请 "))
    expect(heading).to_be_visible()
    reference = heading.inner_text().removeprefix("申请 ").strip()
    expect(page.get_by_text(code)).to_be_visible()
    expect(applicant_type(page)).to_have_text("自然人")

    page.get_by_role("link", name=re.compile("^更正登记信息")).click()
    expect(page.get_by_role("heading", name=f"更正登记信息：申请 {reference}")).to_be_visible()
    # The applicant applied in her own name for the law firm she works at: a 法律服务机构 identified by
    # its 统一社会信用代码, with her as the contact person (an organisation needs one).
    field(page, "申请人类型").select_option("legal_service")
    field(page, "申请人姓名或名称").fill("示范律师事务所")
    field(page, "身份证明类型").select_option("uscc")
    field(page, "证件号码").fill(uscc(7))
    field(page, "联系人").fill("王五")
    reason = "申请人来电说明系代表所在律师事务所申请，并提交了律师事务所执业许可证复印件。"
    field(page, "更正原因").fill(reason)
    page.get_by_role("button", name="下一步：核对更正内容").click()

    expect(page.get_by_role("heading", name=f"更正登记信息：申请 {reference}")).to_be_visible()
    changes = page.get_by_role("table", name="更正内容")
    type_row = changes.get_by_role("row").filter(has=page.get_by_role("rowheader", name="申请人类型"))
    expect(type_row).to_contain_text("自然人")
    expect(type_row).to_contain_text("法律服务机构")
    expect(page.get_by_text(reason)).to_be_visible()
    page.get_by_role("button", name="确认更正").click()

    expect(page.get_by_role("heading", name=f"申请 {reference}")).to_be_visible()
    expect(applicant_type(page)).to_have_text("法律服务机构")
    corrected = timeline_row(page, "更正登记信息")
    expect(corrected).to_have_count(1)
    expect(corrected).to_contain_text("法律服务机构")
    expect(corrected).to_contain_text(reason)

    # 3. The answer needs the head's approval: submitted, returned with a reason, fixed, approved.
    first_text = "请登录甲县人民政府门户网站查阅。"
    submit_answer(page, first_text)
    expect(page.locator(".case-flag--approval")).to_be_visible()
    expect(page.get_by_text("作出答复：待负责人审批（李明 提交）", exact=False)).to_be_visible()
    expect(timeline_row(page, "提交负责人审批")).to_have_count(1)

    set_today(RETURNED)
    boss = log_in(browser, base, "zhaogang")
    boss.get_by_role("link", name="案件办理").click()
    awaiting = boss.get_by_role("region", name="待我审批")
    expect(awaiting).to_contain_text(reference)
    awaiting.get_by_role("link").first.click()
    expect(boss.get_by_role("heading", name=f"负责人审批：作出答复（申请 {reference}）")).to_be_visible()
    expect(boss.locator("pre.case-letter")).to_contain_text(first_text)
    return_reason = "请写明网站上的具体栏目，以便申请人查找。"
    boss.get_by_label("退回理由").fill(return_reason)
    boss.get_by_role("button", name="退回经办人修改").click()
    expect(boss.get_by_text("已退回经办人修改，退回理由已记入办理记录。")).to_be_visible()

    page.reload()
    expect(page.get_by_text("作出答复：负责人 赵刚 于 2026-06-03 退回修改。")).to_be_visible()
    expect(page.get_by_text(return_reason).first).to_be_visible()
    expect(page.locator(".case-flag--approval")).to_have_count(0)
    expect(timeline_row(page, "负责人退回修改")).to_contain_text(return_reason)
    fixed_text = "请登录甲县人民政府门户网站“政府信息公开—财政信息—部门决算”栏目查阅。"
    submit_answer(page, fixed_text)

    set_today(APPROVED)
    boss.get_by_role("link", name="案件办理").click()
    boss.get_by_role("region", name="待我审批").get_by_role("link").first.click()
    expect(boss.locator("pre.case-letter")).to_contain_text(fixed_text)
    boss.get_by_role("button", name="同意（下一步确认）").click()
    expect(boss.get_by_role("heading", name=f"确认同意：作出答复（申请 {reference}）")).to_be_visible()
    boss.get_by_role("button", name="确定同意").click()
    expect(boss.get_by_text("已审批同意：作出答复。")).to_be_visible()
    expect(boss.get_by_role("heading", name=f"申请 {reference}")).to_be_visible()

    page.reload()
    expect(page.locator(".case-summary")).to_contain_text("予以公开（2026-06-04）")
    letters = page.get_by_role("region", name="文书", exact=True)
    answer_letter = letters.get_by_role("row").filter(has_text="答复书")
    expect(answer_letter).to_have_count(1)
    expect(answer_letter).to_contain_text("2026-06-04")  # dated the day the head approved it (D15)
    expect(timeline_row(page, "负责人审批同意")).to_have_count(1)
    expect(timeline_row(page, "作出答复")).to_contain_text(fixed_text)
    case_file = page.locator("#case-file")
    expect(case_file.get_by_role("heading", name="案卷 待送达", exact=True)).to_be_visible()
    expect(case_file.get_by_text("答复书尚未登记送达。")).to_be_visible()

    # 4. The answer letter is delivered by post, with its tracking number.
    set_today(DELIVERED)
    page.reload()
    case_file.locator("summary", has_text="登记送达").click()
    delivery = case_file.locator("form[action$='/deliveries/']")
    which = delivery.get_by_label("文书")
    which.select_option(label=which.locator("option", has_text="答复书").inner_text().strip())
    delivery.get_by_label("送达方式").select_option("post")
    delivery.get_by_label("送达日期").fill(DELIVERED.isoformat())
    delivery.get_by_label("邮件单号").fill(TRACKING_NUMBER)
    delivery.get_by_label("签收人或收件地址").fill("王五")
    delivery.get_by_role("button", name="登记送达").click()
    # The case is no longer 待送达 (the flag is the answer letter's, D16); the answer's row shows the post.
    expect(case_file.get_by_role("heading", name="案卷", exact=True)).to_be_visible()
    expect(case_file.get_by_text("答复书尚未登记送达。")).to_have_count(0)
    delivered = case_file.get_by_role("region", name="文书送达").get_by_role("row").filter(has_text="答复书")
    expect(delivered).to_contain_text(f"2026-06-05 邮寄（邮件单号 {TRACKING_NUMBER}），王五")
    expect(delivered).not_to_contain_text("待送达")
    # Two deliveries on the timeline: the online receipt (on the submission page, by the system), the post.
    expect(timeline_row(page, "登记送达")).to_have_count(2)
    expect(timeline_row(page, "登记送达").filter(has_text=TRACKING_NUMBER)).to_have_count(1)

    # 5. The case file, downloaded through the browser.
    set_today(REVIEWED)
    page.reload()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="导出案卷（.zip）").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        manifest_name = next(n for n in names if n.endswith("/manifest.csv"))
        manifest = list(csv.reader(io.StringIO(archive.read(manifest_name).decode("utf-8-sig"))))
        contents = {name: archive.read(name) for name in names}
    listed = {line[0]: line for line in manifest[1:]}
    # The manifest lists every other member, with its size and SHA-256.
    assert set(listed) == set(names) - {manifest_name}
    for name, (_path, size, sha256, _what) in listed.items():
        assert int(size) == len(contents[name])
        assert sha256 == hashlib.sha256(contents[name]).hexdigest()
    letters_listed = [listed[p][3] for p in sorted(listed) if "/文书/" in p]
    assert letters_listed == [
        "政府信息公开申请接收回执 甲县财政局依申请公开〔2026〕1号",
        "政府信息公开申请答复书 甲县财政局依申请公开〔2026〕2号",
    ]
    cover_name = next(n for n in listed if n.endswith("封面与办理记录.html"))
    cover = contents[cover_name].decode("utf-8")
    assert reference in cover and "示范律师事务所" in cover and "更正登记信息" in cover
    assert TRACKING_NUMBER in cover

    # 6. The statistics and the audit log.
    # The officer's only agency: 办理统计 opens its page; the year is chosen on it.
    page.get_by_role("link", name="办理统计").click()
    expect(page.get_by_role("heading", name=re.compile("^甲县财政局.*年办理统计$"))).to_be_visible()
    page.get_by_label("年度", exact=True).select_option("2026")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(r"/stats/county-a-finance/\?year=2026$"))
    expect(page.get_by_role("heading", name="甲县财政局2026年办理统计")).to_be_visible()
    summary = page.get_by_label("主要数据")

    def figure(label: str) -> Any:
        return summary.locator("div").filter(has=page.get_by_text(label, exact=True)).locator("dd")

    expect(figure("收到申请")).to_have_text("1")
    expect(figure("办结（含撤回）")).to_have_text("1")
    expect(figure("按期答复 / 逾期答复")).to_have_text("1 / 0")
    expect(figure("按期答复率")).to_have_text("100.0%")
    # Received 1 June, answered 4 June (the approval day): 2, 3 and 4 June are 3 working days.
    expect(figure("答复用时中位数（工作日）")).to_have_text("3")
    expect(figure("当前逾期未答复")).to_have_text("0")

    def count(caption: str, label: str) -> Any:
        table = page.get_by_role("table", name=caption)
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label, exact=True))
        return row.get_by_role("cell")

    expect(count("按提交方式", "网上申请平台")).to_have_text("1")
    # The corrected applicant type is the one counted (D18).
    expect(count("按申请人类型", "法律服务机构")).to_have_text("1")
    expect(count("按申请人类型", "自然人")).to_have_text("0")
    expect(count("按办理结果", "予以公开")).to_have_text("1")

    boss.get_by_role("link", name="审计日志").click()
    expect(boss.get_by_role("heading", name="审计日志")).to_be_visible()
    log = boss.locator("table.cases-queue tbody")
    for what, who in (
        ("更正申请信息", "李明"),
        ("提交负责人审批", "李明"),
        ("负责人退回修改", "赵刚"),
        ("负责人审批同意", "赵刚"),
        ("登记送达", "李明"),
        ("导出案卷", "李明"),
    ):
        rows = log.get_by_role("row").filter(has=boss.get_by_role("cell", name=what, exact=True))
        expect(rows.first).to_be_visible()
        expect(rows.first).to_contain_text(who)
        expect(rows.first).to_contain_text(reference)
    submitted = log.get_by_role("row").filter(has=boss.get_by_role("cell", name="提交负责人审批", exact=True))
    expect(submitted).to_have_count(2)
    body = boss.locator("body").inner_text()
    assert MERGED_DISTRICT_ID not in body
