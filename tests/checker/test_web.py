"""The 年报检查 page: checking uploads and pasted text, saving results, 我的检查记录."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.agencies.models import AgencyKind, Role
from gongkai.agencies.services import add_membership, create_agency
from gongkai.checker import views
from gongkai.checker.models import SavedCheck, save_check
from gongkai.checker.pipeline import MAX_DOCX_XML_BYTES
from gongkai.checker.result import CheckResult, ParsedReport
from gongkai.core.models import AuditEvent
from gongkai.reports.findings import Finding
from gongkai.reports.model import RESULT_GROUP, SECTION3_HEADER_GROUPS, SECTION3_HEADER_NOTE
from gongkai.reports.tables import Tables
from tests.conftest import Tree

#: A check counts its files against the client's hourly limit, in the database.
pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SEED_2021 = SEEDS / "000_a7627077a64d0368.txt"  # a 2021-format report whose tables are all zeros
CHECK_URL = "/check/"


def seed_with_identity_error() -> bytes:
    """The seed with 一、本年新收 自然人 = 5 while its 总计 stays 0."""
    lines = SEED_2021.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if "本年新收" in line and "|" in line)
    lines[i] = lines[i].replace("| 0 |", "| 5 |", 1)
    return "\n".join(lines).encode("utf-8")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def hand_result(kind: str = "annual_report", path: str = "hand.txt") -> CheckResult:
    report = ParsedReport(
        kind=kind,  # type: ignore[arg-type]
        format="2021" if kind == "annual_report" else None,
        year=2022,
        agency="示范县人民政府",
        tables=Tables(section3={"total": [1, 0, 0, 0, 0, 0, 2]}),
        text="",
    )
    findings = [
        Finding("section3.row_total", "error", "总计不符", table="section3", row="total", column="total")
    ]
    return CheckResult(path, report, findings if kind == "annual_report" else [])


def saved_token(html: str) -> str:
    match = re.search(r'name="result" value="([^"]+)"', html)
    assert match, "no save form on the page"
    return match.group(1)


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user("alice", password="pw")


@pytest.fixture
def bob(db: None) -> User:
    return User.objects.create_user("bob", password="pw")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- checking (nothing stored) ---------------------------------------------------------------


def test_the_page_has_a_labelled_multi_file_form_with_csrf(client: Client) -> None:
    response = client.get(CHECK_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<input type="file" name="reports"[^>]*multiple', html)
    assert '<label for="id_reports"' in html and '<label for="id_text"' in html
    assert '<label for="id_previous"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'enctype="multipart/form-data"' in html


def test_an_uploaded_report_is_shown_in_the_official_tables_with_the_error_cell_marked(
    client: Client, db: None
) -> None:
    response = client.post(CHECK_URL, {"reports": [upload("report.txt", seed_with_identity_error())]})
    html = response.content.decode()

    assert response.status_code == 200
    for header in (
        SECTION3_HEADER_NOTE,
        *SECTION3_HEADER_GROUPS,
        RESULT_GROUP,
        "未经复议直接起诉",
        "第二十条第（一）项",
    ):
        assert header in html
    assert '<th rowspan="3" colspan="3" class="note">' in html
    assert '<th scope="rowgroup" rowspan="22">三、本年度办理结果</th>' in html
    cell = re.search(
        r'<td class="num finding-error" id="(r1-section3-new_received-total)"[^>]*title="([^"]+)"', html
    )
    assert cell, "the 总计 cell of 一、本年新收 is not highlighted"
    assert f'href="#{cell.group(1)}"' in html  # the findings list links to the cell
    assert SavedCheck.objects.count() == 0  # nothing is stored


def test_findings_are_shown_in_the_readers_language(client: Client, db: None) -> None:
    chinese = "表三“一、本年新收政府信息公开申请数量”行“总计”列为0，但自然人与五类法人或其他组织之和为5。"
    english = (
        "Table 3, row “一、本年新收政府信息公开申请数量”, column “总计” is 0, "
        "but natural persons plus the five kinds of legal persons or other organisations make 5."
    )
    html = client.post(
        CHECK_URL, {"reports": [upload("report.txt", seed_with_identity_error())]}
    ).content.decode()
    assert chinese in html and english not in html
    assert 'title="表三行总计与各类申请人之和不符：' in html  # the code's title and description

    client.cookies["django_language"] = "en"
    html = client.post(
        CHECK_URL, {"reports": [upload("report.txt", seed_with_identity_error())]}
    ).content.decode()
    assert english in html and chinese not in html
    cell = re.search(r'id="r1-section3-new_received-total"[^>]*title="([^"]+)"', html)
    assert cell and english in cell.group(1)  # the highlighted cell's tooltip too
    assert 'title="Table 3 row total does not equal the sum of the applicant types: ' in html


def test_a_check_saved_before_findings_had_templates_shows_its_stored_message(alice: User) -> None:
    stored = hand_result().to_json()
    assert all("template" not in f for f in stored["findings"])
    saved = save_check(user=alice, result=stored)
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("checker:saved_detail", args=[saved.pk])).content.decode()
    assert "总计不符" in html and 'id="r1-section3-total-total"' in html


def test_pasted_text_is_checked(client: Client) -> None:
    response = client.post(CHECK_URL, {"text": SEED_2021.read_text(encoding="utf-8")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "粘贴的文本" in html and "official--section3" in html and "没有发现问题" in html


def test_the_agency_is_matched_against_the_sites_agencies(client: Client, tree: Tree) -> None:
    """The title writes the agency short ("甲县科委"); the site lists it in full under the city's name."""
    text = "甲县科委\n2021年政府信息公开工作年度报告\n" + SEED_2021.read_text(encoding="utf-8")
    html = client.post(CHECK_URL, {"text": text}).content.decode()
    assert "甲县科学技术委员会" in html and "示范市甲县科学技术委员会" not in html
    create_agency(
        actor=None,
        name="示范市甲县科学技术委员会",
        short_code="county-a-science",
        kind=AgencyKind.DEPARTMENT,
        parent=tree.county_a,
    )
    html = client.post(CHECK_URL, {"text": text}).content.decode()
    assert "示范市甲县科学技术委员会" in html


