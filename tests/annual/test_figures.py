"""The year's figures for the prose (:mod:`gongkai.annual.figures`), from records made through the
services: catalogue entries moved through the workflow, cases with a fee notice and its payment, an appeal.

* 主动公开: entries published (or published and later withdrawn) in the year, by 主题分类; drafts, other
  years and other agencies left out.
* Applications and appeals are tables 三 and 四 themselves (not recounted).
* 信息处理费: notices issued in the year and their amount; the amount collected in the year (a notice of
  December paid in January counts in January's year); a lapsed notice collects nothing.
* A bounded number of queries; the draft made from the figures passes the checker.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.annual import tabulate
from gongkai.annual.figures import year_figures
from gongkai.applications import services
from gongkai.catalogue import services as catalogue
from gongkai.catalogue.models import Category, DocumentType, Item, ItemKind, Status, Validity
from gongkai.reports.drafting import draft_other, draft_overview
from gongkai.reports.figures import (
    Appeals,
    Applications,
    CategoryCount,
    Documents,
    Fees,
    Proactive,
)
from gongkai.reports.model import FORMATS, SECTION3_COLUMN_KEYS, SECTION4_COLUMN_KEYS
from gongkai.reports.tables import Tables
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import CaseMaker, Staff
from tests.applications.test_table_counts import ANSWER_DETAILS
from tests.catalogue.conftest import advance, item_data
from tests.conftest import make_user
from tests.reports.test_drafting import check, document, serious

pytestmark = pytest.mark.django_db

staff = applications_fixtures.staff
make_case = applications_fixtures.make_case
pin_today = applications_fixtures.pin_today

D = datetime.date
PinToday = Callable[[datetime.date], None]
TODAY = D(2025, 7, 15)


def publish(
    pin: PinToday, people: Any, on: datetime.date, *, state: str = Status.PUBLISHED, **fields: Any
) -> Item:
    """An entry drafted, reviewed, approved and published on ``on`` through the catalogue services."""
    pin(on)
    fields.setdefault("written_on", on - datetime.timedelta(days=2))
    item = catalogue.create_draft(actor=people.officer, agency=people.agency, data=item_data(**fields))
    return advance(item, state, people)


def category(name: str) -> Category:
    return Category.objects.get_or_create(name=name, defaults={"order": 99})[0]


def other_agency_people(staff: Staff) -> SimpleNamespace:
    """An officer, a reviewer and a leader at the other agency (county-b), for its entries."""
    people = SimpleNamespace(agency=staff.other_agency, officer=staff.other_officer)
    for name, role in (("reviewer", Role.REVIEWER), ("leader", Role.LEADER)):
        user = make_user(f"b-{name}")
        add_membership(actor=None, user=user, agency=staff.other_agency, role=role)
        setattr(people, name, user)
    return people


def test_proactive_figures_from_the_catalogue(staff: Staff, pin_today: PinToday) -> None:
    general, finance = category("综合政务"), category("财政、金融、审计")
    budgets = [
        publish(pin_today, staff, day, category=finance, article20_item=7)
        for day in (D(2025, 1, 6), D(2025, 3, 3), D(2025, 6, 2))
    ]
    publish(pin_today, staff, D(2025, 2, 3), category=general)
    # A 政策解读 is published with the document it interprets (issue 15).
    publish(
        pin_today, staff, D(2025, 4, 7), category=general, kind=ItemKind.INTERPRETATION, interprets=budgets[0]
    )
    # Published in 2025 and withdrawn later: still counted (it was published, D9).
    publish(pin_today, staff, D(2025, 5, 6), category=general, state=Status.WITHDRAWN)
    # Not counted: published in 2024, a draft, an entry awaiting approval, another agency's entry.
    publish(pin_today, staff, D(2024, 12, 30), category=general)
    publish(pin_today, staff, D(2025, 5, 7), category=general, state=Status.DRAFT)
    publish(pin_today, staff, D(2025, 5, 7), category=finance, state=Status.REVIEWED)
    other = other_agency_people(staff)
    publish(pin_today, other, D(2025, 3, 4), category=finance)
    # An entry without a 主题分类 (e.g. imported): counted as such.
    Item.objects.create(
        agency=staff.agency,
        title="历史导入的信息",
        written_on=D(2025, 1, 2),
        published_on=D(2025, 1, 3),
        status=Status.PUBLISHED,
        index_number="IMPORTED/2025-00001",
    )
    pin_today(TODAY)

    f = year_figures([staff.agency.pk], 2025)
    assert f.proactive == Proactive(
        published=7,
        categories=(CategoryCount("综合政务", 3), CategoryCount("财政、金融、审计", 3)),
        uncategorised=1,
        interpretations=1,
        article20=3,
    )
    assert year_figures([staff.agency.pk], 2024).proactive.published == 1
    both = year_figures([staff.agency.pk, staff.other_agency.pk], 2025).proactive
    assert both.published == 8
    assert both.categories == (CategoryCount("财政、金融、审计", 4), CategoryCount("综合政务", 3))


def test_documents_are_table_two(staff: Staff, pin_today: PinToday) -> None:
    normative = {"document_type": DocumentType.NORMATIVE, "validity": Validity.IN_FORCE}
    publish(pin_today, staff, D(2025, 3, 3), **normative)
    publish(pin_today, staff, D(2024, 6, 3), **normative)
    pin_today(TODAY)
    f = year_figures([staff.agency.pk], 2025)
    table2 = tabulate.table2([staff.agency.pk], 2025)["normative_documents"]
    assert f.documents == Documents(0, 0, 0, 1, 0, 2)
    assert (f.documents.normative_issued, f.documents.normative_in_force) == (
        table2["issued"],
        table2["in_force"],
    )
    # The 2019 format's table 二 is entered by hand: no documents in the figures.
    assert year_figures([staff.agency.pk], 2020).documents is None


def test_fees_applications_and_appeals(
    staff: Staff, make_case: CaseMaker, pin_today: PinToday, django_assert_max_num_queries: Any
) -> None:
    pin_today(TODAY)
    officer = staff.officer
    # Notice of 200 元 (50 pages) in March, paid in March, answered.
    paid = make_case(arrived_on=D(2025, 3, 3), serial=1)
    services.issue_fee_notice(actor=officer, application=paid, on=D(2025, 3, 4), method="pages", quantity=50)
    services.record_payment(actor=officer, application=paid, on=D(2025, 3, 10))
    services.answer(actor=officer, application=paid, on=D(2025, 3, 20), outcome="granted", **ANSWER_DETAILS)
    # Notice of 1,320 元 (131 pages) in April, never paid: deemed abandoned (（六）2).
    lapsed = make_case(arrived_on=D(2025, 4, 1), serial=2, applicant_type="commercial")
    services.issue_fee_notice(
        actor=officer, application=lapsed, on=D(2025, 4, 2), method="pages", quantity=131
    )
    services.lapse_fee(actor=officer, application=lapsed, on=D(2025, 5, 20))
    # Notice of 100 元 (40 pages) in December 2024, paid in January 2025: collected in 2025.
    late = make_case(arrived_on=D(2024, 12, 10), serial=3)
    services.issue_fee_notice(
        actor=officer, application=late, on=D(2024, 12, 16), method="pages", quantity=40
    )
    services.record_payment(actor=officer, application=late, on=D(2025, 1, 6))
    services.answer(
        actor=officer, application=late, on=D(2025, 1, 20), outcome="partially_granted", **ANSWER_DETAILS
    )
    # Another agency's notice: not ours.
    foreign = make_case(
        arrived_on=D(2025, 3, 3), serial=4, agency=staff.other_agency, actor=staff.other_officer
    )
    services.issue_fee_notice(
        actor=staff.other_officer, application=foreign, on=D(2025, 3, 4), method="pages", quantity=60
    )
    # Still open on 31 December: carried forward (today is pinned in July: open now).
    make_case(arrived_on=D(2025, 6, 2), serial=5)
    # A reconsideration of the partly granted case, still pending.
    services.record_appeal(
        actor=officer, application=late, kind="reconsideration", filed_on=D(2025, 2, 10), body="甲县人民政府"
    )

    with django_assert_max_num_queries(6):
        f = year_figures([staff.agency.pk], 2025)
    assert f.year == 2025 and f.format == "2021"
    assert f.fees == Fees(notices=2, noticed_amount=Decimal(1520), payments=2, collected_amount=Decimal(300))
    assert year_figures([staff.agency.pk], 2024).fees == Fees(1, Decimal(100), 0, Decimal(0))
    both = year_figures([staff.agency.pk, staff.other_agency.pk], 2025).fees
    assert (both.notices, both.noticed_amount, both.collected_amount) == (3, Decimal(1820), Decimal(300))

    # Applications and appeals are tables 三 and 四, not a count of their own.
    table3 = tabulate.table3([staff.agency.pk], 2025)
    assert f.applications == Applications(
        received=3,
        received_from_persons=2,
        carried_over=1,
        answered=3,
        granted=1,
        partially_granted=1,
        denied=0,
        unable=0,
        rejected=0,
        other=1,  # （六）2 逾期未缴费
        carried_forward=1,
    )
    assert (f.applications.received, f.applications.answered) == (
        table3["new_received"]["total"],
        table3["total"]["total"],
    )
    assert f.reconsideration == Appeals(upheld=0, corrected=0, other=0, pending=1)
    assert f.litigation == Appeals(0, 0, 0, 0)

    # The drafts quote them, and the checker finds them equal to the tables built from the same records.
    overview = draft_overview(f, staff.agency.name, FORMATS["2021"])
    assert "本年度共收到政府信息公开申请3件，其中自然人2件，法人或其他组织1件。" in overview
    assert "本年度因政府信息公开引起的行政复议案件1件" in overview
    assert "本年度共发出收费通知2件，总金额1520元，实际收取信息处理费300元。" in draft_other(
        f, FORMATS["2021"]
    )
    table2 = tabulate.table2([staff.agency.pk], 2025)
    table2["fees"]["amount"] = 0  # entered by hand (万元)
    tables = Tables(
        section2={row: dict(cells) for row, cells in table2.items()},
        section3={row: [cells[c] for c in SECTION3_COLUMN_KEYS] for row, cells in table3.items()},
        section4={
            group: [cells[c] for c in SECTION4_COLUMN_KEYS]
            for group, cells in tabulate.table4([staff.agency.pk], 2025).items()
        },
    )
    result = check(document(tables, "2021", f))
    assert result.report.year == 2025
    assert serious(result) == []


def test_the_queries_do_not_grow_with_the_records(
    staff: Staff, make_case: CaseMaker, pin_today: PinToday, django_assert_max_num_queries: Any
) -> None:
    pin_today(TODAY)
    with django_assert_max_num_queries(6):
        empty = year_figures([staff.agency.pk], 2025)
    assert empty.fees == Fees() and empty.proactive == Proactive(published=0)
    for serial in range(1, 6):
        case = make_case(arrived_on=D(2025, 3, 3), serial=serial)
        services.issue_fee_notice(
            actor=staff.officer, application=case, on=D(2025, 3, 4), method="pages", quantity=31
        )
        services.record_payment(actor=staff.officer, application=case, on=D(2025, 3, 5))
    for day in (D(2025, 2, 3), D(2025, 2, 4)):
        publish(pin_today, staff, day, category=category("综合政务"))
    pin_today(TODAY)
    with django_assert_max_num_queries(6):
        many = year_figures([staff.agency.pk], 2025)
    assert many.fees == Fees(5, Decimal(50), 5, Decimal(50))
    assert many.proactive.published == 2
    # The 2019 format (2020): no table 二, four queries.
    with django_assert_max_num_queries(4):
        year_figures([staff.agency.pk], 2020)


def test_years_before_2019_are_refused(staff: Staff) -> None:
    with pytest.raises(ValueError, match="2018年"):
        year_figures([staff.agency.pk], 2018)
