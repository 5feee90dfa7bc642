"""Shared fixtures for the catalogue tests (主动公开).

* ``people``: the agency ``county-a-finance`` of the ``tree`` fixture with one person per role — two
  information officers, two reviewers, a leader, an office head, an administrator — a supervisor
  (政务公开办) at ``county-a`` above it, another agency's officer and reviewer (``county-b``), a user
  without any role, and a superuser.
* ``today``: the services' "today" pinned to :data:`TODAY` (a Monday in a year of the built-in
  calendar), so that dates and the publication clock do not depend on the real day.
* ``make_item`` / ``advance``: entries made and moved through the services, by the right people.
* Pure helpers: :func:`resident_id` (a valid 身份证号), :func:`pdf_bytes` (a small real PDF with a text
  layer), :func:`docx_bytes` (a real .docx), :func:`doc_bytes` (a real Word 97 .doc, made from a .docx by
  LibreOffice), :func:`png_bytes` (a real PNG).
"""

from __future__ import annotations

import datetime
import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import timezone

from gongkai.agencies.models import Agency, Role
from gongkai.agencies.services import add_membership
from gongkai.catalogue import indexing, scanning, services, workflow
from gongkai.catalogue.models import Attachment, Category, Item, Status
from gongkai.catalogue.services import acknowledging
from gongkai.statute.resident_id import check_character
from tests.conftest import Tree, make_user
from tests.pdfs import one_page_pdf

TZ = ZoneInfo(settings.TIME_ZONE)
#: A Monday; 2026 is a built-in calendar year.
TODAY = datetime.date(2026, 6, 15)


def resident_id(serial: int = 1, birth: str = "19800101", region: str = "110105") -> str:
    """A valid 18-digit 居民身份证 number."""
    body = f"{region}{birth}{serial % 1000:03d}"
    return body + check_character(body)


def attach(*, actor: Any, item: Item, filename: str, data: bytes) -> Attachment:
    """``services.add_attachment``, then its reading job run (as a worker does once the upload committed);
    the attachment as stored after the reading."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        attachment = services.add_attachment(actor=actor, item=item, filename=filename, data=data)
    attachment.refresh_from_db()
    return attachment


def pdf_bytes(*lines: str) -> bytes:
    """A one-page PDF whose text layer has ``lines`` (ASCII, Helvetica)."""
    ops = ["BT /F1 12 Tf 72 720 Td 16 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    return one_page_pdf("\n".join(ops).encode("ascii"))


def docx_bytes(*paragraphs: str) -> bytes:
    """A real Word document with ``paragraphs``."""
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def doc_bytes(docx: bytes) -> bytes:
    """The Word 97 .doc LibreOffice headless saves of ``docx`` (``--convert-to doc``: as an office that still
    sends .doc files makes them). Needs LibreOffice (``gongkai.documents.office.program()``)."""
    from gongkai.documents import office

    return office.convert(docx, ".docx", office.DOC)


def png_bytes() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@dataclass
class People:
    agency: Agency  # county-a-finance
    officer: User
    officer2: User
    reviewer: User
    reviewer2: User
    leader: User
    head: User  # 信息公开工作机构负责人: sees, does not act
    admin: User  # 管理员 role at the agency: sees, keeps the word list, does not act
    supervisor: User  # 政务公开办 at county-a
    other_agency: Agency  # county-b
    other_officer: User
    other_reviewer: User
    nobody: User
    superuser: User


@pytest.fixture(autouse=True)
def _vector_sizes_read_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The agencies' search vector sizes a column search's plan is chosen by
    (``indexing.agency_vector_bytes``, kept per process) read afresh in each test: kept, an agency id another
    test reuses (SQLite reuses them after a rollback) would find that test's. A test that counts a walking
    search's statements reads ``_walk_rows`` first, which reads the size once."""
    monkeypatch.setattr(indexing, "_kept_vector_bytes", {})


@pytest.fixture
def people(tree: Tree) -> People:
    agency = tree.county_a_finance

    def person(username: str, at: Agency, role: Role) -> User:
        user = make_user(username)
        add_membership(actor=None, user=user, agency=at, role=role)
        return user

    return People(
        agency=agency,
        officer=person("officer", agency, Role.INFORMATION_OFFICER),
        officer2=person("officer2", agency, Role.INFORMATION_OFFICER),
        reviewer=person("reviewer", agency, Role.REVIEWER),
        reviewer2=person("reviewer2", agency, Role.REVIEWER),
        leader=person("leader", agency, Role.LEADER),
        head=person("head", agency, Role.OFFICE_HEAD),
        admin=person("agency-admin", agency, Role.ADMINISTRATOR),
        supervisor=person("supervisor", tree.county_a, Role.SUPERVISOR),
        other_agency=tree.county_b,
        other_officer=person("other-officer", tree.county_b, Role.INFORMATION_OFFICER),
        other_reviewer=person("other-reviewer", tree.county_b, Role.REVIEWER),
        nobody=make_user("nobody"),
        superuser=User.objects.create_superuser("root", password=None),
    )


