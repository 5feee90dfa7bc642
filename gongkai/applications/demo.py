"""Realistic demo applications, made through the services (so every date, letter and audit event
is what a real officer would have produced). Used by ``gongkai seed-demo``; deterministic for a given
``today`` and idempotent (an agency that already has applications is left alone).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from stdnum.cn import ric

from gongkai.agencies.models import Agency
from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["建国", "秀英", "志强", "丽娟", "海燕", "文博", "思远", "晓明", "桂兰", "国华", "玉梅", "子涵"]
_COMPANIES = [
    ("commercial", "示范县青禾农业开发有限公司", "91330100MA2H00001P"),
    ("commercial", "浙江示范建设工程有限公司", "91330100MA2H00002T"),
    ("research", "示范市农业科学研究院", "12330100MB0000021Q"),
    ("social_welfare", "示范县乡村振兴公益促进会", "51330100MJ00000317"),
    ("legal_service", "浙江明正律师事务所", "31330000MD0000041T"),
    ("other_org", "示范县城关镇和平村股份经济合作社", "55330100MJ0000032X"),
]
_REQUESTS = [
    "城关镇和平村2025年土地征收补偿安置方案及批复文件",
    "示范县国土空间总体规划（2021—2035年）中青山乡部分的图件",
    "2025年度城乡建设用地增减挂钩项目实施方案",
    "东湖街道旧城改造项目房屋征收决定及补偿标准",
    "本人名下宅基地使用权审批材料",
    "示范县2024年和2025年矿产资源开采许可证发放情况",
    "青山乡河道治理工程的立项批复和招标文件",
    "和平村集体经营性建设用地入市交易的出让方案",
    "示范县2025年耕地占补平衡指标使用情况",
    "城关镇某地块（宗地号330100-003-012）的供地批复",
]

#: (outcome, weight, legal basis, reasons) — a plausible mix for a natural-resources bureau.
_OUTCOMES: list[tuple[str, int, str, str]] = [
    ("granted", 30, "", ""),
    ("already_public", 8, "", ""),
    ("partially_granted", 8, "条例第三十七条", "所申请信息中含有个人身份证号码和联系方式，已作区分处理。"),
    ("denied_third_party", 3, "条例第十五条", "所申请信息涉及第三方商业秘密，第三方书面不同意公开。"),
    ("denied_process_info", 3, "条例第十六条第二款", "所申请的会议纪要属于讨论记录，为过程性信息。"),
    ("unable_not_held", 10, "条例第三十六条第四项", "经检索，本机关未制作、获取该信息。"),
    ("unable_not_responsible", 4, "条例第三十六条第五项", "该信息由示范县住房和城乡建设局制作并保存。"),
    (
        "unable_needs_creation",
        3,
        "条例第三十八条",
        "所申请的统计数据需要对现有信息进行汇总、分析，本机关没有现成信息。",
    ),
    ("rejected_petition", 3, "条例第三十九条第一款", "申请内容实为对征收补偿的投诉，请通过信访渠道反映。"),
    ("rejected_duplicate", 2, "条例第三十六条第六项", "申请人已就相同信息提出申请并已获答复。"),
]


@dataclass(frozen=True)
class DemoPeople:
    officer: AbstractBaseUser
    head: AbstractBaseUser


def _id_number(rng: random.Random) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 50))
    body = f"330122{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + str(ric.calc_check_digit(body + "0"))  # the argument includes a check digit slot


def _applicant(rng: random.Random) -> services.Applicant:
    if rng.random() < 0.78:
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        return services.Applicant(
            applicant_type="natural_person",
            name=name,
            id_type="resident_id",
            id_number=_id_number(rng),
            phone=f"13{rng.randrange(0, 10)}{rng.randrange(0, 10**8):08d}",
            address=f"示范县城关镇人民路{rng.randrange(1, 300)}号",
            postcode="310000",
        )
    kind, name, uscc = rng.choice(_COMPANIES)
    return services.Applicant(
        applicant_type=kind,
        name=name,
        id_type="uscc",  # made-up codes with valid check digits
        id_number=uscc,
        contact_person=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
        phone=f"0571-8{rng.randrange(0, 10**7):07d}",
        address="示范县工业园区创业路8号",
        postcode="310000",
    )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def seed_cases(
    agency: Agency, people: DemoPeople, *, count: int = 40, today: datetime.date | None = None
) -> int:
    """Create ``count`` demo applications at ``agency`` spread over the last ~14 months. Returns how many."""
    if Application.objects.filter(agency=agency).exists():
        return 0
    today = today or timezone.localdate()
    calendar = current_calendar()
    rng = random.Random(f"{agency.short_code}-{today.isoformat()}")
    made = 0
    for index in range(count):
        # Older cases first so that the newest are still open and some are due soon or overdue.
        # Quadratic spacing puts more cases in the last weeks, where the queue shows its flags.
        arrived = today - datetime.timedelta(days=int(420 * (1 - index / count) ** 2) + rng.randrange(1, 5))
        try:
            _one_case(agency, people, rng, calendar, arrived, today)
        except CalendarNotLoaded:
            continue
        made += 1
    for _ in range(2):
        services.submit_online(
            agency=agency,
            applicant=_applicant(rng),
            request=services.Request(rng.choice(_REQUESTS), "electronic", "email"),
            submission_key=f"demo-{agency.short_code}-{rng.random()}",
        )
        made += 1
    return made


def _one_case(
    agency: Agency,
    people: DemoPeople,
    rng: random.Random,
    calendar: WorkCalendar,
    arrived: datetime.date,
    today: datetime.date,
) -> None:
    officer = people.officer
    # The online form files "today"; older demo cases came in at the counter, by post or by e-mail.
    channel = rng.choices(["in_person", "post_signed", "email"], weights=[6, 2, 2])[0]
    request = services.Request(
        description=rng.choice(_REQUESTS),
        requested_form=rng.choice(["paper", "electronic"]),
        delivery=rng.choice(["post", "email", "collect"]),
    )
    applicant = _applicant(rng)
    confirmed = None
    if channel == "email":
        next_day = calendar.next_working_day(arrived)
        confirmed = next_day if next_day <= today else None
    application, _secret = services.register(
        actor=officer,
        agency=agency,
        applicant=applicant,
        request=request,
        channel=channel,
        arrived_at=_at(arrived, 9 + rng.randrange(0, 8)),
        confirmed_on=confirmed,
    )
    if application.receipt_date is None:
        return
    receipt = application.receipt_date
    step = receipt

    def later(working_days: int) -> datetime.date | None:
        nonlocal step
        day = calendar.add_working_days(step, working_days)
        if day > today:
            return None
        step = day
        return day

    roll = rng.random()
    if roll < 0.12:
        on = later(3)
        if on is None:
            return
        services.request_correction(
            actor=officer,
            application=application,
            on=on,
            items="请补充所需信息的文号或形成时间，并说明所涉地块的具体位置。",
            period_end=calendar.add_working_days(on, 10),
        )
        received = later(rng.randrange(2, 12))
        if received is None:
            return
        if received > calendar.add_working_days(on, 10):
            services.lapse_correction(actor=officer, application=application, on=received)
            return
        services.record_correction(actor=officer, application=application, on=received)
    elif roll < 0.22:
        on = later(4)
        if on is None:
            return
        event = services.start_consultation(
            actor=officer,
            application=application,
            on=on,
            kind="third_party",
            consultee="示范县青禾农业开发有限公司",
            subject=request.description,
        )
        end = later(rng.randrange(5, 15))
        if end is None:
            return
        services.end_consultation(
            actor=officer,
            application=application,
            started_seq=event.seq,
            on=end,
            opinion="第三方书面回复同意公开。",
        )
    if rng.random() < 0.1:
        on = later(15)
        if on is None:
            return
        application.refresh_from_db()
        if application.due_date is not None and on <= application.due_date:
            services.grant_extension(
                actor=officer,
                application=application,
                on=on,
                approver=people.head,
                reason="所申请信息涉及多个部门，需要进一步检索和核实。",
            )
    if rng.random() < 0.05:
        on = later(1)
        if on is not None:
            services.withdraw(actor=officer, application=application, on=on, note="申请人来电撤回申请。")
        return
    if (today - receipt).days < 45 and rng.random() < 0.6:
        return  # still open: due soon, on time or overdue in the queue
    answer_on = later(rng.randrange(5, 19))
    if answer_on is None:
        return
    outcome, basis, reasons = _pick_outcome(rng)
    services.answer(
        actor=officer,
        application=application,
        on=answer_on,
        outcome=outcome,
        legal_basis=basis,
        reasons=reasons,
        how_to_obtain="已通过电子邮件发送电子文件，纸质文本可至本机关政务服务窗口领取。"
        if outcome in {"granted", "already_public"}
        else "",
        responsible_agency="示范县住房和城乡建设局，联系电话0571-88000123"
        if outcome == "unable_not_responsible"
        else "",
    )


def _pick_outcome(rng: random.Random) -> tuple[str, str, str]:
    outcome, _weight, basis, reasons = rng.choices(_OUTCOMES, weights=[w for _o, w, _b, _r in _OUTCOMES])[0]
    return outcome, basis, reasons
