"""``{% item_rows rows query %}``: the rows of a public list of entries (``_item_table.html``), made in
Python; ``{% facet_options facet %}`` and ``{% facet_links facet %}``: a browsing facet's values;
``{% facet_fields facets %}`` and ``{% facet_sections facets %}``: every facet's ``<select>`` and list.

The same markup the template's ``{% for %}`` made (index number, title linked to the entry, date, 文号; the
words of ``query`` marked as :func:`~gongkai.catalogue.templatetags.catalogue_search.highlight` marks
them: :func:`_marked`), byte for byte, at a fifth of its cost: four translated labels, three filters and
a ``{% url %}`` per row were most of a list page's time with the page cache off (issue 16). Every value is
escaped as ``format_html`` escapes it (:func:`_escaped`) or by ``highlight``.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from gongkai.catalogue.search import highlight as pieces
from gongkai.core.reversing import filler

register = template.Library()

_ROW = (
    '\n    <tr>\n      <td class="gk-list__index" data-label="{}">{}</td>\n'
    '      <td data-label="{}"><a href="{}">{}</a></td>\n'
    '      <td class="gk-list__date" data-label="{}"><time datetime="{}">{}</time></td>\n'
    '      <td class="gk-list__number" data-label="{}">{}</td>\n    </tr>\n    '
)


def _escaped(value: object) -> str:
    """What ``format_html`` makes of one argument (:func:`~django.utils.html.conditional_escape`): safe text
    as it is, anything else escaped by :func:`html.escape` — as Django's ``escape`` does, without the lazy
    text check around it that cost more than the escaping (a list page escapes ~700 values)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _marked(text: object, query: str) -> str:
    """What :func:`~gongkai.catalogue.templatetags.catalogue_search.highlight` makes of ``text`` for a
    non-empty ``query``, without its lazy-text checks (a page of results marks ~40 fields)."""
    return "".join(
        f"<mark>{html.escape(piece)}</mark>" if marked else html.escape(piece)
        for piece, marked in pieces("" if text is None else str(text), query)
    )


@register.simple_tag(takes_context=True)
def item_rows(context: Any, rows: Iterable[Any], query: object = "") -> SafeString:
    """The ``<tr>`` of each row (entries of the column's agency, ``context["agency"]``)."""
    short_code = context["agency"].short_code
    index_label, title_label = _escaped(gettext("索引号")), _escaped(gettext("名称"))
    date_label, number_label = _escaped(gettext("发布日期")), _escaped(gettext("文号"))
    words = str(query) if query else ""
    # The entries' links from one reversed pattern (reversing.filler: looked up once for the page).
    link = filler("catalogue_public:item", 2)

    def mark(text: object) -> str:
        return _marked(text, words) if words else _escaped("" if text is None else text)

    made = []
    for row in rows:
        day = row.published_on.isoformat() if row.published_on else ""
        made.append(
            _ROW.format(
                index_label,
                mark(row.index_number),
                title_label,
                _escaped(link(short_code, row.pk)),
                mark(row.title),
                date_label,
                day,
                day,
                number_label,
                mark(row.doc_number) if row.doc_number else "—",
            )
        )
    return mark_safe("".join(made))  # noqa: S308 - every value is escaped above


@register.simple_tag
def facet_options(facet: Any) -> SafeString:
    """The ``<option>`` of each value of a browsing facet (the filter form's ``<select>``)."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            f'<option value="{_escaped(value.value)}"{" selected" if value.current else ""}>'
            f"{_escaped(value.label)}</option>"
            for value in facet.values
        )
    )


_CURRENT = ' aria-current="true" class="is-current"'


@register.simple_tag
def facet_links(facet: Any) -> SafeString:
    """The ``<li>`` of each value of a browsing facet (its link and count, the list beside the results)."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            f'\n      <li><a href="{_escaped(value.url)}"{_CURRENT if value.current else ""}>'
            f'{_escaped(value.label)}</a> <span class="gk-facet__count">{_escaped(value.count)}</span>'
            "</li>\n      "
            for value in facet.values
        )
    )


