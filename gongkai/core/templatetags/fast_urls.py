"""``{% url %}`` through :func:`gongkai.core.reversing.fast_reverse` (``{% load fast_urls %}``, after i18n).

The base template draws up to 17 links on every signed-in page; Django's tag resolves each pattern again
(~50 µs each: a tenth of a bare signed-in page's CPU, issue 16). This tag is Django's (same syntax, same
parsing) and writes the same URL: positional arguments that need no quoting go through ``fast_reverse``
(reversed once per process, script prefix and URLconf); keyword arguments, ``as var``, an argument that
needs quoting, or a URLconf where an application namespace has more than one instance (where Django's tag
would choose the instance by the request's ``current_app``) are left to Django's tag.
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.conf import settings
from django.template import Context
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_resolver, get_urlconf
from django.utils.html import conditional_escape

from gongkai.core.reversing import fast_reverse

register = template.Library()


@functools.lru_cache(maxsize=8)
def _namespaces_unambiguous(urlconf: str) -> bool:
    """Whether every application namespace of ``urlconf`` has one instance (``current_app`` then never
    changes what ``reverse`` returns)."""
    return all(len(instances) == 1 for instances in get_resolver(urlconf).app_dict.values())


class FastURLNode(URLNode):
    def render(self, context: Context) -> str:
        urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
        if self.kwargs or self.asvar or not _namespaces_unambiguous(urlconf):
            return str(super().render(context))
        args: list[Any] = [arg.resolve(context) for arg in self.args]
        if not all(type(arg) in (str, int) for arg in args):
            return str(super().render(context))
        url = fast_reverse(str(self.view_name.resolve(context)), *args)
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> FastURLNode:
    """Django's ``{% url %}``, written through ``fast_reverse`` where that gives the same URL."""
    node = django_url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
