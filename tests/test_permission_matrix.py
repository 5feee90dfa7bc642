"""The permission matrix (issue 12, 访问控制): EVERY URL pattern of gongkai/urls.py, enumerated from the
resolver (so that a page added later is covered without touching this test), its parameters filled from the
demo world's records of one agency (A, 示范县自然资源局), requested with GET and POST by six identities:
anonymous, A's 信息员, a 信息员 of another agency (B), the county's 政务公开办, an 审计管理员 of the whole
deployment and a superuser.

It asserts that no request answers 500, and that neither B's staff nor the 审计管理员 (who reads the audit
log and changes nothing, 三员分立) ever gets a 2xx to a POST on one of A's staff pages.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.annual.models import ImportedReport
from gongkai.applications.models import Appeal, Application, Approval, CaseAttachment, Letter
from gongkai.catalogue.models import Attachment, Item, ItemVersion, SensitiveWord
from gongkai.checker.models import SavedCheck
from gongkai.core.models import AuditEvent
from gongkai.jobs import services as jobs
from gongkai.jobs.runner import JobRun

pytestmark = pytest.mark.django_db

#: The demo world is built around this day (as in tests/annual/test_demo.py).
DEMO_TODAY = datetime.datetime(2026, 6, 15, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
#: The namespaces of the staff pages: a parameterised one of these, filled with A's records, is one of A's
#: pages.
STAFF_NAMESPACES = frozenset(
    {"cases", "signoff", "catalogue_manage", "annual", "annual_supervise", "stats", "office", "checker"}
)
MISSING = 999_999


@dataclass(frozen=True)
class Route:
    route: str
    name: str  # "namespace:name"
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0] if ":" in self.name else ""


def routes() -> Iterator[Route]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                # path() patterns name their converters; re_path() ones their groups.
                names = getattr(pattern.pattern, "converters", None) or pattern.pattern.regex.groupindex
                yield Route(prefix + str(pattern.pattern), namespace + pattern.name, tuple(names))

    yield from walk(get_resolver().url_patterns, "", "")


class World:
    """A's records, to fill the URL parameters."""

    def __init__(self) -> None:
        self.a = Agency.objects.get(short_code="demo-county-nr")
        self.county = Agency.objects.get(short_code="demo-county")
        self.officer = User.objects.get(username="officer")
        self.year = DEMO_TODAY.year - 1
        self.letter = Letter.objects.filter(application__agency=self.a).first()
        self.case = (
            self.letter.application if self.letter else Application.objects.filter(agency=self.a).first()
        )
        self.appeal = Appeal.objects.filter(application__agency=self.a).first()
        self.approval = Approval.objects.filter(application__agency=self.a).first()
        self.case_attachment = CaseAttachment.objects.filter(application__agency=self.a).first()
        self.item = Item.objects.filter(agency=self.a).first()
        self.published = Item.objects.filter(agency=self.a, index_number__isnull=False).first()
        self.attachment = Attachment.objects.filter(item__agency=self.a).first()
        self.version = ItemVersion.objects.filter(item__agency=self.a).first()
        self.word = SensitiveWord.objects.filter(agency=self.a).first()
        self.imported = ImportedReport.objects.first()
        self.saved_check = SavedCheck.objects.first()
        self.event = AuditEvent.objects.filter(agency=self.a).first()
        # A job of A's officer with a file it made (the demo has none: jobs run when they are asked for).
        self.job = jobs.start("jobs.probe", actor=self.officer, agency=self.a, params={"steps": 1})
        self.job_file = JobRun(self.job).add_output("结果.txt", b"done", content_type="text/plain")

    def kwargs(self, route: Route) -> dict[str, Any]:
        """The parameters of ``route``, filled with A's records (an unknown record: a number that is none)."""
        pk_of = {
            "cases": self._case_pk(route),
            "catalogue_manage": self._item_pk(route),
            "catalogue_public": shown.pk if (shown := self.published or self.item) else MISSING,
            "checker": self.saved_check.pk if self.saved_check else MISSING,
            "annual_supervise": self.imported.pk if self.imported else MISSING,
        }
        values: dict[str, Any] = {
            "pk": pk_of.get(route.namespace, MISSING),
            "letter_pk": self.letter.pk if self.letter else MISSING,
            "appeal_pk": self.appeal.pk if self.appeal else MISSING,
            "approval_pk": self.approval.pk if self.approval else MISSING,
            "attachment_pk": self._attachment_pk(route),
            "number": self.version.number if self.version else MISSING,
            "short_code": self.a.short_code,
            "seat": self.county.short_code,
            "year": self.year,
            "suffix": "docx",
            "table": "3",
            "row": "new_received",
            "column": "total",
            "file_format": "csv",
            "user_pk": self.officer.pk,
            "role": Role.INFORMATION_OFFICER.value,
            "code": self.case.tracking_code if self.case else "NONE",
            "uidb64": "MQ",
            "token": "not-a-token",
            "object_id": str(self.event.pk if self.event else MISSING),
            "action": "answer" if route.namespace == "cases" else "submit",
            "content_type_id": "1",
            "app_label": "core",
            "job_id": self.job.pk,
            "file_id": self.job_file.pk,
        }
        if route.name == "catalogue_manage:word_delete":
            values["pk"] = self.word.pk if self.word else MISSING
        # A parameter this test does not know yet (a page added later) gets "1": still requested.
        return {name: values.get(name, "1") for name in route.params}

    def _case_pk(self, route: Route) -> int:
        for param, record in (
            ("appeal_pk", self.appeal),
            ("approval_pk", self.approval),
            ("attachment_pk", self.case_attachment),
        ):
            if param in route.params and record is not None:
                return int(record.application_id)
        return self.case.pk if self.case else MISSING

    def _item_pk(self, route: Route) -> int:
        if "attachment_pk" in route.params and self.attachment is not None:
            return self.attachment.item_id
        if "number" in route.params and self.version is not None:
            return self.version.item_id
        return self.item.pk if self.item else MISSING

    def _attachment_pk(self, route: Route) -> int:
        if route.namespace == "cases":
            return self.case_attachment.pk if self.case_attachment else MISSING
        return self.attachment.pk if self.attachment else MISSING


