"""``{% item_rows rows query %}``: the rows of a public list of entries (``_item_table.html``), made in
Python; ``{% facet_options facet %}`` and ``{% facet_links facet %}``: a browsing facet's values.

The same markup the template's ``{% for %}`` made (index number, title linked to the entry, date, 文号; the
words of ``query`` marked as :func:`~gongkai.catalogue.templatetags.catalogue_search.highlight` marks
them), byte for byte, at a fifth of its cost: four translated labels, three filters and a ``{% url %}``
per row were most of a list page's time with the page cache off (issue 16). Every value is escaped as
``format_html`` escapes it (:func:`_escaped`) or by ``highlight``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from gongkai.catalogue.templatetags.catalogue_search import highlight
from gongkai.core.reversing import fast_reverse

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


@register.simple_tag(takes_context=True)
def item_rows(context: Any, rows: Iterable[Any], query: object = "") -> SafeString:
    """The ``<tr>`` of each row (entries of the column's agency, ``context["agency"]``)."""
    short_code = context["agency"].short_code
    index_label, title_label = _escaped(gettext("索引号")), _escaped(gettext("名称"))
    date_label, number_label = _escaped(gettext("发布日期")), _escaped(gettext("文号"))

    def mark(text: object) -> str:
        return str(highlight(text, query)) if query else _escaped("" if text is None else text)

    made = []
    for row in rows:
        day = row.published_on.isoformat() if row.published_on else ""
        made.append(
            _ROW.format(
                index_label,
                mark(row.index_number),
                title_label,
                _escaped(fast_reverse("catalogue_public:item", short_code, row.pk)),
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
