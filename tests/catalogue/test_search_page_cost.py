"""The column's search page made with less Python (issue 16, page18), showing what it showed: the facets'
blocks and the page links made in Python against the template markup they replace, the facet links from one
quoted prefix against ``query_string``, highlighting folded in one pass against the character-by-character
fold, and the kept fragments of the base and column templates (``{% kept %}``) — keyed by language, agency
and signed-in reader, bounded, never holding a block or a token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.template import Context, Template, TemplateSyntaxError, engines
from django.test import Client
from django.utils import translation

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import ItemKind
from gongkai.catalogue.presenters_public import facets, page_context, query_string, query_string_parts
from gongkai.catalogue.public_filters import Filters
from gongkai.core.templatetags import kept
from tests.catalogue.public_factories import category, make_item
from tests.conftest import Tree, make_user

URL = "/gk/county-a/catalogue/"
HOSTILE = "<script>\"&'预算"


@pytest.fixture(autouse=True)
def cache_off(settings: Any) -> None:
    """Every page made (the page cache would serve the second request of a page from the first)."""
    settings.GONGKAI_PAGE_CACHE = False


@pytest.fixture(params=["zh-hans", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    with translation.override(request.param):
        yield request.param


# --- The facets' blocks -------------------------------------------------------------------------------------

_OLD_FIELDS = (
    "{% load i18n catalogue_public %}{% for facet in facets %}\n"
    '    <div class="gk-field">\n'
    '      <label for="gk-{{ facet.key }}">{{ facet.label }}</label>\n'
    '      <select id="gk-{{ facet.key }}" name="{{ facet.key }}">\n'
    '        <option value="">{% translate "全部" %}</option>\n'
    "        {% facet_options facet %}\n"
    "      </select>\n"
    "    </div>\n"
    "    {% endfor %}"
)
_OLD_SECTIONS = (
    "{% load i18n catalogue_public %}{% for facet in facets %}\n"
    "  {% if facet.values %}\n"
    '  <section class="gk-facet">\n'
    "    <h3>{{ facet.title }}</h3>\n"
    "    <ul>\n"
    '      {% if facet.active %}<li><a href="{{ facet.all_url }}">{% translate "不限" %}</a></li>'
    "{% endif %}\n"
    "      {% facet_links facet %}\n"
    "    </ul>\n"
    "  </section>\n"
    "  {% endif %}\n"
    "  {% endfor %}"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        {"q": HOSTILE},
        {"q": "预", "kind": "information", "page": "2"},
        {"kind": "information", "q": HOSTILE, "year": "2025"},
        {},
    ],
)
def test_the_facet_blocks_made_in_python_are_the_template_s(
    tree: Tree, language: str, raw: dict[str, str]
) -> None:
    make_item(tree.county_a, "2024年部门预算", category=category("财政、金融、审计"), article20_item=7)
    make_item(tree.county_a, "关于取水许可的决定", kind=ItemKind.LICENSING)
    chosen = Filters(kind=ItemKind.INFORMATION, raw=raw) if "kind" in raw else Filters(raw=raw)
    context = {"facets": facets(tree.county_a, chosen)}
    engine = engines["django"]
    for old, new in (
        (_OLD_FIELDS, "{% facet_fields facets %}"),
        (_OLD_SECTIONS, "{% facet_sections facets %}"),
    ):
        made = engine.from_string("{% load catalogue_public %}" + new).render(context)
        assert made == engine.from_string(old).render(context)
        assert "<script>" not in made
    sections = engine.from_string("{% load catalogue_public %}{% facet_sections facets %}").render(context)
    if raw.get("q") == HOSTILE:
        assert "q=%3Cscript%3E%22%26%27" in sections  # the query quoted in every link, then escaped
    if "kind" in raw:
        assert ("Any" if language == "en" else "不限") in sections


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": HOSTILE},
        {"q": "a b", "kind": "x&y", "year": "2025"},
        {"page": "3", "kind": "information", "q": "预算"},
        {"year": "2024", "page": "2"},
    ],
)
@pytest.mark.parametrize("key", ["kind", "year", "category"])
def test_a_facet_s_links_from_one_prefix_are_query_string_s(params: dict[str, str], key: str) -> None:
    head, tail = query_string_parts(params, key)
    for value in ("7", "information", "<b>&'\"", "年 份"):
        assert head + urlencode({"": value})[1:] + tail == query_string(params, **{key: value})
        # …which is urlencode's own writing of the query, without the page.
        expected = {k: v for k, v in params.items() if k != "page"} | {key: value}
        assert query_string(params, **{key: value}) == "?" + urlencode(expected)


# --- The page links -------------------------------------------------------------------------------------

_OLD_PAGINATION = (
    "{% load i18n %}\n{% if page_links %}\n"
    '<nav class="gk-pagination" aria-label="{% translate \'分页\' %}">\n  <ul>\n'
    '    {% if previous_url %}<li><a href="{{ previous_url }}" rel="prev">{% translate "上一页" %}</a></li>'
    "{% endif %}\n"
    "    {% for link in page_links %}\n"
    '      {% if link.ellipsis %}<li><span aria-hidden="true">{{ link.label }}</span></li>\n'
    '      {% elif link.current %}<li><a href="{{ link.url }}" aria-current="page" class="is-current">'
    '<span class="visually-hidden">{% translate "第" %}</span>{{ link.label }}'
    '<span class="visually-hidden">{% translate "页" %}</span></a></li>\n'
    '      {% else %}<li><a href="{{ link.url }}"><span class="visually-hidden">{% translate "第" %}</span>'
    '{{ link.label }}<span class="visually-hidden">{% translate "页" %}</span></a></li>{% endif %}\n'
    "    {% endfor %}\n"
    '    {% if next_url %}<li><a href="{{ next_url }}" rel="next">{% translate "下一页" %}</a></li>'
    "{% endif %}\n"
    '  </ul>\n  <p class="gk-pagination__where">{% blocktranslate with number=page.number '
    "total=page.paginator.num_pages %}第 {{ number }} 页，共 {{ total }} 页{% endblocktranslate %}</p>\n"
    "</nav>\n{% endif %}\n"
)


@pytest.mark.parametrize(
    ("entries", "number"), [(5, 1), (45, 1), (45, 2), (45, 3), (400, 1), (400, 10), (400, 20)]
)
@pytest.mark.parametrize("params", [{}, {"q": HOSTILE, "page": "4"}])
def test_the_page_links_made_in_python_are_the_template_s(
    language: str, entries: int, number: int, params: dict[str, str]
) -> None:
    page = Paginator(range(entries), 20).get_page(number)
    context = page_context(page, params)
    engine = engines["django"]
    made = engine.get_template("catalogue/public/_pagination.html").render(context)
    assert made == engine.from_string(_OLD_PAGINATION).render(context)
    if entries > 20:
        assert "<script>" not in made and ("Page" if language == "en" else "第") in made
    if entries == 400 and number == 10:
        assert made.count('aria-hidden="true"') == 2  # the elided ranges on both sides


# --- Kept fragments -------------------------------------------------------------------------------------


def _render(source: str, **values: Any) -> str:
    return engines["django"].from_string("{% load kept %}" + source).render(values)


def test_a_kept_fragment_is_made_once_per_key_and_language() -> None:
    template = engines["django"].from_string(
        "{% load i18n kept %}{% kept name %}{{ name }}·{{ other }}·{% translate '首页' %}{% endkept %}"
    )
    with translation.override("zh-hans"):
        assert template.render({"name": "甲", "other": 1}) == "甲·1·首页"
        assert template.render({"name": "甲", "other": 2}) == "甲·1·首页"  # "other" is not in the key
        assert template.render({"name": "乙", "other": 2}) == "乙·2·首页"  # a new name: made again
    with translation.override("en"):
        assert template.render({"name": "甲", "other": 3}) == "甲·3·Home"


def test_a_kept_fragment_escapes_its_values_and_keys_safe_text_apart() -> None:
    from django.utils.safestring import mark_safe

    template = engines["django"].from_string("{% load kept %}{% kept name %}<b>{{ name }}</b>{% endkept %}")
    assert template.render({"name": HOSTILE}) == "<b>&lt;script&gt;&quot;&amp;&#x27;预算</b>"
    assert template.render({"name": mark_safe("<i>x</i>")}) == "<b><i>x</i></b>"
    assert template.render({"name": "<i>x</i>"}) == "<b>&lt;i&gt;x&lt;/i&gt;</b>"


def test_unless_and_unkeyable_values_render_every_time() -> None:
    template = engines["django"].from_string(
        "{% load kept %}{% kept name unless signed_in %}{{ n }}{% endkept %}"
    )
    assert template.render({"name": "a", "n": 1, "signed_in": True}) == "1"
    assert template.render({"name": "a", "n": 2, "signed_in": True}) == "2"
    assert template.render({"name": "a", "n": 3, "signed_in": False}) == "3"
    assert template.render({"name": "a", "n": 4, "signed_in": False}) == "3"
    assert template.render({"name": ["a"], "n": 5}) == "5"  # a list is no key: not kept
    assert template.render({"name": ["a"], "n": 6}) == "6"


def test_a_kept_fragment_may_hold_neither_a_block_nor_a_token() -> None:
    with pytest.raises(TemplateSyntaxError, match="block"):
        _render("{% kept %}{% block x %}{% endblock %}{% endkept %}")
    with pytest.raises(TemplateSyntaxError, match="csrf_token"):
        _render("{% kept %}{% csrf_token %}{% endkept %}")
    with pytest.raises(TemplateSyntaxError, match="another"):  # whose token the outer one would keep
        _render("{% kept %}{% kept unless a %}{% csrf_token %}{% endkept %}{% endkept %}")
    with pytest.raises(TemplateSyntaxError, match="unless"):
        _render("{% kept unless a b %}{% endkept %}")
    with pytest.raises(TemplateSyntaxError, match="include"):  # what it includes is not checked
        _render('{% kept %}{% include "catalogue/public/_pagination.html" %}{% endkept %}')


def test_kept_fragments_are_bounded_and_forgotten_with_a_setting(settings: Any) -> None:
    template = Template("{% load kept %}{% kept n %}{{ n }}·{{ m }}{% endkept %}")
    node = next(n for n in template.nodelist if isinstance(n, kept.KeptNode))
    last = kept.KEPT_PER_FRAGMENT + 49
    for n in range(last + 1):
        template.render(Context({"n": n, "m": 0}))
    assert len(node.made) == kept.KEPT_PER_FRAGMENT
    assert template.render(Context({"n": 0, "m": 1})) == "0·1"  # the oldest was forgotten: made again
    assert template.render(Context({"n": last, "m": 1})) == f"{last}·0"
    settings.STATIC_URL = "/elsewhere/"
    assert node.made == {}


def _chrome(page: str) -> str:
    """The page without its own part (the column's main block)."""
    return re.sub(r'<div class="gk-main">.*</div>\s*</div>\s*</div>', "", page, flags=re.S)


@pytest.mark.django_db
def test_the_search_page_in_english_and_chinese_for_anyone_and_for_staff(tree: Tree) -> None:
    make_item(tree.county_a, HOSTILE + "通知", category=category("财政、金融、审计"))
    staff = make_user("page18-officer", is_staff=True, is_superuser=True)
    english, chinese, signed_in = Client(), Client(), Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    signed_in.force_login(staff)
    url = URL + "?" + urlencode({"q": HOSTILE})
    for _ in range(2):  # the second time from the kept fragments
        zh = chinese.get(url).content.decode()
        en = english.get(url).content.decode()
        staff_page = signed_in.get(url).content.decode()
        assert 'lang="zh-CN"' in zh and "跳到正文" in zh and "登录" in zh
        assert 'lang="en"' in en and "Skip to content" in en and "Log in" in en
        assert '<option value="en" lang="en" selected>' in en and '<option value="en" lang="en">' in zh
        # The signed-in reader's page is never kept: their links, their name, their token.
        assert "管理后台" in staff_page and "退出登录" in staff_page and "csrfmiddlewaretoken" in staff_page
        assert "管理后台" not in zh and "csrfmiddlewaretoken" not in zh
        for page in (zh, en, staff_page):
            assert "<script>" not in page
            assert 'value="&lt;script&gt;&quot;&amp;&#x27;预算"' in page
            # The query's words marked across its punctuation, everything escaped.
            assert "&lt;<mark>script&gt;&quot;&amp;&#x27;预算</mark>通知</a>" in page
    # The language switcher's "next" is each request's own path.
    assert 'name="next" type="hidden" value="/gk/county-a/catalogue/?q=%3Cscript%3E' in zh
    assert 'value="/gk/county-b/catalogue/"' in chinese.get("/gk/county-b/catalogue/").content.decode()


@pytest.mark.django_db
def test_a_renamed_agency_s_column_shows_its_new_name(tree: Tree) -> None:
    client = Client()
    assert "甲县人民政府" in _chrome(client.get(URL + "?q=预").content.decode())
    Agency.objects.filter(pk=tree.county_a.pk).update(name="甲县<新>人民政府")
    page = client.get(URL + "?q=预").content.decode()
    assert "甲县&lt;新&gt;人民政府" in _chrome(page) and "甲县人民政府" not in page
    # Each part of the column marks its own link as the current one.
    assert (
        'href="/gk/county-a/rules/" class="is-current"' in client.get("/gk/county-a/rules/").content.decode()
    )
    assert 'href="/gk/county-a/catalogue/" class="is-current"' in page