@register.simple_tag
def facet_fields(facets: Iterable[Any]) -> SafeString:
    """The filter form's ``<select>`` of each browsing facet (its label, "全部" and its values): what the
    form's ``{% for facet in facets %}`` loop made, byte for byte."""
    everything = _escaped(gettext("全部"))
    made = []
    for facet in facets:
        key = _escaped(facet.key)
        made.append(
            f'\n    <div class="gk-field">\n      <label for="gk-{key}">{_escaped(facet.label)}</label>\n'
            f'      <select id="gk-{key}" name="{key}">\n        <option value="">{everything}</option>\n'
            f"        {facet_options(facet)}\n      </select>\n    </div>\n    "
        )
    return mark_safe("".join(made))  # noqa: S308 - every value is escaped here


@register.simple_tag
def facet_sections(facets: Iterable[Any]) -> SafeString:
    """The browsing list's ``<section>`` of each facet that has values (its title, "不限" when one of its
    values is chosen, its links): what the list's ``{% for facet in facets %}`` loop made, byte for byte."""
    any_value = _escaped(gettext("不限"))
    made = []
    for facet in facets:
        made.append("\n  ")
        if facet.values:
            unset = f'<li><a href="{_escaped(facet.all_url)}">{any_value}</a></li>' if facet.active else ""
            made.append(
                f'\n  <section class="gk-facet">\n    <h3>{_escaped(facet.title)}</h3>\n    <ul>\n'
                f"      {unset}\n      {facet_links(facet)}\n    </ul>\n  </section>\n  "
            )
        made.append("\n  ")
    return mark_safe("".join(made))  # noqa: S308 - every value is escaped here


#: The words of a list's page links (``_pagination.html``), as its template translated them (marked for
#: ``makemessages``: they are translated through a variable).
_PAGE_WORDS = (
    gettext_noop("分页"),
    gettext_noop("上一页"),
    gettext_noop("第"),
    gettext_noop("页"),
    gettext_noop("下一页"),
)
#: The line under the links, as ``{% blocktranslate with number=… total=… %}`` asks for it.
_WHERE = gettext_noop("第 %(number)s 页，共 %(total)s 页")


@functools.lru_cache(maxsize=16)
def _page_words(language: str | None) -> tuple[str, ...]:
    """:data:`_PAGE_WORDS` translated and escaped, once per language (the catalogues do not change while the
    process runs)."""
    return tuple(html.escape(gettext(word)) for word in _PAGE_WORDS)


@register.simple_tag(takes_context=True)
def pagination(context: Any) -> SafeString:
    """A list's page links (``page_links``, ``previous_url``, ``next_url`` and ``page`` of
    :func:`~gongkai.catalogue.presenters_public.page_context`): the ``<nav>`` that ``_pagination.html``'s
    ``{% if page_links %}`` drew, byte for byte (each value written as the template writes a variable:
    ``render_value_in_context``), without its ~20 ``{% translate %}`` per page."""
    links = context.get("page_links")
    if not links:
        return mark_safe("")
    label, previous, before, after, following = _page_words(get_language())

    def value(text: object) -> str:
        return str(render_value_in_context(text, context))

    made = [f'\n<nav class="gk-pagination" aria-label="{label}">\n  <ul>\n    ']
    if context.get("previous_url"):
        made.append(f'<li><a href="{value(context.get("previous_url"))}" rel="prev">{previous}</a></li>')
    made.append("\n    ")
    for link in links:
        if link.get("ellipsis"):
            made.append(
                f'\n      <li><span aria-hidden="true">{value(link.get("label"))}</span></li>\n      \n    '
            )
            continue
        current = ' aria-current="page" class="is-current"' if link.get("current") else ""
        made.append(
            f'\n      <li><a href="{value(link.get("url"))}"{current}>'
            f'<span class="visually-hidden">{before}</span>{value(link.get("label"))}'
            f'<span class="visually-hidden">{after}</span></a></li>'
            + ("\n      \n    " if current else "\n    ")
        )
    made.append("\n    ")
    if context.get("next_url"):
        made.append(f'<li><a href="{value(context.get("next_url"))}" rel="next">{following}</a></li>')
    page = context.get("page")
    numbers = {"number": value(page.number), "total": value(page.paginator.num_pages)}
    try:
        where = gettext(_WHERE) % numbers
    except (KeyError, ValueError):  # a broken translation: the source text, as {% blocktranslate %} does
        where = _WHERE % numbers
    made.append(f'\n  </ul>\n  <p class="gk-pagination__where">{where}</p>\n</nav>\n')
    return mark_safe("".join(made))  # noqa: S308 - every value is escaped here
