"""One catalogue entry written and published in Debian's Chromium (headless), as its users click it (issue
15's "done when"):

1. the officer writes the body in the editor by pasting formatted content from Word (clipboard HTML:
   heading, bold, a numbered list, a table, a link, Word's styles and a script) — under the strict CSP,
   without a violation or a script error — and saves: the structure is kept, the styles and script gone;
2. attaches an old Word document (.doc, made here by LibreOffice from a .docx, as an office still sending
   .doc files makes them) holding a 身份证号 on its first page and other text on its second; its reading job
   runs (the .doc converted by LibreOffice and read);
3. submits and is stopped: the hit is listed (masked) at submission;
4. redacts it in the attachment (在附件中涂黑): a confirmation page says the file will become a PDF; once
   confirmed the redaction job runs (a worker would: ``run_pending``), the file is read again and the hit
   is gone;
5. submits; the reviewer passes the review with "不涉及…个人隐私" (now true), the leader approves, the
   officer publishes;
6. the public file is a PDF (补贴名单.pdf) of two pages: the text layer holds no number (page 1, redacted, is
   an image without text; page 2 keeps its text), and OCR of page 1 (tesseract, when installed) reads the
   words around the box but not the number.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pdfplumber
import pypdfium2  # type: ignore[import-untyped]
import pytesseract  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, Page, expect

from gongkai.agencies.models import Role
from gongkai.catalogue.models import Category, Item, Status
from gongkai.documents import ocr, office
from gongkai.jobs.services import run_pending
from tests.browser.chromium import NEEDS_CHROMIUM
from tests.browser.test_case_walkthrough import log_in, person
from tests.catalogue.conftest import doc_bytes, resident_id
from tests.conftest import Tree

pytestmark = [
    NEEDS_CHROMIUM,
    pytest.mark.skipif(office.program() is None, reason="LibreOffice is not installed"),
]
#: LibreOffice converts in the requests of this test (the jobs run at once under the test settings).
SLOW = 120_000

WORD = (Path(__file__).parent.parent / "fixtures" / "word_paste.html").read_text(encoding="utf-8")
ID = resident_id(57)
ID_MASKED = f"{ID[:6]}********{ID[-4:]}"
WRITTEN = datetime.date(2026, 6, 10)
TODAY = datetime.date(2026, 6, 15)

#: Pastes HTML into the editor as the clipboard would (a paste event carrying text/html).
PASTE = """(html) => {
  const data = new DataTransfer();
  data.setData('text/html', html);
  data.setData('text/plain', '');
  const target = document.querySelector('.ql-editor');
  target.focus();
  target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def roster_doc() -> bytes:
    """A two-page .doc: the number on page 1 (split over runs, as Word often does), other text on page 2."""
    document = docx.Document()
    document.add_heading("补贴发放名单", level=1)
    paragraph = document.add_paragraph("张三，身份证号 ")
    paragraph.add_run(ID[:10]).bold = True
    paragraph.add_run(ID[10:] + "，面积 12 亩。")
    document.add_page_break()
    document.add_paragraph("发放方式：一卡通，由乡镇财政所统一发放。")
    out = io.BytesIO()
    document.save(out)
    return doc_bytes(out.getvalue())


def ocr_page(pdf: bytes, index: int) -> str | None:
    """The text tesseract reads on page ``index`` of ``pdf``, spaces removed (None when tesseract or its
    Chinese data is missing: ``gongkai.documents.ocr.available``)."""
    if ocr.available():
        return None
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[index].render(scale=2).to_pil()
    finally:
        document.close()
    return "".join(str(pytesseract.image_to_string(image, lang="chi_sim+eng")).split())


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """``set_today(day)``: from now on the site's clock says 15:00 on ``day`` in Beijing."""

    def pin(day: datetime.date) -> None:
        moment = datetime.datetime.combine(day, datetime.time(15), tzinfo=ZoneInfo(settings.TIME_ZONE))
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))

    return pin


def watch(page: Page) -> list[str]:
    """CSP violations and script errors of ``page``, as they happen."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return problems


#: The URL of each step the test takes, by its button.
STEPS = {"提交审查": "submit", "保密审查通过": "review_pass", "领导审批同意": "approve", "发布": "publish"}


def step(page: Page, name: str, note: str = "") -> None:
    """Open the step's panel on the entry page, write the note and take the step."""
    page.locator("summary", has_text=re.compile(rf"^{name}$")).click()
    form = page.locator(f"form[action$='/{STEPS[name]}/']")
    if note:
        form.locator("textarea").fill(note)
    form.get_by_role("button", name=name).click()