def pin(monkeypatch: pytest.MonkeyPatch, day: datetime.date, hour: int = 10) -> None:
    """From now on ``timezone.now()`` is ``hour`` o'clock on ``day`` at the agency."""
    fixed = datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ).astimezone(datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    pin(monkeypatch, TODAY)
    return TODAY


def item_data(**overrides: Any) -> dict[str, Any]:
    """Valid fields of an entry ready for review."""
    data: dict[str, Any] = {
        "title": "甲县财政局关于2026年度部门预算公开的通知",
        "doc_number": "甲财发〔2026〕3号",
        "written_on": TODAY - datetime.timedelta(days=7),
        "summary": "公开本局2026年度部门预算及说明。",
        "keywords": "预算 公开",
        "body": "<p>根据有关规定，现将本局2026年度部门预算予以公开。</p>",
        # A transactional test after another one finds the migrated categories flushed.
        "category": Category.objects.order_by("order").first()
        or Category.objects.get_or_create(name="综合政务", defaults={"order": 2})[0],
    }
    data.update(overrides)
    return data


MakeItem = Callable[..., Item]


@pytest.fixture
def make_item(people: People, today: datetime.date) -> MakeItem:
    """``make_item(**fields)``: a draft of the people's agency, created by its officer."""

    def make(*, actor: User | None = None, agency: Agency | None = None, **fields: Any) -> Item:
        return services.create_draft(
            actor=actor or people.officer, agency=agency or people.agency, data=item_data(**fields)
        )

    return make


#: The path from a draft to each state, as (action, who) steps.
PATHS: dict[str, tuple[tuple[str, str], ...]] = {
    Status.DRAFT: (),
    Status.SUBMITTED: ((workflow.SUBMIT, "officer"),),
    Status.RETURNED: ((workflow.SUBMIT, "officer"), (workflow.REVIEW_RETURN, "reviewer")),
    Status.REVIEWED: ((workflow.SUBMIT, "officer"), (workflow.REVIEW_PASS, "reviewer")),
    Status.APPROVED: (
        (workflow.SUBMIT, "officer"),
        (workflow.REVIEW_PASS, "reviewer"),
        (workflow.APPROVE, "leader"),
    ),
    Status.PUBLISHED: (
        (workflow.SUBMIT, "officer"),
        (workflow.REVIEW_PASS, "reviewer"),
        (workflow.APPROVE, "leader"),
        (workflow.PUBLISH, "officer"),
    ),
    Status.WITHDRAWN: (
        (workflow.SUBMIT, "officer"),
        (workflow.REVIEW_PASS, "reviewer"),
        (workflow.APPROVE, "leader"),
        (workflow.PUBLISH, "officer"),
        (workflow.WITHDRAW, "officer"),
    ),
}


def advance(item: Item, state: str, people: People) -> Item:
    """Move a draft to ``state`` through the services, each step by the right person. For ``applied``:
    publish it, then correct it (a correction draft walked to its publication) and return the draft."""
    if state == Status.APPLIED:
        published = advance(item, Status.PUBLISHED, people)
        draft = services.start_correction(
            actor=people.officer, item=published, reason="关键词有误", public_note="更正了关键词"
        )
        draft = services.update_draft(actor=people.officer, item=draft, data={"keywords": "更正后的关键词"})
        return _walk(draft, Status.PUBLISHED, people, state)
    for action, who in PATHS[state]:
        note = "理由：请修改。" if action in workflow.REASON_REQUIRED else ""
        acknowledge_before(action, getattr(people, who), item)
        item = services.perform(actor=getattr(people, who), item=item, action=action, note=note)
    assert item.status == state
    return item


def acknowledge_before(action: str, actor: User, item: Item) -> None:
    """Before submitting or passing the review, the person acknowledges the scan's findings (the privacy
    gate: services.acknowledging), as a person who looked at them does."""
    if action not in (workflow.SUBMIT, workflow.REVIEW_PASS):
        return
    if acknowledging.unacknowledged(item, scanning.scan_item(item)):
        services.acknowledge(actor=actor, item=item, everything=True)


def _walk(item: Item, path: str, people: People, state: str) -> Item:
    for action, who in PATHS[path]:
        acknowledge_before(action, getattr(people, who), item)
        item = services.perform(actor=getattr(people, who), item=item, action=action)
    assert item.status == state
    return item


Advance = Callable[[Item, str], Item]


@pytest.fixture
def move(people: People) -> Advance:
    """``move(item, state)``: :func:`advance` with the ``people`` fixture."""
    return lambda item, state: advance(item, state, people)