def identities(world: World) -> dict[str, User | None]:
    b = Agency.objects.get(short_code="demo-qingshan")
    b_officer = User.objects.create_user("matrix-b-officer", password="x")
    Membership.objects.create(user=b_officer, agency=b, role=Role.INFORMATION_OFFICER)
    auditor = User.objects.create_user("matrix-auditor", password="x")
    Membership.objects.create(user=auditor, agency=world.county, role=Role.AUDIT_ADMINISTRATOR)
    # In this order: the superuser's POSTs (which may change A's records) come last.
    return {
        "anonymous": None,
        "officer of B": b_officer,
        "audit administrator": auditor,
        "officer of A": world.officer,
        "supervisor": User.objects.get(username="supervisor"),
        "superuser": User.objects.get(username="admin"),
    }


def is_one_of_as_pages(route: Route) -> bool:
    return route.namespace in STAFF_NAMESPACES and bool(route.params)


@override_settings(DEBUG=True)
@time_machine.travel(DEMO_TODAY, tick=True)
def test_every_url_for_every_identity() -> None:
    call_command("seed_demo", "--quiet-login", stdout=StringIO())
    world = World()
    all_routes = list(routes())
    assert len(all_routes) > 150  # the resolver was enumerated, admin included
    urls = [(route, reverse(route.name, kwargs=world.kwargs(route))) for route in all_routes]
    failures: list[str] = []
    for label, user in identities(world).items():
        client = Client(raise_request_exception=False)
        for route, url in urls:
            for method in ("get", "post"):
                if user is not None:
                    client.force_login(user)  # a POST to the logout page logs out
                response = getattr(client, method)(url)
                if response.streaming:
                    # Read to the end: the test client then closes the response (the case file's .zip
                    # closes its temporary file) without closing the test's database connection.
                    b"".join(response.streaming_content)
                status = response.status_code
                if status >= 500:
                    failures.append(f"{label} {method.upper()} {url} ({route.name}): {status}")
                refused = label in ("officer of B", "audit administrator")
                if refused and method == "post" and is_one_of_as_pages(route) and 200 <= status < 300:
                    failures.append(f"{label} POST {url} ({route.name}) was allowed: {status}")
    assert failures == []
