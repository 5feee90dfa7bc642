from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongkai.agencies.models import Agency
from gongkai.letters.context import LetterContext
from gongkai.letters.defaults import DEFAULTS, default_template
from gongkai.letters.engine import allowed_names, validate_template
from gongkai.letters.kinds import LetterKind
from gongkai.letters.lookup import effective_template
from gongkai.letters.models import LetterTemplate
from gongkai.letters.render import render_text
from gongkai.letters.source import TemplateOrigin
from tests.conftest import Tree


def make(kind: str, group: str = "", agency: Agency | None = None, title: str = "T") -> LetterTemplate:
    return LetterTemplate.objects.create(
        kind=kind, outcome_group=group, agency=agency, title=title, body="正文"
    )


def test_every_shipped_default_validates() -> None:
    for (kind, group), default in DEFAULTS.items():
        validate_template(default.body)
        validate_template(default.title)
        assert default_template(kind, group) is default
    assert default_template(LetterKind.FEE, "denied") is DEFAULTS[(LetterKind.FEE, "")]


@pytest.mark.django_db
def test_without_edits_the_shipped_default_is_used(tree: Tree) -> None:
    source = effective_template(LetterKind.ANSWER, "denied", tree.county_a)
    assert source.origin == TemplateOrigin.DEFAULT
    assert source.body == DEFAULTS[(LetterKind.ANSWER, "denied")].body
    assert source.template is None


def test_override_precedence(tree: Tree) -> None:
    answer, denied = LetterKind.ANSWER, "denied"
    site_any = make(answer, "", None, "site-any")
    assert effective_template(answer, denied, tree.county_a).template == site_any
    site_denied = make(answer, denied, None, "site-denied")
    assert effective_template(answer, denied, tree.county_a).template == site_denied
    assert effective_template(answer, "granted", tree.county_a).template == site_any
    make(answer, denied, tree.county_b, "other-agency")  # another agency's template is never used
    assert effective_template(answer, denied, tree.county_a).template == site_denied
    own_any = make(answer, "", tree.county_a, "own-any")
    source = effective_template(answer, denied, tree.county_a)
    assert source.template == own_any and source.origin == TemplateOrigin.AGENCY
    own_denied = make(answer, denied, tree.county_a, "own-denied")
    assert effective_template(answer, denied, tree.county_a).template == own_denied
    assert effective_template(answer, denied, None).template == site_denied
    # Kinds other than answers ignore the group.
    fee = make(LetterKind.FEE, "", tree.county_a, "own-fee")
    assert effective_template(LetterKind.FEE, denied, tree.county_a).template == fee


def test_render_uses_the_agency_template(tree: Tree) -> None:
    LetterTemplate.objects.create(
        kind=LetterKind.RECEIPT,
        agency=tree.county_a,
        title="收件回执",
        body="< {{ applicant_name }}：\n\n已收到。",
    )
    context = LetterContext.sample(LetterKind.RECEIPT)
    assert render_text(context, agency=tree.county_a).startswith("收件回执\n\n")
    assert "已收到。" in render_text(context, agency=tree.county_a)
    assert render_text(context, agency=tree.county_b).startswith("政府信息公开申请接收回执\n\n")


def test_uniqueness_is_enforced_by_the_database(tree: Tree) -> None:
    make(LetterKind.FEE)
    with pytest.raises(IntegrityError), transaction.atomic():
        make(LetterKind.FEE)  # a second site-wide template (agency NULL)
    make(LetterKind.FEE, agency=tree.county_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        make(LetterKind.FEE, agency=tree.county_a)
    make(LetterKind.FEE, agency=tree.county_b)
    make(LetterKind.ANSWER, "denied")
    make(LetterKind.ANSWER, "")
    with pytest.raises(IntegrityError), transaction.atomic():
        make(LetterKind.CORRECTION, "denied")  # groups are for answers only


@pytest.mark.django_db
def test_full_clean_reports_duplicates_in_chinese() -> None:
    make(LetterKind.FEE)
    duplicate = LetterTemplate(kind=LetterKind.FEE, title="T", body="正文")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "已有此种文书（及答复结果分组）的全站通用模板。" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("第一行\n{% if reasons %}\n理由", ["模板第2行有语法错误", "缺少 {% endif %}"]),
        ("{{ applicant_name|nosuchfilter }}", ["模板第1行有语法错误", "nosuchfilter"]),
        ("\n\n{% include 'x.html' %}", ["模板第3行有语法错误", "不能使用标签“include”", "可以使用的标签有"]),
        ("{% load static %}", ["不能使用标签“load”"]),
        ("{% debug %}", ["不能使用标签“debug”"]),
        ("{{ }}", ["模板第1行有语法错误"]),
    ],
)
def test_syntax_errors_are_explained_in_chinese_with_the_line(body: str, expected: list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_template(body)
    message = caught.value.messages[0]
    for part in expected:
        assert part in message, message


@pytest.mark.parametrize(
    ("body", "unknown"),
    [
        ("{{ secret_key }}", "secret_key"),
        ("{{ applicant_name|default:password }}", "password"),
        ("{% if settings.DEBUG %}x{% endif %}", "settings"),
        ("{% if not user and reasons %}x{% endif %}", "user"),
        ("{% for x in request.GET %}{{ x }}{% endfor %}", "request"),
        ("{% with a=csrf_token %}{{ a }}{% endwith %}", "csrf_token"),
        ("{% firstof foo reasons %}", "foo"),
    ],
)
def test_unknown_variables_are_refused_with_the_allowed_names(body: str, unknown: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_template(body)
    message = caught.value.messages[0]
    assert f"模板使用了未知的变量：{unknown}" in message
    assert "applicant_name" in message and "remedy" in message


@pytest.mark.parametrize(
    "body",
    [
        "{% for line in fee_explanation %}{{ forloop.counter }}. {{ line|sentence }}\n\n{% endfor %}",
        "{% with name=applicant_name %}{{ name }}{% endwith %}",
        "{% now 'Y' as year %}{{ year }}",
        "{% if outcome_group == 'denied' or fee_amount > 0 %}{{ remedy }}{% endif %}",
        "{% for p in remedy %}{{ p }}{% endfor %}{{ issued_on.year }}{{ reasons|default:legal_basis }}",
        "{% filter upper %}{{ applicant_name }}{% endfilter %}{# comment #}",
    ],
)
def test_valid_templates_pass(body: str) -> None:
    validate_template(body)


def test_allowed_names_are_the_context_fields_and_remedy() -> None:
    names = allowed_names()
    assert names[0] == "kind" and names[-1] == "remedy"
    assert {"applicant_name", "receipt_date", "fee_explanation", "responsible_agency", "court"} <= set(names)


@pytest.mark.django_db
def test_model_validation_puts_errors_on_the_fields() -> None:
    template = LetterTemplate(
        kind=LetterKind.RECEIPT, outcome_group="denied", title="{{ nope }}", body="{% if %}"
    )
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    errors = caught.value.message_dict
    assert set(errors) >= {"outcome_group", "title", "body"}
    assert "只有答复书可以按答复结果分组设置模板。" in errors["outcome_group"]
