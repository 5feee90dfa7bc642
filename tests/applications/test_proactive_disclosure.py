"""依申请公开转主动公开 (条例 第四十四条, issue 15): from an answered case that released information, one
click proposes it as a catalogue draft (no personal data of the applicant, the case kept internally); the
list of information asked for three times or more."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, TestCase

from gongkai.applications import selectors, services
from gongkai.applications.frequent import request_digest, request_key
from gongkai.applications.models import Application, AttachmentKind
from gongkai.applications.services import case_file
from gongkai.catalogue.models import Item, Status, Topic
from gongkai.core.models import AuditEvent
from gongkai.office import proactive
from tests.applications.conftest import CaseMaker, Staff
from tests.catalogue.conftest import pdf_bytes

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)
WHAT = "城区停车收费标准及其依据（张三家附近）"


@pytest.fixture(autouse=True)
def _today(pin_today: Any) -> None:
    pin_today(TODAY)


def frequent_requests(
    user: Any, minimum: int = selectors.FREQUENT_MINIMUM, *, limit: int = selectors.FREQUENT_PER_PAGE
) -> list[selectors.FrequentRequest]:
    """A page of the list as the view reads it: the groups (one query), then their cases (one query)."""
    return selectors.frequent_requests_of(selectors.frequent_groups(user, minimum)[:limit])


def answered(staff: Staff, make_case: CaseMaker, *, outcome: str = "granted", **kwargs: Any) -> Application:
    case = make_case(arrived_on=D(2026, 5, 6), **kwargs)
    details = {"how_to_obtain": "到本机关领取"} if outcome == "granted" else {}
    if outcome.startswith("denied"):
        details = {"legal_basis": "条例第十四条", "reasons": "涉及国家秘密"}
    services.answer(actor=staff.officer, application=case, on=D(2026, 5, 20), outcome=outcome, **details)
    case.refresh_from_db()
    return case


def test_one_click_proposes_the_released_information_as_a_draft(
    client: Client, staff: Staff, make_case: CaseMaker
) -> None:
    case = answered(staff, make_case, description=WHAT)
    with TestCase.captureOnCommitCallbacks(execute=True):
        case_file.add_attachment(
            actor=staff.officer,
            application=case,
            kind=AttachmentKind.ENCLOSURE,
            filename="停车收费标准.pdf",
            data=pdf_bytes("parking fees"),
        )
        case_file.add_attachment(
            actor=staff.officer,
            application=case,
            kind=AttachmentKind.APPLICATION,
            filename="申请表.pdf",
            data=pdf_bytes("application form"),
        )
    client.force_login(staff.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/proactive/from-case/{case.pk}/"' in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/proactive/from-case/{case.pk}/")
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/manage/catalogue/{item.pk}/"
    assert item.status == Status.DRAFT and item.agency == case.agency
    assert item.topic == Topic.FROM_REQUESTS and item.source_application_id == case.pk
    assert item.title == "城区停车收费标准及其依据（***家附近）"  # the applicant's name taken out
    assert item.written_on == D(2026, 5, 20)
    # Only the released documents (答复附件) come along, never the application's own materials.
    assert [a.filename for a in item.attachments.all()] == ["停车收费标准.pdf"]
    for value in (case.applicant_name, case.phone, case.address, case.id_number):
        assert value not in f"{item.title} {item.summary} {item.body}"
    event = AuditEvent.objects.get(action="catalogue.proposed_from_application")
    assert event.details["application"] == case.pk and event.details["attachments"] == 1
    # Staff see the link to the case on the draft; a second click is refused.
    detail = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in detail
    again = client.post(f"/proactive/from-case/{case.pk}/", follow=True)
    assert "已生成过主动公开目录草稿" in again.content.decode()
    assert Item.objects.count() == 1


def test_only_released_information_and_only_the_agencys_officers(staff: Staff, make_case: CaseMaker) -> None:
    open_case = make_case(description=WHAT)
    with pytest.raises(ValidationError):
        proactive.propose_from_application(actor=staff.officer, application=open_case)
    denied = answered(staff, make_case, outcome="denied_state_secret")
    assert not selectors.released_information(denied)
    with pytest.raises(ValidationError):
        proactive.propose_from_application(actor=staff.officer, application=denied)
    granted = answered(staff, make_case, description=WHAT)
    for outsider in (staff.other_officer, staff.reviewer):
        with pytest.raises(PermissionDenied):
            proactive.propose_from_application(actor=outsider, application=granted)
    assert not Item.objects.exists()
    client = Client()
    client.force_login(staff.other_officer)
    assert client.post(f"/proactive/from-case/{granted.pk}/").status_code == 404  # not their case


def test_information_requested_three_times_or_more_is_listed(
    client: Client, staff: Staff, make_case: CaseMaker
) -> None:
    granted = answered(staff, make_case, description="城区停车收费标准。", serial=1)
    make_case(description="申请公开 城区停车收费标准", serial=2)
    make_case(description="城区停车收费标准", serial=3)
    make_case(description="某小区规划许可", serial=4)
    make_case(description="某小区规划许可", serial=5)
    groups = frequent_requests(staff.officer)
    assert [(len(g.cases), g.count) for g in groups] == [(3, 3)]
    assert groups[0].released_case_id == granted.pk
    assert groups[0].description == "城区停车收费标准。"  # the newest case's words (answered last)
    assert frequent_requests(staff.other_officer) == []
    client.force_login(staff.officer)
    page = client.get("/cases/frequent/").content.decode()
    assert "被申请 3 次" in page and "某小区规划许可" not in page
    assert f'action="/proactive/from-case/{granted.pk}/"' in page
    outsider = Client()
    outsider.force_login(staff.reviewer)
    assert outsider.get("/cases/frequent/").status_code == 403


def test_the_request_key_ignores_spaces_punctuation_and_the_leading_verb() -> None:
    assert request_key("申请公开：城区停车 收费标准。") == request_key("城区停车收费标准")
    assert request_key("请提供城区停车收费标准") != request_key("某小区规划许可")
    assert request_digest("申请公开：城区停车 收费标准。") == request_digest("城区停车收费标准")
    assert request_digest("申请公开！") == ""  # nothing asked for: never grouped


# --- The list grouped by the database: the same groups as grouping every case in Python ----------------

#: (description as written, cases): variants of one request are written differently on purpose.
REQUESTS = [
    (["城区停车收费标准", "申请公开：城区停车 收费标准。", "城区停车收费标准！"], 25),
    (["2025年度部门预算", "2025 年度部门预算"], 7),
    (["某小区规划许可"], 4),
    (["某路段改造工程的招标文件"], 4),
    (["某河道整治方案"], 3),
    (["某村土地征收补偿方案"], 2),  # asked twice: not listed
]


#: Serial numbers of the copied cases (their references and tracking codes are unique).
_serials = itertools.count(1)


def many_cases(staff: Staff, scale: int) -> list[Application]:
    """``scale`` times the cases of :data:`REQUESTS` at the staff's agency, and one more erased and one at
    another agency; saved one by one (``save()`` keeps each case's digest), arrival times spread out."""
    base = CaseMaker(staff)(arrived_on=D(2026, 1, 5), description="申请公开某河道整治方案")
    made = [base]

    def copy(description: str, **fields: Any) -> Application:
        serial = next(_serials)
        case = Application.objects.get(pk=base.pk)
        case.pk, case.submission_key = None, None
        case.reference, case.tracking_code = f"2026-9{serial:04d}", f"T{serial:09d}"
        case.description = description
        case.arrived_at = base.arrived_at + datetime.timedelta(hours=serial * 7 % 997, minutes=serial % 60)
        for name, value in fields.items():
            setattr(case, name, value)
        case.save()
        return case

    for copies in range(scale):
        for variants, count in REQUESTS:
            if variants == ["某河道整治方案"] and copies == 0:
                count -= 1  # the base case is the first
            made.extend(copy(variants[n % len(variants)]) for n in range(count))
    copy(made[-1].description, personal_data_erased_on=D(2026, 6, 1))
    copy(made[-1].description, agency=staff.other_agency)
    return made


def grouped_in_python(user: Any, minimum: int = selectors.FREQUENT_MINIMUM) -> list[tuple[Any, ...]]:
    """What the list was before the database grouped it: every case read and grouped here."""
    cases = Application.objects.filter(
        agency__in=selectors.acting_agencies(user), personal_data_erased_on__isnull=True
    ).order_by("-arrived_at", "-id")
    groups: dict[tuple[int, str], list[Application]] = {}
    for case in cases:
        key = request_key(case.description)
        if key:
            groups.setdefault((case.agency_id, key), []).append(case)
    found = [
        (
            -len(group),
            group[0].agency.name,
            group[0].description,
            [c.pk for c in group[: selectors.FREQUENT_CASES_SHOWN]],
            next((c.pk for c in group if selectors.released_information(c)), None),
        )
        for group in groups.values()
        if len(group) >= minimum
    ]
    return sorted(found, key=lambda f: f[:3])


def grouped_in_sql(user: Any, limit: int = 1000) -> list[tuple[Any, ...]]:
    return [
        (-g.count, g.agency.name, g.description, [c.pk for c in g.cases], g.released_case_id)
        for g in frequent_requests(user, limit=limit)
    ]


def test_the_database_groups_as_python_did_with_a_bounded_number_of_queries(
    client: Client, staff: Staff, make_case: CaseMaker
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    granted = answered(staff, make_case, description="某小区规划许可！", serial=900)
    many_cases(staff, 1)
    expected = grouped_in_python(staff.officer)
    # 25, 7, 5 (the answered case's words differ by a "！"), 4, 3; the request asked twice is not listed.
    assert [count for count, *_rest in expected] == [-25, -7, -5, -4, -3]
    assert expected[2][2] == "某小区规划许可！"  # the newest case's words
    assert grouped_in_sql(staff.officer) == expected
    assert grouped_in_sql(staff.officer)[2][4] == granted.pk  # the released answer, one click away
    assert len(grouped_in_sql(staff.officer)[0][3]) == selectors.FREQUENT_CASES_SHOWN  # 20 of 25 listed

    client.force_login(staff.officer)
    with CaptureQueriesContext(connection) as small:
        assert grouped_in_sql(staff.officer) == expected
    with CaptureQueriesContext(connection) as small_page:
        assert client.get("/cases/frequent/").status_code == 200

    many_cases(staff, 4)  # five times as many cases
    expected = grouped_in_python(staff.officer)
    assert expected[0][0] == -125 and len(expected) == 6  # the twice-asked request is now asked 10 times
    with CaptureQueriesContext(connection) as large:
        assert grouped_in_sql(staff.officer) == expected
    with CaptureQueriesContext(connection) as large_page:
        page = client.get("/cases/frequent/").content.decode()
    assert len(large) == len(small) == 2, [q["sql"] for q in large.captured_queries]
    assert len(large_page) == len(small_page), (len(small_page), len(large_page))
    assert "被申请 125 次" in page and "以下列出最近的 20 件" in page
    # The superuser sees both agencies; the erased case is in no group.
    everyone = grouped_in_python(staff.superuser)
    assert grouped_in_sql(staff.superuser) == everyone


def test_the_list_is_paginated(client: Client, staff: Staff, monkeypatch: pytest.MonkeyPatch) -> None:
    many_cases(staff, 1)
    monkeypatch.setattr(selectors, "FREQUENT_PER_PAGE", 2)
    client.force_login(staff.officer)
    first = client.get("/cases/frequent/").content.decode()
    second = client.get("/cases/frequent/?page=2").content.decode()
    third = client.get("/cases/frequent/?page=3").content.decode()
    assert "被申请 25 次" in first and "被申请 7 次" in first and "被申请 4 次" not in first
    assert second.count("被申请 4 次") == 2 and "被申请 25 次" not in second
    assert "被申请 3 次" in third and "第 3 页，共 3 页" in third
    assert client.get("/cases/frequent/?page=x").status_code == 200
