from __future__ import annotations

from gongkai.letters.agency_context import agency_fields
from gongkai.letters.context import LetterContext
from gongkai.letters.kinds import LetterKind
from gongkai.letters.models import AgencyLetterSettings, LetterTemplate
from gongkai.letters.render import render_letter, render_text
from tests.conftest import Tree


def test_agency_fields_fill_the_contact_and_remedy_bodies(tree: Tree) -> None:
    fields = agency_fields(tree.county_a_finance)
    assert fields["agency_name"] == "甲县财政局"
    assert fields["reconsideration_body"] == "" and fields["court"] == ""
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
