"""No form lets the browser cut pasted text silently: every form with a length-limited text field drops the
``maxlength`` attribute (core.forms.LengthCheckedForm) and says, after submitting, how long the text is and
what the limit is (issue 11: a 5,000+ character description was cut without a word)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django import forms

import gongkai
from gongkai.core.forms import LengthCheckedForm

#: Forms whose limited fields no one types into: hidden fields (masking and redacting a hit), and the
#: admin's calendar upload.
EXEMPT = {
    "gongkai.catalogue.forms_manage.MaskForm",
    "gongkai.catalogue.forms_manage.RedactForm",
    "gongkai.workdays.forms.CalendarLoadForm",
}


def form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for info in pkgutil.walk_packages(gongkai.__path__, "gongkai."):
        if "forms" not in info.name.rsplit(".", 1)[-1]:
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(found.values())


def test_every_form_with_a_length_limit_says_so_instead_of_cutting() -> None:
    classes = form_classes()
    assert len(classes) > 30  # the walk found the forms
    offenders = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in classes
        if any(
            isinstance(f, forms.CharField) and f.max_length for f in getattr(cls, "base_fields", {}).values()
        )
        and not issubclass(cls, LengthCheckedForm)
        and f"{cls.__module__}.{cls.__qualname__}" not in EXEMPT
    ]
    assert offenders == []
