"""A small ledger of 2025 built through the services, for the statistics tests.

Working days in March–April 2025 (the built-in calendar): counting from Monday 3 March, the 20th working
day is Monday 31 March; 4–6 April is the 清明 holiday.

=====  =========================================================  ====================  =======
case   steps                                                      working days taken    in time
=====  =========================================================  ====================  =======
A      in person 3 Mar, answered 14 Mar                           9                     yes
B      3 Mar; consultation 10–14 Mar (4 days paused); extension   26 (30 less 4)        yes (40)
       20 Mar; answered 15 Apr (late without the extension)
C      3 Mar, answered 8 Apr, no extension                        25                    no
D      3 Mar; 补正 asked 5 Mar, received 17 Mar; answered 11 Apr   18 (from 17 Mar)      yes
E      signed-for post (commercial) 3 Mar, withdrawn 7 Mar                —                     —
F      in person 3 Nov, still open                                overdue on 31 Dec     —
G      in person 22 Dec, still open                               not overdue           —
H      county-b, 3 Mar, answered 28 Apr                           (another agency)
=====  =========================================================  ====================  =======
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from gongkai.applications import services
from gongkai.applications.models import Application
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import CaseMaker, Staff
from tests.applications.test_table_counts import ANSWER_DETAILS

staff = applications_fixtures.staff
make_case = applications_fixtures.make_case
pin_today = applications_fixtures.pin_today

D = datetime.date
TODAY = D(2025, 12, 31)


@dataclass
class Ledger:
    cases: dict[str, Application]
    today: datetime.date


def _answer(staff: Staff, case: Application, on: datetime.date) -> None:
    services.answer(actor=staff.officer, application=case, on=on, outcome="granted", **ANSWER_DETAILS)


@pytest.fixture
def ledger(staff: Staff, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]) -> Ledger:
    pin_today(TODAY)
    officer = staff.officer
    march = D(2025, 3, 3)
    cases = {key: make_case(arrived_on=march, serial=i + 1) for i, key in enumerate("ABCD")}
    _answer(staff, cases["A"], D(2025, 3, 14))

    b = cases["B"]
    services.start_consultation(
        actor=officer, application=b, on=D(2025, 3, 10), kind="third_party", consultee="某公司"
    )
    started = b.events.get(kind="consultation_started").seq
    services.end_consultation(actor=officer, application=b, started_seq=started, on=D(2025, 3, 14))
    services.grant_extension(
        actor=officer, application=b, on=D(2025, 3, 20), approver=staff.head, reason="需要调取档案"
    )
    _answer(staff, b, D(2025, 4, 15))

    _answer(staff, cases["C"], D(2025, 4, 8))

    d = cases["D"]
    services.request_correction(
        actor=officer, application=d, on=D(2025, 3, 5), items="请写明文件名称", period_end=D(2025, 3, 20)
    )
    services.record_correction(actor=officer, application=d, on=D(2025, 3, 17))
    _answer(staff, d, D(2025, 4, 11))

    e = make_case(
        arrived_on=march, channel="post_signed", applicant_type="commercial", serial=5, name="某某公司"
    )
    services.withdraw(actor=officer, application=e, on=D(2025, 3, 7))
    cases["E"] = e
    cases["F"] = make_case(arrived_on=D(2025, 11, 3), serial=6, name="李四")
    cases["G"] = make_case(arrived_on=D(2025, 12, 22), serial=7)
    other = make_case(arrived_on=march, agency=staff.other_agency, actor=staff.other_officer, serial=8)
    services.answer(
        actor=staff.other_officer, application=other, on=D(2025, 4, 28), outcome="granted", **ANSWER_DETAILS
    )
    cases["H"] = other
    for case in cases.values():
        case.refresh_from_db()
    return Ledger(cases, TODAY)
