"""The Django template engine for letters, and the validation of an edited template.

Letters are Word text, not HTML: the engine does not autoescape. It knows the filters of
``django.template.defaultfilters`` and only the tags of :mod:`gongkai.letters.template_library`;
nothing is ever loaded from files. A template may use only the fields of
:class:`~gongkai.letters.context.LetterContext`, ``remedy``, and names it binds itself
(``{% for x in ... %}``, ``{% with ... %}``, ``... as name``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Node, Variable
from django.template.defaulttags import FilterNode, ForNode, TemplateLiteral, WithNode
from django.template.smartif import TokenBase
from django.utils.translation import gettext as _

from gongkai.letters.context import variable_names
from gongkai.letters.template_library import ALLOWED_TAGS

#: Template variables besides the fields of LetterContext.
EXTRA_VARIABLES: tuple[str, ...] = ("remedy",)
#: Names every Django context knows, and the loop variable of {% for %}.
_BUILTIN_NAMES = frozenset({"True", "False", "None", "forloop"})


class LetterEngine(Engine):
    default_builtins = ["django.template.defaultfilters", "gongkai.letters.template_library"]


@cache
def letter_engine(*, debug: bool = False) -> LetterEngine:
    """The engine letters are rendered with (``debug`` adds line numbers to syntax errors)."""
    return LetterEngine(autoescape=False, debug=debug, string_if_invalid="", loaders=[])


def allowed_names() -> list[str]:
    """The variables a letter template may use, in the order shown to administrators."""
    return [*variable_names(), *EXTRA_VARIABLES]


def compile_template(source: str) -> Template:
    """Compile ``source`` with the letter engine (raises :class:`TemplateSyntaxError`)."""
    return letter_engine().from_string(source)


def validate_template(source: str) -> Template:
    """Compile ``source`` and check its variables; raise a Chinese :class:`ValidationError` if wrong."""
    try:
        template = letter_engine(debug=True).from_string(source)
    except TemplateSyntaxError as exc:
        raise ValidationError(_syntax_message(exc), code="template_syntax") from exc
    unknown = sorted(used_names(template) - set(allowed_names()) - bound_names(template) - _BUILTIN_NAMES)
    if unknown:
        raise ValidationError(
            _("模板使用了未知的变量：%(unknown)s。可以使用的变量有：%(allowed)s。")
            % {"unknown": "、".join(unknown), "allowed": "、".join(allowed_names())},
            code="template_unknown_variable",
        )
    return template


def used_names(template: Template) -> set[str]:
    """The first component of every variable the template reads (``a`` of ``{{ a.b|default:c }}``)."""
    names: set[str] = set()
    for node in _all_nodes(template):
        if isinstance(node, FilterNode):
            # {% filter upper %}: its expression reads the block's own output, not a variable.
            continue
        for value in vars(node).values():
            names |= _names_in(value)
    return names


def bound_names(template: Template) -> set[str]:
    """Names the template binds itself (loop variables, ``with`` names, ``as`` targets)."""
    names: set[str] = set()
    for node in _all_nodes(template):
        if isinstance(node, ForNode):
            names |= set(node.loopvars)
        elif isinstance(node, WithNode):
            names |= set(node.extra_context)
        for attribute in ("asvar", "variable_name"):
            value = getattr(node, attribute, None)
            if isinstance(value, str) and value:
                names.add(value)
    return names


def _all_nodes(template: Template) -> Iterator[Node]:
    yield from template.nodelist.get_nodes_by_type(Node)


def _names_in(value: Any, depth: int = 0) -> set[str]:
    if depth > 20:  # pragma: no cover - defensive: expressions are shallow
        return set()
    if isinstance(value, FilterExpression):
        names = _variable_name(value.var)
        for _func, args in value.filters:
            for is_variable, arg in args:
                if is_variable:
                    names |= _variable_name(arg)
        return names
    if isinstance(value, TemplateLiteral):
        return _names_in(value.value, depth + 1)
    if isinstance(value, TokenBase):  # {% if %} operators: first (and second) operand
        return _names_in(getattr(value, "first", None), depth + 1) | _names_in(
            getattr(value, "second", None), depth + 1
        )
    if isinstance(value, dict):
        return set().union(*(_names_in(v, depth + 1) for v in value.values()))
    if isinstance(value, list | tuple):
        return set().union(*(_names_in(v, depth + 1) for v in value))
    return set()


def _variable_name(var: Any) -> set[str]:
    if isinstance(var, Variable) and var.lookups:
        return {var.lookups[0]}
    return set()


_INVALID_TAG = re.compile(r"Invalid block tag on line \d+: '([^']*)'")
_INVALID_FILTER = re.compile(r"Invalid filter: '([^']*)'")


def _syntax_message(exc: TemplateSyntaxError) -> str:
    line = _error_line(exc)
    message = str(exc)
    if match := _INVALID_TAG.search(message):
        detail = _("不能使用标签“%(tag)s”（或者缺少与之配对的结束标签）。可以使用的标签有：%(allowed)s。") % {
            "tag": match.group(1),
            "allowed": "、".join(ALLOWED_TAGS),
        }
    elif match := _INVALID_FILTER.search(message):
        detail = _("没有名为“%(filter)s”的过滤器。") % {"filter": match.group(1)}
    elif "Unclosed tag" in message:
        detail = _("标签没有结束标签（例如 {% if %} 缺少 {% endif %}）。")
    else:
        detail = _("无法解析：%(error)s") % {"error": message}
    if line is None:
        return _("模板有语法错误：%(detail)s") % {"detail": detail}
    return _("模板第%(line)s行有语法错误：%(detail)s") % {"line": line, "detail": detail}


def _error_line(exc: TemplateSyntaxError) -> int | None:
    debug = getattr(exc, "template_debug", None)
    if isinstance(debug, dict) and isinstance(debug.get("line"), int):
        return int(debug["line"])
    return None