def test_a_gbk_encoded_report_is_read(client: Client) -> None:
    text = SEED_2021.read_text(encoding="utf-8")
    response = client.post(CHECK_URL, {"reports": [upload("gbk.txt", text.encode("gb18030"))]})
    assert response.status_code == 200
    assert "official--section3" in response.content.decode()


def test_an_empty_post_asks_for_a_file_text_or_url(client: Client) -> None:
    response = client.post(CHECK_URL, {})
    assert response.status_code == 200
    assert "请上传至少一个报告文件、粘贴报告全文，或者填写报告的网址" in response.content.decode()


def test_a_too_large_file_is_refused_in_chinese_and_the_others_are_checked(
    client: Client, settings: object
) -> None:
    settings.GONGKAI_CHECK_MAX_UPLOAD_BYTES = 1000  # type: ignore[attr-defined]
    small = "政府信息公开工作年度报告\n一、总体情况\n本年度工作正常。\n".encode()
    response = client.post(
        CHECK_URL, {"reports": [upload("big.txt", SEED_2021.read_bytes()), upload("small.txt", small)]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"big\.txt</h2>\s*<p[^>]*>无法检查：文件太大", html)
    assert re.search(r"small\.txt</h2>\s*<dl", html)


def test_binary_garbage_and_unsupported_types_get_a_message(client: Client) -> None:
    garbage = bytes(range(256)) * 40
    response = client.post(
        CHECK_URL,
        {
            "reports": [
                upload("garbage.txt", garbage),
                upload("scan.png", b"\x89PNG\r\n\x1a\n" + garbage),
                upload("empty.pdf", b""),
            ]
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("无法检查：") == 3
    assert "不支持这种文件类型（.png）" in html and "文件是空的" in html


def docx_with_document_xml_of(size: int) -> bytes:
    """A small .docx whose word/document.xml unpacks to ``size`` bytes of empty paragraphs."""
    main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    head = f'<?xml version="1.0"?><w:document xmlns:w="{main}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as part:
            part.write(head)
            paragraph = b"<w:p/>" * 100_000
            for _ in range((size - len(head) - len(tail)) // len(paragraph) + 1):
                part.write(paragraph)
            part.write(tail)
    return buffer.getvalue()


def test_a_docx_that_unpacks_to_huge_xml_is_refused_before_it_is_parsed(client: Client) -> None:
    bomb = docx_with_document_xml_of(MAX_DOCX_XML_BYTES + 1)
    assert len(bomb) < 200_000  # small to upload, gigabytes of memory to parse

    response = client.post(CHECK_URL, {"reports": [upload("bomb.docx", bomb)]})

    assert re.search(
        r"bomb\.docx</h2>\s*<p[^>]*>无法检查：Word 文件解压后的内容超过", response.content.decode()
    )


def test_more_than_20_files_are_refused_with_a_message(client: Client, settings: object) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 100  # type: ignore[attr-defined]
    files = [upload(f"{i}.txt", b"x") for i in range(21)]
    response = client.post(CHECK_URL, {"reports": files})
    assert response.status_code == 200
    assert "一次最多检查 20 个文件" in response.content.decode()


def test_a_checker_crash_on_one_file_is_reported_not_a_500(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> CheckResult:
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "check_bytes", explode)
    response = client.post(CHECK_URL, {"text": "政府信息公开工作年度报告"})
    assert response.status_code == 200
    assert "程序出错" in response.content.decode()


def test_not_a_report_is_said_plainly_without_tables(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "check_bytes", lambda *a, **k: hand_result("not_a_report"))
    html = client.post(CHECK_URL, {"text": "关于某事的函"}).content.decode()
    assert "不是政府信息公开工作年度报告" in html
    assert "<table" not in html


def test_a_previous_report_is_used_and_an_unreadable_one_is_said(client: Client) -> None:
    seed = SEED_2021.read_bytes()
    html = client.post(
        CHECK_URL, {"reports": [upload("2021.txt", seed)], "previous": upload("2021-again.txt", seed)}
    ).content.decode()
    assert "已用上年度报告“2021-again.txt”做跨年度核对" in html
    assert "crossyear.year_gap" in html
    html = client.post(
        CHECK_URL, {"reports": [upload("2021.txt", seed)], "previous": upload("x.png", b"\x89PNG")}
    ).content.decode()
    assert "上年度报告“x.png”无法读取" in html and "official--section3" in html


# -- saving -----------------------------------------------------------------------------------


def test_anonymous_users_see_a_disabled_save_button_and_cannot_save(client: Client, db: None) -> None:
    html = client.post(CHECK_URL, {"reports": [upload("r.txt", SEED_2021.read_bytes())]}).content.decode()
    assert re.search(r"<button type=\"button\" disabled[^>]*>保存检查结果</button>", html)
    assert "登录</a>后可以保存检查结果" in html
    assert 'name="result"' not in html

    response = Client().post(reverse("checker:save"), {"result": "anything"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert SavedCheck.objects.count() == 0


def test_a_logged_in_user_saves_a_result_and_an_audit_event_is_recorded(alice: User) -> None:
    client = client_for(alice)
    html = client.post(
        CHECK_URL, {"reports": [upload("report.txt", seed_with_identity_error())]}
    ).content.decode()

    response = client.post(reverse("checker:save"), {"result": saved_token(html)})

    saved = SavedCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert (saved.user, saved.filename, saved.kind, saved.format, saved.year) == (
        alice,
        "report.txt",
        "annual_report",
        "2021",
        2021,
    )
    assert saved.error_count >= 1 and saved.result["tables"]["section3"]["new_received"][0] == 5
    assert "text" not in saved.result  # the report itself is not kept
    event = AuditEvent.objects.get(action="saved_check.created")
    assert (event.actor, event.object_id) == (alice, str(saved.pk))

    detail = client.get(saved.get_absolute_url()).content.decode()
    assert "finding-error" in detail and RESULT_GROUP in detail


def test_a_forged_result_is_not_saved(alice: User) -> None:
    response = client_for(alice).post(
        reverse("checker:save"), {"result": '{"kind": "annual_report"}'}, follow=True
    )
    assert SavedCheck.objects.count() == 0
    assert "检查结果无法核实" in response.content.decode()


def test_saving_requires_a_csrf_token(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse("checker:save"), {"result": "x"}).status_code == 403


def test_a_result_can_be_filed_under_the_users_own_agency_only(alice: User, tree: Tree) -> None:
    add_membership(actor=None, user=alice, agency=tree.town_a1, role=Role.INFORMATION_OFFICER)
    client = client_for(alice)
    html = client.post(CHECK_URL, {"reports": [upload("r.txt", SEED_2021.read_bytes())]}).content.decode()
    assert f'<option value="{tree.town_a1.pk}">{tree.town_a1.name}</option>' in html
    assert f'value="{tree.county_b.pk}"' not in html
    token = saved_token(html)

    client.post(reverse("checker:save"), {"result": token, "agency": tree.county_b.pk})
    assert SavedCheck.objects.count() == 0
    client.post(reverse("checker:save"), {"result": token, "agency": tree.town_a1.pk})
    assert SavedCheck.objects.get().agency == tree.town_a1


# -- 我的检查记录 ------------------------------------------------------------------------------


def test_the_list_shows_only_the_users_records_20_per_page(alice: User, bob: User) -> None:
    for i in range(21):
        save_check(user=alice, result=hand_result(path=f"alice-{i:02}.txt").to_json())
    save_check(user=bob, result=hand_result(path="bob.txt").to_json())
    client = client_for(alice)

    first = client.get(reverse("checker:saved_list")).content.decode()
    second = client.get(reverse("checker:saved_list") + "?page=2").content.decode()

    assert first.count("alice-") == 20 * 2  # name in the link and in the hidden delete label
    assert second.count("alice-") == 1 * 2
    assert "bob.txt" not in first + second
    assert Client().get(reverse("checker:saved_list")).status_code == 302


def test_another_users_record_is_404(alice: User, bob: User) -> None:
    saved = save_check(user=bob, result=hand_result().to_json())
    client = client_for(alice)
    assert client.get(reverse("checker:saved_detail", args=[saved.pk])).status_code == 404
    assert client.get(reverse("checker:saved_delete", args=[saved.pk])).status_code == 404
    assert client.post(reverse("checker:saved_delete", args=[saved.pk])).status_code == 404
    assert SavedCheck.objects.filter(pk=saved.pk).exists()


def test_the_detail_page_lays_out_the_saved_result(alice: User) -> None:
    saved = save_check(user=alice, result=hand_result().to_json())
    html = client_for(alice).get(reverse("checker:saved_detail", args=[saved.pk])).content.decode()
    assert 'id="r1-section3-total-total"' in html and "总计不符" in html
    assert SECTION3_HEADER_NOTE in html


def test_deleting_asks_for_confirmation_and_needs_post(alice: User) -> None:
    saved = save_check(user=alice, result=hand_result().to_json())
    client = client_for(alice)
    url = reverse("checker:saved_delete", args=[saved.pk])

    page = client.get(url)
    assert page.status_code == 200 and "确定删除" in page.content.decode()
    assert 'method="post"' in page.content.decode()
    assert SavedCheck.objects.filter(pk=saved.pk).exists()

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("checker:saved_list")
    assert not SavedCheck.objects.filter(pk=saved.pk).exists()
    event = AuditEvent.objects.get(action="saved_check.deleted")
    assert (event.actor, event.object_id) == (alice, str(saved.pk))


def test_too_long_pasted_text_is_refused_with_a_message(client: Client) -> None:
    from gongkai.checker.forms import MAX_PASTED_CHARS

    response = client.post(CHECK_URL, {"text": "a" * (MAX_PASTED_CHARS + 1)})
    assert response.status_code == 200
    assert (
        f"粘贴的文字太长（{MAX_PASTED_CHARS + 1} 个字符，最多 {MAX_PASTED_CHARS} 个）"
        in response.content.decode()
    )


def test_files_too_big_together_are_refused_with_a_message(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.checker import forms as checker_forms

    monkeypatch.setattr(checker_forms, "MAX_TOTAL_UPLOAD_BYTES", 3 * 1024 * 1024)
    files = [upload(f"r{i}.txt", b"x" * (1024 * 1024 + 1)) for i in range(3)]
    response = client.post(CHECK_URL, {"reports": files})
    assert response.status_code == 200
    assert "这次选择的文件共 3 MB，一次最多 3 MB" in response.content.decode()


def test_why_a_file_cannot_be_read_is_said_in_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.post(
        CHECK_URL,
        {"reports": [upload("blank.txt", b"   \n  ")]},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "The file contains no text at all" in html
    assert "文件中没有任何文字" not in html
