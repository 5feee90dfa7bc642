from __future__ import annotations

from datetime import date

from gongkai.letters.agency_context import agency_fields, letter_warnings, reconsideration_body_of
from gongkai.letters.context import LetterContext
from gongkai.letters.kinds import LetterKind
from gongkai.letters.models import AgencyLetterSettings, LetterTemplate
from gongkai.letters.render import render_letter, render_text
from tests.conftest import Tree


def test_agency_fields_fill_the_contact_and_remedy_bodies(tree: Tree) -> None:
    fields = agency_fields(tree.county_a_finance)
    assert fields["agency_name"] == "甲县财政局"
    # From the tree (行政复议法 第二十四条第一款第一项): the department's own government.
    assert fields["reconsideration_body"] == "甲县人民政府" and fields["court"] == ""
    AgencyLetterSettings.objects.create(
        agency=tree.county_a_finance, reconsideration_body="甲县人民政府", court="甲县人民法院"
    )
    context = LetterContext(
        kind=LetterKind.ANSWER,
        applicant_name="王五",
        outcome_key="denied_state_secret",
        outcome_group="denied",
        outcome_basis="条例第十四条",
        **agency_fields(tree.county_a_finance),
    )
    text = render_text(context)
    assert "《中华人民共和国政府信息公开条例》第十四条、第三十六条第三项" in text
    assert "向甲县人民政府申请行政复议" in text and "向甲县人民法院提起行政诉讼" in text
    assert text.rstrip().splitlines()[-2] == "甲县财政局"


def test_office_contact_details_come_from_the_agency(tree: Tree) -> None:
    tree.county_a.office_name = "甲县人民政府办公室"
    tree.county_a.phone = "0000-1111111"
    tree.county_a.save()
    context = LetterContext(kind=LetterKind.RECEIPT, applicant_name="赵六", **agency_fields(tree.county_a))
    text = render_text(context)
    assert "联系机构：甲县人民政府办公室；联系电话：0000-1111111。" in text
    assert not LetterTemplate.objects.exists()
    assert render_letter(context).filename == "接收回执.docx"


def test_the_reconsideration_body_comes_from_the_tree(tree: Tree) -> None:
    # 行政复议法 第二十四条第一款: a department → its own government (第一项); a county government → the
    # government one level up (第二项); a township → the county government (第二项、第三项); an authorised
    # organisation under a township's … government → the nearest government through departments only.
    assert reconsideration_body_of(tree.county_a_finance) == "甲县人民政府"
    assert reconsideration_body_of(tree.county_a) == "示范市人民政府"
    assert reconsideration_body_of(tree.town_a1) == "甲县人民政府"
    assert reconsideration_body_of(tree.town_b1) == "乙县人民政府"
    assert reconsideration_body_of(tree.town_a1_office) == ""  # under a township, not a government
    assert reconsideration_body_of(tree.city) == ""  # no parent: the tree does not tell


def test_the_letter_settings_name_the_body_where_the_tree_cannot(tree: Tree) -> None:
    AgencyLetterSettings.objects.create(agency=tree.city, reconsideration_body="示范省人民政府")
    assert reconsideration_body_of(tree.city) == "示范省人民政府"
    assert letter_warnings(tree.city) == [
        "本机关没有填写联系电话、办公地址，文书中将不印这些信息，申请人无法据此联系本机关。"
        "请管理员在管理后台“机关”中填写本机关的联系电话、办公地址。"
    ]
    # A setting wins over the tree too (a vertical system, 行政复议法 第二十七条).
    AgencyLetterSettings.objects.create(agency=tree.county_a_finance, reconsideration_body="示范市财政局")
    assert reconsideration_body_of(tree.county_a_finance) == "示范市财政局"


def test_a_county_governments_answer_names_the_city_government(tree: Tree) -> None:
    context = LetterContext(
        kind=LetterKind.ANSWER,
        issued_on=date(2026, 3, 20),
        applicant_name="王五",
        outcome_key="denied_process_info",
        outcome_group="denied",
        outcome_basis="条例第十六条第二款",
        **agency_fields(tree.county_a),
    )
    text = render_text(context)
    assert "自知道该决定之日起六十日内向示范市人民政府申请行政复议" in text
    assert "上一级行政机关" not in text


def test_without_a_parent_the_letter_says_the_generic_body_and_the_officer_is_warned(tree: Tree) -> None:
    context = LetterContext(
        kind=LetterKind.ANSWER,
        issued_on=date(2026, 3, 20),
        applicant_name="王五",
        outcome_key="granted",
        outcome_group="granted",
        **agency_fields(tree.city),
    )
    assert "向上一级行政机关申请行政复议" in render_text(context)
    assert (
        "无法从机关层级确定本机关的行政复议机关（没有上级人民政府），救济途径告知中将印“上一级行政机关”。"
        "请管理员在管理后台“机关文书设置”中填写行政复议机关，或在“机关”中设置上级机关。"
    ) in letter_warnings(tree.city)


def test_no_warning_when_the_agency_has_its_phone_address_and_a_parent_government(tree: Tree) -> None:
    tree.county_a.phone = "0000-1111111"
    tree.county_a.office_address = "甲县人民路1号"
    tree.county_a.save()
    assert letter_warnings(tree.county_a) == []
    tree.county_a.office_address = ""
    tree.county_a.save()
    assert letter_warnings(tree.county_a) == [
        "本机关没有填写办公地址，文书中将不印这些信息，申请人无法据此联系本机关。"
        "请管理员在管理后台“机关”中填写本机关的办公地址。"
    ]