@pytest.mark.django_db(transaction=True)
def test_paste_redact_review_and_publish_without_the_number(
    browser: Browser, live_server: Any, tree: Tree, set_today: Callable[[datetime.date], None]
) -> None:
    base = live_server.url
    set_today(TODAY)
    person("linxh", "林", "晓红", tree, Role.INFORMATION_OFFICER)
    person("liufang", "刘", "芳", tree, Role.REVIEWER)
    person("sunlj", "孙", "立军", tree, Role.LEADER)
    # The migrations' categories are gone after an earlier transactional test flushed the tables.
    Category.objects.get_or_create(name="综合政务", defaults={"order": 2})

    # 1. Writing: paste from Word into the editor.
    officer = log_in(browser, base, "linxh")
    problems = watch(officer)
    officer.goto(f"{base}/manage/catalogue/new/")
    officer.get_by_label(re.compile(r"^名称")).fill("示范县2026年春耕生产补贴发放方案")
    officer.get_by_label(re.compile(r"^成文日期")).fill(WRITTEN.isoformat())
    officer.get_by_label(re.compile(r"^主题分类")).select_option(index=1)
    officer.get_by_label(re.compile(r"^内容概述")).fill("公布春耕生产补贴的对象、标准和发放方式。")
    expect(officer.locator(".ql-editor")).to_be_visible()
    expect(officer.locator("textarea[name=body]")).to_be_hidden()  # the editor took its place
    officer.evaluate(PASTE, WORD)
    expect(officer.locator(".ql-editor h1, .ql-editor h2").first).to_contain_text("春耕生产补贴发放方案")
    officer.get_by_role("button", name="保存").click()
    expect(officer.get_by_role("heading", name="示范县2026年春耕生产补贴发放方案", level=1)).to_be_visible()
    item = Item.objects.get()
    assert "<h2>" in item.body, item.body
    assert "<ol><li>种粮农民</li><li>家庭农场</li></ol><ul><li>以实际种植面积为准</li></ul>" in item.body, (
        item.body
    )
    assert "<strong>一、补贴对象</strong>" in item.body or "<b>一、补贴对象</b>" in item.body
    assert (
        "<table>" in item.body and "城关镇" in item.body and 'href="https://www.example.gov.cn/' in item.body
    )
    for gone in ("style=", "mso", "<script", "alert", "宋体", "class="):
        assert gone not in item.body, gone
    assert problems == []

    # 2. The .doc with a 身份证号; its reading job runs (a worker would).
    officer.set_default_timeout(SLOW)
    upload: FilePayload = {
        "name": "补贴名单.doc",
        "mimeType": "application/msword",
        "buffer": roster_doc(),
    }
    officer.locator("input[type=file][name=file]").set_input_files(files=[upload])
    officer.get_by_role("button", name="上传").click()
    expect(officer.get_by_text("已上传附件。")).to_be_visible(timeout=SLOW)
    run_pending()  # a worker would (the test settings may have run it already)
    officer.reload()

    # 3. Submitting is stopped with the hit listed.
    step(officer, "提交审查")
    expect(officer.get_by_text(re.compile("不能提交审查"))).to_be_visible()
    expect(officer.get_by_text(re.compile(re.escape(ID_MASKED))).first).to_be_visible()
    assert ID not in officer.content()

    # 4. Redacted in the attachment, after the page saying it becomes a PDF; read again, nothing is left.
    expect(officer.get_by_text("（将转换为 PDF，确认后执行）")).to_be_visible()
    officer.get_by_role("button", name=re.compile("^在附件中涂黑")).click()
    expect(officer.get_by_text(re.compile("涂黑后的附件将是 PDF 文件“补贴名单.pdf”"))).to_be_visible()
    expect(officer.get_by_text(ID_MASKED)).to_be_visible()
    officer.get_by_role("button", name="确认涂黑并转换为 PDF").click()
    expect(officer.get_by_text(re.compile("已开始涂黑附件“补贴名单.doc”"))).to_be_visible(timeout=SLOW)
    run_pending()  # a worker would (the test settings may have run it already)
    officer.reload()
    expect(officer.get_by_text("未发现身份证号、电话号码、银行卡号、电子邮箱或错敏词。")).to_be_visible()
    expect(officer.get_by_role("link", name="补贴名单.pdf", exact=True)).to_be_visible()
    expect(officer.get_by_text("已涂黑 1 次，原文件已封存备查")).to_be_visible()
    assert problems == []

    # 5. Submit, review, approve, publish.
    step(officer, "提交审查")
    expect(officer.get_by_text("已办理：提交审查。")).to_be_visible()
    reviewer = log_in(browser, base, "liufang")
    reviewer.goto(f"{base}/manage/catalogue/{item.pk}/")
    step(reviewer, "保密审查通过", "经审查，不涉及国家秘密、商业秘密和个人隐私，同意公开。")
    expect(reviewer.get_by_text("已办理：保密审查通过。")).to_be_visible()
    leader = log_in(browser, base, "sunlj")
    leader.goto(f"{base}/manage/catalogue/{item.pk}/")
    step(leader, "领导审批同意")
    expect(leader.get_by_text("已办理：领导审批同意。")).to_be_visible()
    officer.goto(f"{base}/manage/catalogue/{item.pk}/")
    step(officer, "发布")
    expect(officer.get_by_text("已办理：发布。")).to_be_visible()
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED

    # 6. The public file: a PDF with no number in its text.
    attachment = item.attachments.get()
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base}/gk/{item.agency.short_code}/items/{item.pk}/")
    expect(public.get_by_role("link", name=re.compile("补贴名单")).first).to_be_visible()
    response = public.request.get(
        f"{base}/gk/{item.agency.short_code}/items/{item.pk}/files/{attachment.pk}/"
    )
    assert response.ok and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-")
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    assert len(texts) == 2, texts  # the .doc's two pages
    assert texts[0] == ""  # the redacted page is an image: no text layer at all (not a box over text)
    assert "发放方式：一卡通" in texts[1] and ID not in "".join(texts)  # the other page keeps its text
    seen = ocr_page(body, 0)
    if seen is not None:  # what a reader sees on page 1: the words around the box, not the number
        assert "补贴发放名单" in seen or "身份证号" in seen, seen
        assert ID not in seen and ID[6:14] not in seen, seen
