"""Counting a random two-and-a-bit years of cases into tables 三 and 四 with the report builder.

A seeded generator plays cases through the services — received from 1 November two years ago up to
today, in person or by e-mail, by every kind of applicant; some answered with random outcomes, some
withdrawn, some lapsed (no correction, no payment), some left open — and appeals on some answered
cases. It keeps its own plan of what it did. Then, for each report year:

* :func:`count_table3` counts the cases with :func:`gongkai.reports.tabulate.table3` (D7): 一 by receipt
  year and applicant type, 三 by answer year and ``outcomes.row_for(outcome, year)``, 二 = received
  before the year and not answered before it, 四 = received by 31 December and not answered by then;
* :func:`count_table4` counts appeals with :func:`gongkai.reports.tabulate.table4`, by ``Appeal.group``
  and result, or 尚未审结 if pending on 31 December (D8);

and the test asserts that the counts equal the plan, that every identity of the 2021 format
(``FORMATS["2021"].identities``) holds, and that this year's 二 equals last year's 四.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from gongkai.agencies.models import Agency
from gongkai.annual import tabulate
from gongkai.applications import services
from gongkai.applications.models import ApplicantType, Application
from gongkai.reports.model import (
    FORMATS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    Identity,
    format_for_year,
)
from gongkai.statute.outcomes import ANSWER_OUTCOME_KEYS, OUTCOME_BY_KEY, row_for
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import CaseMaker, Staff, days_ago, today

pytestmark = pytest.mark.django_db

D = datetime.date
Cells = dict[tuple[str, str], int]  # (row or group key, column key) -> count


# --- The counting: the report builder, as (row or group, column) cells ------------------------------


def cells(table: Mapping[str, Mapping[str, int]]) -> Cells:
    """A builder table (row → column → count) as flat cells."""
    return {(row, col): n for row, columns in table.items() for col, n in columns.items()}


def count_table3(agency: Agency, year: int) -> Cells:
    table = tabulate.table3([agency.pk], year)
    # Every row of the year's format and every column, nothing else.
    version = format_for_year(year)
    assert version is not None
    assert list(table) == list(FORMATS[version].section3_row_keys)
    assert all(list(columns) == list(SECTION3_COLUMN_KEYS) for columns in table.values())
    return cells(table)


def count_table4(agency: Agency, year: int) -> Cells:
    table = tabulate.table4([agency.pk], year)
    assert list(table) == list(SECTION4_GROUP_KEYS)
    assert all(list(columns) == list(SECTION4_COLUMN_KEYS) for columns in table.values())
    return cells(table)


def check_identities(identities: tuple[Identity, ...], tables: dict[str, Cells]) -> list[str]:
    failures = []
    for identity in identities:
        left = sum(tables[t].get((row, col), 0) for t, row, col in identity.left)
        right = sum(tables[t].get((row, col), 0) for t, row, col in identity.right)
        if left != right:
            failures.append(f"{identity.code} {identity.where}: {left} != {right}")
    return failures


# --- A random history, played through the services ------------------------------------------------


@dataclass
class Planned:
    applicant_type: str
    receipt: datetime.date | None
    closed_on: datetime.date | None = None
    outcome: str = ""


@dataclass
class PlannedAppeal:
    group: str
    filed_on: datetime.date
    result: str = ""
    concluded_on: datetime.date | None = None


ANSWER_DETAILS = {
    "legal_basis": "《中华人民共和国政府信息公开条例》",
    "reasons": "经审查，理由如下。",
    "how_to_obtain": "随本答复书提供。",
    "responsible_agency": "甲县自然资源局，电话 0000-1234567",
}


class History:
    def __init__(self, staff: Staff, make_case: CaseMaker, seed: int) -> None:
        self.staff, self.make_case, self.rnd = staff, make_case, random.Random(seed)
        self.today = today()
        self.start = D(self.today.year - 2, 11, 1)
        self.cases: list[Planned] = []
        self.appeals: list[PlannedAppeal] = []
        self.serial = 0

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rnd.randint(0, max(0, (last - first).days)))

    def later(self, day: datetime.date, up_to: int) -> datetime.date | None:
        """A day 0..up_to days after ``day``, or None if that would be after today."""
        candidate = day + datetime.timedelta(days=self.rnd.randint(0, up_to))
        return candidate if candidate <= self.today else None

    def play(self, n: int) -> None:
        for _ in range(n):
            self.one_case()
        # Edge cases: received across New Year (arrived 30 Dec, confirmed 2 Jan: new in the later year),
        # and an e-mail never confirmed, then withdrawn (never received: counted nowhere).
        year = self.today.year
        if D(year, 1, 2) <= self.today:
            self.one_case(channel="email", arrived=D(year - 1, 12, 30), confirmed=D(year, 1, 2))
        if D(year, 2, 1) <= self.today:
            self.appeal_chain(year)
        # Received two years back, answered last year: carried over into last year (二).
        self.serial += 1
        case = self.make_case(arrived_on=D(year - 2, 12, 20), applicant_type="research", serial=self.serial)
        services.withdraw(actor=self.staff.officer, application=case, on=D(year - 1, 1, 15))
        self.cases.append(Planned("research", D(year - 2, 12, 20), D(year - 1, 1, 15), "withdrawn"))
        self.one_case(channel="email", arrived=D(year - 1, 11, 20), confirmed=None, fate="withdrawn")

    def one_case(
        self,
        *,
        channel: str | None = None,
        arrived: datetime.date | None = None,
        confirmed: datetime.date | None = None,
        fate: str | None = None,
    ) -> None:
        rnd = self.rnd
        self.serial += 1
        applicant_type = rnd.choice(ApplicantType.values)
        if channel is None:
            channel = rnd.choice(["in_person", "in_person", "post_signed", "email"])
            arrived = self.day_between(self.start, self.today)
            confirmed = self.later(arrived, 3) if channel == "email" else None
            if channel == "email" and confirmed is None:
                confirmed = arrived
        assert arrived is not None
        case = self.make_case(
            channel=channel,
            arrived_on=arrived,
            confirmed_on=confirmed,
            applicant_type=applicant_type,
            serial=self.serial,
        )
        receipt = confirmed if channel == "email" else arrived
        planned = Planned(applicant_type, receipt)
        self.cases.append(planned)
        assert case.receipt_date == receipt
        fate = (
            fate
            or rnd.choices(["open", "answered", "withdrawn", "no_correction", "no_fee"], [30, 50, 10, 5, 5])[
                0
            ]
        )
        officer = self.staff.officer
        if fate == "withdrawn":
            on = self.later(receipt or arrived, 30)
            if on is not None:
                services.withdraw(actor=officer, application=case, on=on)
                planned.closed_on, planned.outcome = on, "withdrawn"
        elif fate == "answered" and receipt is not None:
            on = self.later(receipt, 70)
            if on is not None:
                outcome = rnd.choice(ANSWER_OUTCOME_KEYS)
                services.answer(actor=officer, application=case, on=on, outcome=outcome, **ANSWER_DETAILS)
                planned.closed_on, planned.outcome = on, outcome
                self.maybe_appeal(case, on)
        elif fate == "no_correction" and receipt is not None:
            period_end = receipt + datetime.timedelta(days=10)
            on = self.later(period_end + datetime.timedelta(days=1), 20)
            services.request_correction(
                actor=officer, application=case, on=receipt, items="请补充", period_end=period_end
            )
            if on is not None and on > period_end:
                services.lapse_correction(actor=officer, application=case, on=on)
                planned.closed_on, planned.outcome = on, "other_no_correction"
        elif fate == "no_fee" and receipt is not None and receipt <= self.today - datetime.timedelta(days=45):
            # (45 days back: the payment due date stays inside the loaded calendar years.)
            services.issue_fee_notice(
                actor=officer, application=case, on=receipt, method="pages", quantity=50
            )
            payment_due = current_calendar().add_working_days(receipt, 20)
            on = self.later(payment_due + datetime.timedelta(days=1), 20)
            if on is not None:
                services.lapse_fee(actor=officer, application=case, on=on)
                planned.closed_on, planned.outcome = on, "other_no_fee"

    def appeal_chain(self, year: int) -> None:
        """D8: a reconsideration pending on 31 December (尚未审结 that year) and concluded the next year
        (its result then), and a suit after it (复议后起诉), still pending."""
        officer = self.staff.officer
        self.serial += 1
        case = self.make_case(
            arrived_on=D(year - 1, 11, 2), applicant_type="legal_service", serial=self.serial
        )
        answered = D(year - 1, 12, 1)
        services.answer(
            actor=officer, application=case, on=answered, outcome="denied_third_party", **ANSWER_DETAILS
        )
        self.cases.append(Planned("legal_service", D(year - 1, 11, 2), answered, "denied_third_party"))
        appeal = services.record_appeal(
            actor=officer, application=case, kind="reconsideration", filed_on=D(year - 1, 12, 10), body="x"
        )
        services.conclude_appeal(
            actor=officer, appeal=appeal, result="corrected", concluded_on=D(year, 1, 20)
        )
        self.appeals.append(
            PlannedAppeal("reconsideration", D(year - 1, 12, 10), "corrected", D(year, 1, 20))
        )
        services.record_appeal(
            actor=officer,
            application=case,
            kind="litigation",
            filed_on=D(year, 2, 1),
            body="甲县人民法院",
            after_reconsideration=appeal,
        )
        self.appeals.append(PlannedAppeal("litigation_after_reconsideration", D(year, 2, 1)))

    def maybe_appeal(self, case: Application, answered: datetime.date) -> None:
        rnd, officer = self.rnd, self.staff.officer
        if rnd.random() < 0.3:
            kind = rnd.choice(["reconsideration", "reconsideration", "litigation"])
            filed = self.later(answered, 40)
            if filed is None:
                return
            appeal = services.record_appeal(
                actor=officer, application=case, kind=kind, filed_on=filed, body="x"
            )
            planned = PlannedAppeal(appeal.group, filed)
            self.appeals.append(planned)
            assert planned.group == ("reconsideration" if kind == "reconsideration" else "litigation_direct")
            concluded = self.later(filed, 90)
            if concluded is not None and rnd.random() < 0.7:
                result = rnd.choice(["upheld", "corrected", "other"])
                services.conclude_appeal(actor=officer, appeal=appeal, result=result, concluded_on=concluded)
                planned.result, planned.concluded_on = result, concluded
                if kind == "reconsideration" and rnd.random() < 0.5:
                    sued = self.later(concluded, 15)
                    if sued is not None:
                        suit = services.record_appeal(
                            actor=officer,
                            application=case,
                            kind="litigation",
                            filed_on=sued,
                            body="甲县人民法院",
                            after_reconsideration=appeal,
                        )
                        self.appeals.append(PlannedAppeal(suit.group, sued))

    # The plan, counted in plain Python (an independent check of the ORM counts).

    def expected_table3(self, year: int) -> Cells:
        first, last = D(year, 1, 1), D(year, 12, 31)
        cells: Cells = Counter()
        for case in self.cases:
            if case.receipt is None:
                continue
            col = case.applicant_type
            if case.receipt.year == year:
                cells["new_received", col] += 1
            if case.receipt < first and (case.closed_on is None or case.closed_on >= first):
                cells["carried_over", col] += 1
            if case.receipt <= last and (case.closed_on is None or case.closed_on > last):
                cells["carried_forward", col] += 1
            if case.closed_on is not None and case.closed_on.year == year:
                cells[row_for(case.outcome, year), col] += 1
                cells["total", col] += 1
        for row in {r for r, _c in cells}:
            cells[row, "total"] = sum(cells[row, c] for c in SECTION3_APPLICANT_COLUMNS)
        return cells

    def expected_table4(self, year: int) -> Cells:
        first, last = D(year, 1, 1), D(year, 12, 31)
        cells: Cells = Counter()
        for appeal in self.appeals:
            if appeal.filed_on > last or (appeal.concluded_on is not None and appeal.concluded_on < first):
                continue
            done = appeal.concluded_on is not None and appeal.concluded_on <= last
            cells[appeal.group, appeal.result if done else "pending"] += 1
            cells[appeal.group, "total"] += 1
        return cells


def nonzero(cells: Cells) -> Cells:
    return {k: v for k, v in cells.items() if v}


@pytest.mark.parametrize("seed", [2021, 30])
def test_a_random_history_counts_into_tables_that_balance(
    staff: Staff, make_case: CaseMaker, seed: int
) -> None:
    history = History(staff, make_case, seed)
    history.play(45)
    # Noise at another agency must not be counted.
    make_case(agency=staff.other_agency, actor=staff.other_officer, arrived_on=days_ago(100))

    years = [today().year - 1, today().year]
    identities = FORMATS["2021"].identities
    assert {i.code for i in identities} >= {
        "section3.balance",
        "section3.results_total",
        "section3.row_total",
    }
    previous: Cells | None = None
    for year in years:
        assert format_for_year(year) == "2021"
        table3 = count_table3(staff.agency, year)
        table4 = count_table4(staff.agency, year)
        assert nonzero(table3) == nonzero(history.expected_table3(year))
        assert nonzero(table4) == nonzero(history.expected_table4(year))
        assert check_identities(identities, {"section3": table3, "section4": table4}) == []
        # Every counted cell is a cell of the official table.
        rows = set(FORMATS["2021"].section3_row_keys)
        assert {r for r, _c in nonzero(table3)} <= rows
        assert {c for _r, c in nonzero(table4)} <= set(SECTION4_COLUMN_KEYS)
        if previous is not None:  # 二 (上年结转) = last year's 四 (结转下年度), per column
            for col in (*SECTION3_APPLICANT_COLUMNS, "total"):
                assert table3["carried_over", col] == previous["carried_forward", col]
        previous = table3
    # The history really exercised the tables (last year is a whole year of random cases).
    last_year = count_table3(staff.agency, years[0])
    assert last_year["new_received", "total"] > 5 and last_year["total", "total"] > 5
    assert last_year["carried_over", "research"] > 0 and last_year["carried_forward", "total"] > 0
    groups = {g for year in years for (g, _c), n in count_table4(staff.agency, year).items() if n}
    if today() >= D(today().year, 2, 1):
        assert groups >= {"reconsideration", "litigation_after_reconsideration"}


def test_a_wrong_count_is_caught_by_the_identities(staff: Staff, make_case: CaseMaker) -> None:
    make_case(arrived_on=days_ago(80))
    table3 = count_table3(staff.agency, today().year)
    assert check_identities(FORMATS["2021"].identities, {"section3": table3, "section4": {}}) == []
    table3["granted", "natural_person"] += 1
    failures = check_identities(FORMATS["2021"].identities, {"section3": table3, "section4": {}})
    assert any(f.startswith("section3.row_total") for f in failures)
    assert any(f.startswith("section3.results_total") for f in failures)


def test_a_withdrawal_while_pending_confirmation_has_an_outcome_but_no_receipt(
    staff: Staff, make_case: CaseMaker
) -> None:
    # A case withdrawn before its receipt was confirmed was never received (D2): it is closed with an
    # outcome but has no receipt date, so it is in neither 一 nor 三 — the report leaves it out, as
    # count_table3 does, and the identities hold.
    case = make_case(channel="email", arrived_on=days_ago(80))
    services.withdraw(actor=staff.officer, application=case, on=days_ago(79))
    case = Application.objects.get(pk=case.pk)
    assert case.outcome == "withdrawn" and case.receipt_date is None and case.answered_on == days_ago(79)
    table3 = count_table3(staff.agency, days_ago(79).year)
    assert table3.get(("other_other", "total"), 0) == 0


def test_a_withdrawal_dated_before_the_receipt_is_refused(staff: Staff, make_case: CaseMaker) -> None:
    # Arrived 30 Dec, confirmed (received) 2 Jan, withdrawal dated 31 Dec: it would count in 三 of the
    # earlier year and in 一 of the later one, and neither year's table would balance.
    year = today().year
    case = make_case(channel="email", arrived_on=D(year - 1, 12, 30), confirmed_on=D(year, 1, 2))
    with pytest.raises(services.CaseError):
        services.withdraw(actor=staff.officer, application=case, on=D(year - 1, 12, 31))


def test_outcome_rows_of_every_answer_outcome_are_counted(staff: Staff, make_case: CaseMaker) -> None:
    on = days_ago(60)
    for i, outcome in enumerate(ANSWER_OUTCOME_KEYS):
        case = make_case(arrived_on=days_ago(80), serial=i + 1, applicant_type="commercial")
        services.answer(actor=staff.officer, application=case, on=on, outcome=outcome, **ANSWER_DETAILS)
    table3 = count_table3(staff.agency, on.year)
    expected = Counter(OUTCOME_BY_KEY[k].row_key(on.year) for k in ANSWER_OUTCOME_KEYS)
    for row, n in expected.items():
        assert table3[row, "commercial"] == n == table3[row, "total"]
    assert table3["total", "total"] == len(ANSWER_OUTCOME_KEYS)
