"""``{% kept key … [unless condition] %}…{% endkept %}``: a fragment of a template made once per process for
each value of its key, then written from memory (``{% load kept %}``).

The base and column templates draw the same header, navigation, breadcrumb and footer on every public page:
~200 template nodes (``{% translate %}``, ``{% url %}``, ``{% static %}``, the language switcher's loop), a
sixth of a public search page's CPU with the page cache off (issue 16) for text that only changes with the
reader's language and the agency. A fragment in ``{% kept %}`` is rendered once per value of its key and
copied after that.

What a kept fragment shows must depend on nothing but

* the values its tag names (``{% kept agency.short_code agency.name %}``: each a string, a number, a boolean
  or ``None`` — with any other value, a lazy translation say, the fragment is rendered as usual), and
* what the tag adds to every key: the active language, the script prefix, the URLconf and whether the
  context escapes; the settings (a changed setting, in tests, forgets every kept fragment).

It may not hold a ``{% block %}`` (a child template may fill it), an ``{% include %}`` (what it includes is
not checked) nor a ``{% csrf_token %}`` (different on each request) — all refused when the template is
read — unless, for the token, the ``unless`` condition excludes the requests where it is drawn (``unless
user.is_authenticated``: a signed-in user's page is rendered as usual). A tag inside that sets a variable
(``{% get_available_languages as … %}``) sets it only when the fragment is made, not when it is copied: such
a variable may be used inside the fragment only.
The data of an agency is a key's own value (its name, its code), never a version of it, so that a renamed
agency's fragment is made again, and each fragment keeps at most :data:`KEPT_PER_FRAGMENT` values (the
oldest is forgotten first): the memory is bounded whatever the site holds.
"""

from __future__ import annotations

import weakref
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template import Context
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode, IncludeNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

#: The values each fragment keeps (an agency's breadcrumb in each language: 2 × 9 parts per agency).
KEPT_PER_FRAGMENT = 512
#: The types of the values a key may hold (a ``SafeString`` and a ``str`` of the same text are two keys).
_KEY_TYPES = frozenset({str, SafeString, int, bool, type(None)})
_NODES: weakref.WeakSet[KeptNode] = weakref.WeakSet()


#: Where a render keeps its script prefix and URLconf, read once per render (``RenderContext``'s first dict).
_ENVIRONMENT = object()


def _environment(context: Context) -> tuple[str, str]:
    """The script prefix and URLconf of this render (thread-local reads, done once per page)."""
    store: dict[Any, Any] = context.render_context.dicts[0]
    environment: tuple[str, str] | None = store.get(_ENVIRONMENT)
    if environment is None:
        environment = store[_ENVIRONMENT] = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    return environment


class KeptNode(Node):
    #: Not walked by ``get_nodes_by_type``: Django's ``{% extends %}`` walks the base template's every node
    #: on each page to find its blocks, and a kept fragment holds none (refused below), nor a nested one.
    child_nodelists = ()

    def __init__(
        self, nodelist: NodeList, keys: list[FilterExpression], unless: FilterExpression | None
    ) -> None:
        self.nodelist = nodelist
        self.keys = keys
        self.unless = unless
        self.made: dict[tuple[Any, ...], SafeString] = {}
        _NODES.add(self)

    def render(self, context: Context) -> str:
        if self.unless is not None and self.unless.resolve(context):
            return str(self.nodelist.render(context))
        values = [key.resolve(context) for key in self.keys]
        if not all(type(value) in _KEY_TYPES for value in values):
            return str(self.nodelist.render(context))
        key = (
            get_language(),
            *_environment(context),
            context.autoescape,
            *((type(value), value) for value in values),
        )
        made = self.made.get(key)
        if made is None:
            made = self.nodelist.render(context)
            if len(self.made) >= KEPT_PER_FRAGMENT:
                try:
                    del self.made[next(iter(self.made))]
                except (KeyError, RuntimeError, StopIteration):  # another thread changed it meanwhile
                    self.made.clear()
            self.made[key] = made
        return made

    def forget(self) -> None:
        self.made.clear()


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    """``{% kept [key …] [unless condition] %}…{% endkept %}`` (the module's docstring)."""
    bits = token.split_contents()[1:]
    unless: FilterExpression | None = None
    if "unless" in bits:
        at = bits.index("unless")
        if at != len(bits) - 2:
            raise template.TemplateSyntaxError("{% kept %}: 'unless' takes one condition, last")
        unless = parser.compile_filter(bits[at + 1])
        bits = bits[:at]
    keys = [parser.compile_filter(bit) for bit in bits]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(KeptNode):
        raise template.TemplateSyntaxError("{% kept %} cannot hold another {% kept %}")
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            "{% kept %} cannot hold a {% block %}: a child template may fill it"
        )
    if nodelist.get_nodes_by_type(IncludeNode):
        raise template.TemplateSyntaxError(
            "{% kept %} cannot hold an {% include %}: what it includes is not checked here"
        )
    if unless is None and nodelist.get_nodes_by_type(CsrfTokenNode):
        raise template.TemplateSyntaxError("{% kept %} cannot hold a {% csrf_token %} (one per request)")
    return KeptNode(nodelist, keys, unless)


def _forget_all(**kwargs: Any) -> None:
    for node in list(_NODES):
        node.forget()


setting_changed.connect(_forget_all, dispatch_uid="gongkai.core.templatetags.kept")
