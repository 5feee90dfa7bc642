from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from gongkai.agencies.models import Membership, Role
from gongkai.core.models import AuditEvent
from gongkai.letters.kinds import LetterKind
from gongkai.letters.models import AgencyLetterSettings, LetterTemplate
from gongkai.letters.services import LETTER_TEMPLATE_CHANGED, LETTER_TEMPLATE_DELETED
from tests.conftest import Tree, make_user
from tests.letters.helpers import docx_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHANGELIST = "admin:letters_lettertemplate_changelist"
ADD = "admin:letters_lettertemplate_add"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def root(db: None) -> User:
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def root_client(root: User) -> Client:
    return login(root)


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "kind": LetterKind.FEE.value,
        "outcome_group": "",
        "agency": "",
        "title": "政府信息公开申请收费通知书",
        "body": "< {{ applicant_name }}：\n\n请缴纳{{ fee_amount }}元。\n\n{{ remedy }}",
    }
    data.update(overrides)
    return data


def test_the_changelist_lists_edited_templates_and_the_defaults(root_client: Client, tree: Tree) -> None:
    LetterTemplate.objects.create(
        kind=LetterKind.FEE, agency=tree.county_a, title="甲县收费通知", body="正文"
    )
    html = root_client.get(reverse(CHANGELIST)).content.decode()
    assert "甲县收费通知" in html and "甲县人民政府" in html
    assert 'id="letter-defaults"' in html
    assert "default-preview/?kind=answer&amp;outcome_group=denied" in html


def test_a_new_template_starts_from_the_text_in_effect(root_client: Client) -> None:
    html = root_client.get(reverse(ADD), {"kind": "correction"}).content.decode()
    assert "政府信息公开申请补正告知书" in html
    assert "第三十条" in html
    assert "可以使用的变量" in html and "<code>correction_period_end</code>" in html


