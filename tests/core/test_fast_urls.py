"""``{% load fast_urls %}``'s ``{% url %}`` writes what Django's tag writes (core.templatetags.fast_urls)."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template
from django.urls import NoReverseMatch, set_script_prefix

CASES = [
    ("{% url 'cases:queue' %}", {}),
    ("{% url 'office:notifications' %}", {}),
    ("{% url 'cases:detail' pk %}", {"pk": 42}),
    ("{% url 'cases:detail' pk %}", {"pk": "17"}),
    ("{% url 'cases:detail' pk=pk %}", {"pk": 9}),  # keywords: Django's tag
    ("{% url 'cases:detail' pk as link %}[{{ link }}]", {"pk": 5}),  # as var: Django's tag
    ("{% url name %}", {"name": "cases:queue"}),  # the name from a variable
    ("{% url 'catalogue_public:index' %}?x=<&>", {}),
]


def _both(source: str, context: dict[str, object]) -> tuple[str, str]:
    engine = Engine.get_default()
    django_version = Template("{% load i18n %}" + source, engine=engine).render(Context(context))
    ours = Template("{% load i18n fast_urls %}" + source, engine=engine).render(Context(context))
    return django_version, ours


@pytest.mark.parametrize(("source", "context"), CASES)
def test_same_as_django(source: str, context: dict[str, object]) -> None:
    django_version, ours = _both(source, context)
    assert ours == django_version
    assert ours.strip("[]").startswith("/")


def test_script_prefix_is_kept() -> None:
    set_script_prefix("/gongkai/")
    try:
        django_version, ours = _both("{% url 'cases:queue' %} {% url 'cases:detail' 3 %}", {})
    finally:
        set_script_prefix("/")
    assert ours == django_version
    assert ours.startswith("/gongkai/")


def test_an_argument_to_quote_goes_to_django() -> None:
    # Not a slug: Django's reverse() is asked, and refuses it as Django's tag does.
    for code in ("a b", "中文"):
        with pytest.raises(NoReverseMatch):
            _both("{% url 'catalogue_public:column' code %}", {"code": code})
    django_version, ours = _both("{% url 'catalogue_public:item' code pk %}", {"code": "gk-1_x", "pk": 3})
    assert ours == django_version == "/gk/gk-1_x/items/3/"


def test_an_unknown_name_fails_as_in_django() -> None:
    with pytest.raises(NoReverseMatch):
        Template("{% load fast_urls %}{% url 'cases:nothing' %}").render(Context({}))
