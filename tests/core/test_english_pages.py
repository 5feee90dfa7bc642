"""Walking the main pages in English finds no untranslated UI text.

A small demo world (``gongkai seed-demo`` with fewer cases: agencies, users of each role, cases, a published
catalogue, published reports and drafts) is walked as each user with English selected. From each page's
visible text (and the ``title``/``placeholder``/``aria-label`` attributes) the test strips what the world
itself holds — every text stored in the database: agency names, titles, bodies, people's names, letters … —
and the Chinese that stays Chinese in English: names in 《》 (statutes, documents), the official row, column
and section labels of :mod:`gongkai.reports.model`, and the language switcher's "中文". Any CJK text left
is UI that was not translated, and the test fails listing it with the page it came from.

The checker's pages (``/check/``…) are left out: another piece of work translates them.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from io import StringIO
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models
from django.test import Client, override_settings
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.annual import services as report_services
from gongkai.annual.models import Report
from gongkai.applications import services as case_services
from gongkai.applications.models import Application
from gongkai.catalogue.models import Item
from gongkai.catalogue.taxonomy import ARTICLE_20_ITEMS, article_20_label, article_20_number
from gongkai.demo.management.commands import seed_demo
from gongkai.reports import model as report_model
from tests.applications.conftest import applicant, resident_id

pytestmark = pytest.mark.django_db

#: The demo world is built around this day (as in tests/annual/test_demo.py).
TODAY = datetime.datetime(2026, 6, 15, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
#: Punctuation alone (a full-width bracket or comma left around stripped data) is not a word.
CJK_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Names in 《》 (statutes, documents) and document numbers (国办函〔2020〕109号) stay as they are.
NAMED = re.compile(r"《[^《》]*》|[\u4e00-\u9fff]+〔\d{4}〕\d+号")
#: The switcher names each language in its own tongue; the footer explains the project's name, Gongkai (公开).
#: The apply form's help gives an example of a description in the language the request is written in.
#: A report draft's text (Chinese, the report's own language) marks what is left to write with 【请填写：…】.
#: The letter settings' help quotes what is printed on the (Chinese) letters: a number prefix, the bodies.
ALLOWED = (
    "中文",
    "简体中文",
    "公开",
    "某县财政局",
    "年部门预算公开说明",
    "【请填写：",
    "县政府办依申公",
    "依申请公开",
    "甲县人民政府",
    "上一级行政机关",
    "甲县人民法院",
    "人民法院",
)
#: Shorter data (a section number, a one-word value) is stripped only where it is a whole text node, so that
#: it does not hide a UI word it happens to be part of.
SUBSTRING_MIN = 4
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Text(HTMLParser):
    """The text a reader sees: text nodes outside script/style, and a few attributes. An element the page
    declares Chinese (``lang="zh-CN"``: the annual report's own document) is the world's content, skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._chinese: tuple[str, int] | None = None  # (tag, depth) of the element declared Chinese

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._chinese is not None:
            if tag == self._chinese[0]:
                self._chinese = (tag, self._chinese[1] + 1)
            return
        if (dict(attrs).get("lang") or "").lower().startswith("zh") and tag != "html":
            self._chinese = (tag, 1)
            return
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.parts.append(value)
            is_button = tag == "input" and dict(attrs).get("type") in ("submit", "button")
            if is_button and name == "value" and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._chinese is not None:
            if tag == self._chinese[0]:
                depth = self._chinese[1] - 1
                self._chinese = (tag, depth) if depth else None
            return
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and self._chinese is None:
            self.parts.append(data)


def visible_text(page: str) -> list[str]:
    parser = _Text()
    # A search marks the words it found (<mark>) inside a title or a 文号: read the text as one, as seen.
    parser.feed(re.sub(r"</?mark>", "", page))
    return [part.strip() for part in parser.parts if part.strip()]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def world_texts() -> set[str]:
    """Every text the database holds (the world's own data), split into lines."""
    texts: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            for value in row:
                for text in _strings(value):
                    texts.update(line.strip() for line in text.splitlines())
    for user in User.objects.all():
        texts.add(user.get_full_name())
    return {text for text in texts if CJK_WORD.search(text)}


def official_labels() -> set[str]:
    """The labels of the report format (sections, tables, rows, columns, captions) and the items of 条例
    第二十条 the catalogue files entries under, quoted from the statute: official Chinese."""
    labels: set[str] = set(ARTICLE_20_ITEMS.values())
    for item, text in ARTICLE_20_ITEMS.items():
        labels |= {article_20_label(item), f"{article_20_number(item)}{text}"}

    def walk(value: Any) -> None:
        if isinstance(value, str):
            labels.add(value)
        elif isinstance(value, report_model.Identity):
            return  # a rule's description, not a label
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for name in ("heading", "full_name", "caption"):
                if hasattr(value, name):
                    labels.add(getattr(value, name))
            for item in dataclasses.fields(value):
                walk(getattr(value, item.name))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for name, value in vars(report_model).items():
        if name.isupper():
            walk(value)
    return {label for label in labels if CJK_WORD.search(label)}


def runs(texts: Iterable[str]) -> set[str]:
    """The CJK runs of ``texts`` (what is left of them between digits, Latin words and 《》 names)."""
    return {run for text in texts for run in CJK.findall(NAMED.sub(" ", text))}


#: Known gaps, left to the work that owns them (checked to still be there, so that a fix removes them from
#: here): none left.
NOT_YET: dict[str, set[str]] = {}

#: Personal data shown masked (``周**``, ``张*``) is the world's data too.
MASKED = re.compile(r"[\u4e00-\u9fff]+\*+")


@dataclasses.dataclass(frozen=True)
class Known:
    """The world's texts and the official Chinese, prepared once for the walk's ~130 pages (their CJK runs
    took a tenth of the walk when made again for each page)."""

    whole: frozenset[str]
    runs: frozenset[str]
    #: Texts long enough to be stripped where they appear inside a run, the longest first.
    long: tuple[str, ...]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Known:
        ordered = sorted(set(texts), key=len, reverse=True)
        return cls(
            whole=frozenset(ordered),
            runs=frozenset(runs(ordered)),
            long=tuple(value for value in ordered if len(value) >= SUBSTRING_MIN),
        )


def leftovers(page: str, known: Known) -> list[str]:
    """The CJK words of ``page``'s visible text that are not the world's data nor allowed Chinese: the
    world's texts are stripped where they appear whole, and a run of CJK text that is exactly a run of one
    of them (data cut by a number or a name, e.g. ``2026年6月1日起施行``) is data too."""
    found: list[str] = []
    for part in visible_text(page):
        text = MASKED.sub(" ", NAMED.sub(" ", html.unescape(part)))
        if text in known.whole:
            continue
        for run in CJK.findall(text):
            if run in known.runs or run in ALLOWED:
                continue
            for value in known.long:
                if value in run:
                    run = run.replace(value, " ")
            found.extend(
                word
                for word in CJK.findall(run)
                if CJK_WORD.search(word) and word not in ALLOWED and word not in known.runs
            )
    return found


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setattr(
        seed_demo,
        "DEMO_CASES",
        {"demo-county-nr": (6, 4, 0), "demo-chengguan": (2, 2, 0), "demo-county": (0, 2, 0)},
    )
    with override_settings(DEBUG=True), time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", "--quiet-login", stdout=StringIO())
        agency = Agency.objects.get(short_code="demo-county-nr")
        case, secret, _ = case_services.submit_online(
            agency=agency,
            applicant=applicant(serial=7, id_number=resident_id(7), email="a@example.com"),
            request=case_services.Request(
                description="示范县2025年土地出让收支情况", requested_form="electronic", delivery="online"
            ),
            submission_key="walk-1",
        )
        # A draft of last year's report, for the workspace's own refusals.
        report_services.open_draft(
            actor=User.objects.get(username="officer"), agency=agency, year=TODAY.year - 1
        )
        yield {"case": case, "secret": secret}


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def pages(world: dict[str, Any]) -> Iterable[tuple[str | None, str, dict[str, str] | None]]:
    """(username or None for the public, path, POST data or None)."""
    today = timezone.localdate()
    last = today.year - 1
    items = Item.objects.filter(agency__short_code="demo-county", status="published")
    published = items.order_by("pk").first()
    assert published is not None
    report = Report.objects.filter(agency__short_code="demo-county-nr", year=today.year - 2).get()
    managed = Item.objects.filter(agency__short_code="demo-county-nr").order_by("-pk").first()
    assert managed is not None
    officer_pk = User.objects.get(username="officer").pk
    case = Application.objects.filter(agency__short_code="demo-county-nr").order_by("pk").first()
    assert case is not None
    deadline = urlencode(
        {
            "received": "2026-02-10",
            "channel": "post_ordinary",
            "confirmed": "2026-02-12",
            "pause1_start": "2026-03-02",
            "pause1_end": "2026-03-05",
            "extended": "on",
        }
    )
    public: list[tuple[str | None, str, dict[str, str] | None]] = [
        (None, "/", None),
        (None, "/check/", None),
        (None, "/gk/search/?q=2025", None),
        (None, "/gk/demo-county-nr/policies/", None),
        (None, "/gk/demo-county-nr/columns/", None),
        (None, "/gk/demo-county-nr/columns/topics/from_requests/", None),
        (None, "/gk/", None),
        (None, "/gk/demo-county/", None),
        (None, "/gk/demo-county/catalogue/", None),
        (None, "/gk/demo-county/guide/", None),
        (None, "/gk/demo-county/rules/", None),
        (None, f"/gk/demo-county/items/{published.pk}/", None),
        (None, "/gk/demo-county-nr/reports/", None),
        (None, "/gk/demo-county-nr/statistics/", None),
        (None, f"/gk/demo-county-nr/reports/{report.year}/", None),
        (None, "/apply/", None),
        (None, "/apply/status/", None),
        (None, "/apply/status/", {"code": world["case"].tracking_code, "secret": world["secret"]}),
        (None, f"/apply/status/{world['case'].tracking_code}/", None),
        (None, "/deadline/", None),
        (None, "/deadline/?" + deadline, None),
        (None, "/deadline/?received=2026-02-10&channel=email", None),  # the confirmation day is missing
        (
            None,
            "/deadline/?received=2026-02-10&channel=in_person&pause1_start=2026-03-05&pause1_end=2026-03-02",
            None,
        ),
        (None, "/gk/demo-county/catalogue/?year=12&kind=nothing", None),
        (None, "/apply/", {"agency": "", "description": ""}),
        (None, "/apply/status/", {"code": "NOPE", "secret": "NOPE"}),
        (None, "/accounts/login/", None),
        (None, "/no-such-page/", None),
    ]
    officer: list[tuple[str | None, str, dict[str, str] | None]] = [
        ("officer", "/cases/", None),
        ("officer", "/cases/frequent/", None),
        ("manager", "/manage/catalogue/areas/", None),
        ("officer", f"/cases/{case.pk}/", None),
        ("officer", f"/cases/{world['case'].pk}/", None),
        ("officer", "/manage/catalogue/", None),
        ("officer", f"/manage/catalogue/{managed.pk}/", None),
        ("officer", "/reports/", None),
        ("officer", f"/reports/demo-county-nr/{last}/", None),
        ("officer", f"/reports/demo-county-nr/{last - 1}/", None),
        ("officer", f"/reports/demo-chengguan/{last}/", None),
        # Refusals, shown as messages on the workspace (nothing is changed): a published report has no
        # draft; a draft's figure that is not a number, a figure without its source, an empty section.
        ("officer", f"/reports/demo-county-nr/{last - 1}/sections/", {"overview": ""}),
        (
            "officer",
            f"/reports/demo-county-nr/{last}/hand/",
            {"row": "fees", "column": "amount", "value": "abc", "note": "x"},
        ),
        (
            "officer",
            f"/reports/demo-county-nr/{last}/hand/",
            {"row": "fees", "column": "amount", "value": "1", "note": ""},
        ),
        ("officer", f"/reports/demo-county-nr/{last}/sections/", {"overview": ""}),
        ("officer", "/cases/new/", None),
        ("officer", "/manage/catalogue/new/", None),
        ("head", "/cases/", None),
        ("head", f"/cases/{case.pk}/", None),
        ("clerk", "/reports/", None),
        ("clerk", "/manage/catalogue/", None),
        ("clerk", f"/cases/{case.pk}/", None),  # another agency's case: not found
        ("supervisor", "/reports/supervise/", None),
        ("supervisor", f"/reports/supervise/demo-county/{last - 1}/", None),
        ("supervisor", f"/reports/supervise/demo-county/{last}/", None),
        ("supervisor", f"/reports/supervise/demo-county/{last - 1}/tables/", None),
        ("supervisor", f"/reports/supervise/demo-county/{last}/imports/", None),
        ("supervisor", f"/reports/supervise/demo-county/{last}/import/", None),
        ("supervisor", "/manage/catalogue/", None),  # not a catalogue role: the 403 page
        ("officer", "/stats/", None),
        ("supervisor", "/stats/", None),
        ("head", "/audit/", None),
        ("supervisor", "/audit/?date_from=2026-13-01", None),
        ("officer", "/audit/", None),  # not a reader of the log: the 403 page
        # The workbench of every role, the notifications, the office's administration.
        *[
            (who, "/workbench/", None)
            for who in ("officer", "reviewer", "leader", "head", "manager", "supervisor", "clerk", "admin")
        ],
        ("officer", "/notifications/", None),
        ("manager", "/office/", None),
        ("manager", "/office/demo-county-nr/", None),
        ("manager", f"/office/demo-county-nr/people/{officer_pk}/", None),
        ("manager", f"/office/demo-county-nr/people/{officer_pk}/revoke/information_officer/", None),
        ("manager", f"/office/demo-county-nr/people/{officer_pk}/deactivate/", None),
        ("manager", "/office/demo-county-nr/invite/", None),
        ("manager", "/office/demo-county-nr/invite/", {"username": "", "full_name": "", "email": "x"}),
        ("manager", "/office/demo-county-nr/contact/", None),
        ("manager", "/office/demo-county-nr/letters/", None),
        ("supervisor", "/office/", None),
        ("supervisor", "/office/demo-county-nr/", None),
        ("supervisor", "/office/demo-county-nr/contact/", None),
        ("officer", "/office/", None),  # not an administrator: the 403 page
    ]
    # Every case of the officer's queue (consultations, extensions, fees, corrections, answers, appeals …),
    # catalogue entries in each state and of each kind.
    cases = Application.objects.filter(agency__short_code__in=("demo-county-nr", "demo-chengguan"))
    officer += [("officer", f"/cases/{pk}/", None) for pk in cases.values_list("pk", flat=True)]
    entries = Item.objects.filter(agency__short_code="demo-county-nr").order_by("status", "kind", "pk")
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        if (entry.status, entry.kind) not in seen:
            seen.add((entry.status, entry.kind))
            officer.append(("officer", f"/manage/catalogue/{entry.pk}/", None))
            if entry.status == "published":
                public.append((None, f"/gk/demo-county-nr/items/{entry.pk}/", None))
    return public + officer + correction_pages()


def correction_pages() -> list[tuple[str | None, str, dict[str, str] | None]]:
    """The 更正 pages: the forms, a confirmation (old → new), and a catalogue entry's correction form."""
    case = Application.objects.filter(agency__short_code="demo-county-nr", channel="in_person").order_by(
        "pk"
    )[0]
    arrived = timezone.localtime(case.arrived_at)
    change = {
        "applicant_type": case.applicant_type,
        "applicant_name": case.applicant_name,
        "id_type": case.id_type,
        "id_number": case.id_number,
        "contact_person": case.contact_person,
        "phone": case.phone,
        "email": case.email,
        "address": case.address,
        "postcode": case.postcode,
        "pieces": str(case.pieces + 1),
        "channel": case.channel,
        "arrived_on": arrived.date().isoformat(),
        "arrived_time": arrived.strftime("%H:%M"),
        "confirmed_on": "",
        "reason": "x",
    }
    answered = (
        Application.objects.filter(agency__short_code="demo-county-nr", status="closed", outcome="granted")
        .order_by("pk")
        .first()
    )
    entry = (
        Item.objects.filter(agency__short_code="demo-county-nr", status="published").order_by("pk").first()
    )
    assert answered is not None and entry is not None
    return [
        ("officer", f"/cases/{case.pk}/correct/details/", None),
        ("officer", f"/cases/{case.pk}/correct/details/", change),
        ("officer", f"/cases/{answered.pk}/correct/outcome/", None),
        (
            "officer",
            f"/cases/{answered.pk}/correct/outcome/",
            {"outcome": "other", "reasons": "x", "reason": "x"},
        ),
        ("officer", f"/manage/catalogue/{entry.pk}/correct/", None),
    ]


@pytest.mark.clock_pinned  # its world is seeded and its pages read at TODAY (time_machine, in both)
def test_the_main_pages_in_english_show_no_untranslated_chinese(world: dict[str, Any]) -> None:
    known = Known.of(world_texts() | official_labels())
    problems: list[str] = []
    clients: dict[str | None, Client] = {}
    before_last = TODAY.year - 2
    with time_machine.travel(TODAY, tick=False):
        for username, path, data in pages(world):
            client = clients.get(username)
            if client is None:
                client = clients[username] = english(Client())
                if username:
                    client.force_login(User.objects.get(username=username))
            response = client.post(path, data, follow=True) if data else client.get(path, follow=True)
            assert response.status_code in (200, 403, 404), (path, response.status_code)
            assert response["Content-Language"] == "en", path
            words = leftovers(response.content.decode(), known)
            tolerated = NOT_YET.get(path.replace(str(before_last), "{before_last}"), set())
            assert tolerated <= set(words), (
                f"{path}: {tolerated - set(words)} translated now, drop from NOT_YET"
            )
            words = [word for word in words if word not in tolerated]
            if words:
                problems.append(f"{username or 'public'} {path}: {' | '.join(dict.fromkeys(words))}")
    assert not problems, "Untranslated Chinese on English pages:\n" + "\n".join(problems)


def test_the_walk_finds_untranslated_words_and_spares_data() -> None:
    page = (
        '<p title="提示">Due <b>示范县财政局</b> 《中华人民共和国政府信息公开条例》 中文</p>'
        "<script>var x = '脚本';</script><p>已逾期</p>"
    )
    assert leftovers(page, Known.of(["示范县财政局"])) == ["提示", "已逾期"]