def test_adding_editing_previewing_and_reverting(root_client: Client, root: User, tree: Tree) -> None:
    response = root_client.post(reverse(ADD), form_data(agency=str(tree.county_a.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    template = LetterTemplate.objects.get()
    assert template.agency == tree.county_a and template.updated_by == root
    created = AuditEvent.objects.get(action=LETTER_TEMPLATE_CHANGED)
    assert created.agency == tree.county_a and created.actor == root
    assert created.details["created"] is True and created.details["kind"] == "fee"

    change_url = reverse("admin:letters_lettertemplate_change", args=[template.pk])
    html = root_client.get(change_url).content.decode()
    assert "预览" in html and "恢复默认" in html and 'name="_preview"' in html
    response = root_client.post(change_url, form_data(agency=str(tree.county_a.pk), title="新的标题"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "新的标题"
    changed = AuditEvent.objects.filter(action=LETTER_TEMPLATE_CHANGED).first()
    assert (
        changed is not None and changed.details["created"] is False and changed.details["fields"] == ["title"]
    )

    preview = root_client.get(reverse("admin:letters_lettertemplate_preview", args=[template.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == DOCX
    assert "attachment" in preview["Content-Disposition"]
    assert "filename*=utf-8''" in preview["Content-Disposition"]
    text = docx_text(preview.content)
    assert text.startswith("新的标题") and "请缴纳4700元。" in text and "张三：" in text

    delete_url = reverse("admin:letters_lettertemplate_delete", args=[template.pk])
    html = root_client.get(delete_url).content.decode()
    assert "恢复默认" in html and "系统内置的默认文本" in html
    response = root_client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not LetterTemplate.objects.exists()
    deleted = AuditEvent.objects.get(action=LETTER_TEMPLATE_DELETED)
    assert deleted.details["title"] == "新的标题" and "请缴纳" in deleted.details["body"]
    assert deleted.agency == tree.county_a


def test_preview_of_unsaved_edits_saves_nothing(root_client: Client) -> None:
    response = root_client.post(reverse(ADD), {**form_data(title="试写标题"), "_preview": "1"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert docx_text(response.content).startswith("试写标题")
    assert not LetterTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="letter_template.").exists()


def test_invalid_templates_are_refused_with_chinese_errors(root_client: Client) -> None:
    for extra in ({}, {"_preview": "1"}):
        response = root_client.post(reverse(ADD), {**form_data(body="第一行\n{{ secret }}"), **extra})
        assert response.status_code == 200
        html = response.content.decode()
        assert "模板使用了未知的变量：secret" in html
        response = root_client.post(reverse(ADD), {**form_data(body="{% if reasons %}"), **extra})
        assert "模板第1行有语法错误" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_a_second_site_wide_template_of_the_same_kind_is_refused(root_client: Client) -> None:
    assert root_client.post(reverse(ADD), form_data()).status_code == 302
    response = root_client.post(reverse(ADD), form_data())
    assert response.status_code == 200
    assert "已有此种文书（及答复结果分组）的全站通用模板。" in response.content.decode()


def test_the_shipped_default_can_be_previewed(root_client: Client) -> None:
    url = reverse(CHANGELIST) + "default-preview/"
    response = root_client.get(url, {"kind": "answer", "outcome_group": "denied"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    text = docx_text(response.content)
    assert "政府信息公开申请答复书" in text and "应当先申请行政复议" in text
    assert root_client.get(url, {"kind": "fee", "outcome_group": "denied"}).status_code == 404


def test_staff_without_the_administrator_role_are_refused(tree: Tree) -> None:
    officer = make_user("officer", is_staff=True)
    Membership.objects.create(user=officer, agency=tree.county_a, role=Role.INFORMATION_OFFICER)
    template = LetterTemplate.objects.create(kind=LetterKind.FEE, title="T", body="正文")
    client = login(officer)
    assert "lettertemplate" not in client.get(reverse("admin:index")).content.decode()
    for url in (
        reverse(CHANGELIST),
        reverse(ADD),
        reverse("admin:letters_lettertemplate_change", args=[template.pk]),
        reverse("admin:letters_lettertemplate_preview", args=[template.pk]),
        reverse("admin:letters_lettertemplate_delete", args=[template.pk]),
        reverse(CHANGELIST) + "default-preview/?kind=fee&outcome_group=",
        reverse("admin:letters_agencylettersettings_changelist"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse(ADD), form_data()).status_code == 403
    assert client.post(reverse(ADD), {**form_data(), "_preview": "1"}).status_code == 403
    assert LetterTemplate.objects.count() == 1


def test_an_administrator_edits_own_agency_templates_only(tree: Tree) -> None:
    administrator = make_user("admin-a", is_staff=True)
    Membership.objects.create(user=administrator, agency=tree.county_a, role=Role.ADMINISTRATOR)
    other = LetterTemplate.objects.create(
        kind=LetterKind.FEE, agency=tree.county_b, title="乙县模板", body="正文"
    )
    client = login(administrator)
    assert "lettertemplate" in client.get(reverse("admin:index")).content.decode()
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "乙县模板" not in html
    assert client.get(reverse("admin:letters_lettertemplate_change", args=[other.pk])).status_code == 302
    response = client.post(reverse(ADD), form_data(agency=str(tree.county_b.pk)))
    assert response.status_code == 200  # 乙县 is not among the choices
    assert client.post(reverse(ADD), form_data(agency=str(tree.county_a.pk))).status_code == 302
    # Site-wide templates print every agency's letters: only superusers write them.
    assert client.post(reverse(ADD), form_data()).status_code == 200
    assert LetterTemplate.objects.filter(agency=tree.county_a).exists()
    assert not LetterTemplate.objects.filter(agency__isnull=True).exists()
    site_wide = LetterTemplate.objects.create(kind=LetterKind.RECEIPT, title="全站模板", body="正文")
    assert client.get(reverse("admin:letters_lettertemplate_change", args=[site_wide.pk])).status_code == 200
    assert (
        client.post(
            reverse("admin:letters_lettertemplate_change", args=[site_wide.pk]), form_data(kind="receipt")
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:letters_lettertemplate_delete", args=[site_wide.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_template_that_fails_when_rendered_is_refused(root_client: Client) -> None:
    # Syntax and variable names are fine; only rendering shows the error (int("2026-00001")).
    response = root_client.post(
        reverse(ADD), form_data(kind="receipt", body="{{ case_reference|divisibleby:0 }}")
    )
    assert response.status_code == 200
    assert "按示例数据生成文书时出错" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_letter_settings_are_audited_and_series_read_only(root_client: Client, tree: Tree) -> None:
    response = root_client.post(
        reverse("admin:letters_agencylettersettings_add"),
        {"agency": str(tree.county_a.pk), "number_prefix": "县政府办依申公"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    settings = AgencyLetterSettings.objects.get()
    event = AuditEvent.objects.get(action="letter_settings.changed")
    assert event.agency == tree.county_a and event.details["number_prefix"] == "县政府办依申公"
    html = root_client.get(reverse("admin:letters_agencylettersettings_changelist")).content.decode()
    assert "县政府办依申公〔2026〕1号" in html
    delete_url = reverse("admin:letters_agencylettersettings_delete", args=[settings.pk])
    assert root_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert AuditEvent.objects.filter(action="letter_settings.deleted", agency=tree.county_a).exists()


def test_an_agency_template_warns_what_its_letters_will_lack_and_previews_with_its_data(
    root_client: Client, tree: Tree
) -> None:
    body = (
        "< {{ applicant_name }}：\n\n联系电话：{{ office_phone }}；地址：{{ office_address }}。\n\n"
        "{{ remedy }}"
    )
    city = LetterTemplate.objects.create(kind=LetterKind.FEE, agency=tree.city, title="收费通知书", body=body)
    html = root_client.get(reverse("admin:letters_lettertemplate_change", args=[city.pk])).content.decode()
    assert "本机关没有填写联系电话、办公地址，文书中将不印这些信息" in html
    assert "无法从机关层级确定本机关的行政复议机关" in html
    text = docx_text(root_client.get(reverse("admin:letters_lettertemplate_preview", args=[city.pk])).content)
    # The preview prints the agency's own (missing) details, not the sample's.
    assert "联系电话：；地址：。" in text and "示范市人民政府" in text
    assert "向上一级行政机关申请行政复议" in text

    tree.county_a.phone = "0000-1111111"
    tree.county_a.office_address = "甲县人民路1号"
    tree.county_a.save()
    county = LetterTemplate.objects.create(
        kind=LetterKind.FEE, agency=tree.county_a, title="收费通知书", body=body
    )
    html = root_client.get(reverse("admin:letters_lettertemplate_change", args=[county.pk])).content.decode()
    assert "文书中将不印这些信息" not in html and "无法从机关层级确定" not in html
    text = docx_text(
        root_client.get(reverse("admin:letters_lettertemplate_preview", args=[county.pk])).content
    )
    assert "联系电话：0000-1111111；地址：甲县人民路1号。" in text
    assert "向示范市人民政府申请行政复议" in text
