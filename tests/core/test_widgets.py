"""gongkai.core.widgets: Django's Select and TextInput markup made in Python — equal to what Django's own
templates make, for the officer's queue filter form and for values that need escaping."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from gongkai.agencies.models import Agency
from gongkai.applications.forms_officer import QueueFilterForm
from gongkai.core.widgets import FastSelect, FastTextInput


def django_markup(form: forms.BaseForm) -> dict[str, str]:
    """Each field drawn by Django's own widget class (its templates), with the same attributes."""
    drawn = {}
    for bound in form:
        widget = bound.field.widget
        plain: forms.Widget
        if isinstance(widget, FastSelect):
            plain = forms.Select(attrs=widget.attrs, choices=widget.choices)
        elif isinstance(widget, FastTextInput):
            plain = forms.TextInput(attrs=widget.attrs)
        else:
            raise AssertionError(type(widget))
        drawn[bound.name] = str(bound.as_widget(widget=plain))
    return drawn


def our_markup(form: forms.BaseForm) -> dict[str, str]:
    return {bound.name: str(bound) for bound in form}


#: Agencies as the queue gives them to the form (id and name; never saved here).
AGENCIES = [
    Agency(pk=3, name="甲县财政局"),
    Agency(pk=7, name='A & B <"局">'),
    Agency(pk=11, name="乙县自然资源局"),
]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"state": "overdue", "agency": "7", "year": "2025", "q": "张三"},
        {"state": "all", "applicant_type": "commercial", "channel": "online", "q": "<script>\"&'"},
        {
            "state": "nonsense",
            "agency": "999",
            "year": "1990",
            "q": "x" * 150,
        },  # invalid: errors, same markup
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_queue_filters_are_drawn_as_django_draws_them(data: dict[str, str] | None, language: str) -> None:
    with override(language):
        form = QueueFilterForm(data, agencies=AGENCIES, years=[2026, 2025, 2024])
        form.is_valid()
        ours, theirs = our_markup(form), django_markup(form)
    assert ours == theirs
    assert "<option" in ours["state"] and "&lt;&quot;局&quot;&gt;" in ours["agency"]


class Widgets(forms.Form):
    choice = forms.ChoiceField(
        choices=[("", "—"), ("a&b", gettext_lazy("全部")), (1, "one"), ("safe", mark_safe("<b>safe</b>"))],
        required=False,
        widget=FastSelect(attrs={"class": "x", "data-n": 3, "disabled": True, "hidden": False}),
    )
    text = forms.CharField(
        required=False, max_length=20, help_text="帮助", widget=FastTextInput(attrs={"placeholder": '"引号"'})
    )


@pytest.mark.parametrize("data", [None, {"choice": "a&b", "text": "<>&\"'"}, {"choice": "1", "text": ""}])
def test_attributes_safe_text_and_numbers_are_written_as_the_templates_write_them(
    data: dict[str, Any] | None,
) -> None:
    form = Widgets(data)
    form.is_valid()
    assert our_markup(form) == django_markup(form)


def test_what_the_templates_would_write_differently_is_left_to_them() -> None:
    """Option groups, a number as a label (the template localizes it), an attribute that is a date."""
    grouped = FastSelect(choices=[("组", [("a", "甲"), ("b", "乙")])])
    assert str(grouped.render("g", "a")) == str(forms.Select(choices=grouped.choices).render("g", "a"))
    numbered = FastSelect(choices=[(2026, 2026)])
    assert str(numbered.render("n", 2026)) == str(forms.Select(choices=numbered.choices).render("n", 2026))
    dated = FastTextInput(attrs={"data-day": datetime.date(2026, 6, 1)})
    assert str(dated.render("d", "x")) == str(forms.TextInput(attrs=dated.attrs).render("d", "x"))
