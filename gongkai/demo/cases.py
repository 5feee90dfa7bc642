"""Realistic demo applications (依申请公开), made through the services so that every date, letter, case
event and audit event is what a real officer would have produced. Used by ``gongkai seed-demo``.

* :func:`seed_year` — the applications that arrived in one past year: the records an annual report
  (年度报告) is built from. Natural persons and the five kinds of organisations; every kind of outcome
  (予以公开, 部分公开, 不予公开 with its reasons, 无法提供, 不予处理, and the 其他处理 of a lapsed correction,
  an unpaid fee and a withdrawal); 补正, 征求意见 and 延期; 收费通知 and payments (receipts from 2021,
  国办函〔2020〕109号); cases received in late December and answered in January (上年结转); and the
  行政复议 and 行政诉讼 that follow refusals — some concluded, some still pending on 31 December.
* :func:`seed_cases` — this year's queue up to today: more cases in the last weeks, some still open
  (due soon, on time or overdue in the officer's queue), and two submitted online today.

Deterministic: a past year's cases depend only on the agency and the year (and on which of their steps
are already in the past); this year's on the agency and today. Idempotent per agency and year: a year in
which the agency already has an application is left alone. A step whose date the working-day calendar
cannot compute (a year whose 放假安排 is not loaded) ends the case where it is, as a real office would
have to wait for the calendar.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.applications import services
from gongkai.applications.models import Appeal, Application
from gongkai.applications.permissions import can_approve_extension
from gongkai.statute.fees import fee_applies
from gongkai.statute.outcomes import OUTCOME_BY_KEY
from gongkai.statute.resident_id import check_character
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["建国", "秀英", "志强", "丽娟", "海燕", "文博", "思远", "晓明", "桂兰", "国华", "玉梅", "子涵"]
_ORGANISATIONS = [
    ("commercial", "示范县青禾农业开发有限公司", "91330100MA2H00001P"),
    ("commercial", "浙江示范建设工程有限公司", "91330100MA2H00002T"),
    ("research", "示范市农业科学研究院", "12330100MB0000021Q"),
    ("social_welfare", "示范县乡村振兴公益促进会", "51330100MJ00000317"),
    ("legal_service", "浙江明正律师事务所", "31330000MD0000041T"),
    ("other_org", "示范县城关镇和平村股份经济合作社", "55330100MJ0000032X"),
]


@dataclass(frozen=True)
class CaseProfile:
    """What an agency is asked for and how it tends to answer."""

    #: What applicants ask for; ``{year}`` is the year the application arrived, ``{last}`` the one before.
    requests: tuple[str, ...]
    #: (outcome key, weight, reasons): the legal basis is the outcome's own (``outcomes.OUTCOME_BY_KEY``).
    outcomes: tuple[tuple[str, int, str], ...]
    #: The agency named in a 无法提供（不属于本机关负责公开） answer.
    responsible_agency: str
    #: The body that decides a reconsideration (行政复议机关) of this agency's answers.
    reconsideration_body: str
    organisations: float = 0.22  # share of applicants that are organisations
    fees: float = 0.0  # share of cases (received from 2021) with a 收费通知
    appeals: float = 0.2  # share of refusals appealed


_NATURAL_RESOURCES = CaseProfile(
    requests=(
        "城关镇和平村{year}年土地征收补偿安置方案及批复文件",
        "示范县国土空间总体规划（2021—2035年）中青山乡部分的图件",
        "{year}年度城乡建设用地增减挂钩项目实施方案",
        "东湖街道旧城改造项目房屋征收决定及补偿标准",
        "本人名下宅基地使用权审批材料",
        "示范县{last}年和{year}年矿产资源开采许可证发放情况",
        "青山乡河道治理工程的立项批复和招标文件",
        "和平村集体经营性建设用地入市交易的出让方案",
        "示范县{last}年耕地占补平衡指标使用情况",
        "城关镇某地块（宗地号330100-003-012）的供地批复",
    ),
    outcomes=(
        ("granted", 30, ""),
        ("already_public", 8, ""),
        ("partially_granted", 8, "所申请信息中含有个人身份证号码和联系方式，已作区分处理。"),
        ("denied_third_party", 3, "所申请信息涉及第三方商业秘密，第三方书面不同意公开。"),
        ("denied_process_info", 3, "所申请的会议纪要属于讨论记录，为过程性信息。"),
        ("unable_not_held", 10, "经检索，本机关未制作、获取该信息。"),
        ("unable_not_responsible", 4, "该信息由示范县住房和城乡建设局制作并保存。"),
        ("unable_needs_creation", 3, "所申请的统计数据需要对现有信息进行汇总、分析，本机关没有现成信息。"),
        ("rejected_petition", 3, "申请内容实为对征收补偿的投诉，请通过信访渠道反映。"),
        ("rejected_duplicate", 2, "申请人已就相同信息提出申请并已获答复。"),
    ),
    responsible_agency="示范县住房和城乡建设局，联系电话0571-88000123",
    reconsideration_body="示范县人民政府",
    fees=0.07,
    appeals=0.25,
)

_GOVERNMENT = CaseProfile(
    requests=(
        "示范县{last}年度本级预算执行和其他财政收支的审计工作报告",
        "县政府常务会议关于{year}年老旧小区改造的会议纪要",
        "示范县{year}年重大建设项目名单及投资计划",
        "东湖街道旧城改造项目房屋征收决定及补偿方案",
        "示范县{last}年城乡居民最低生活保障资金发放情况",
        "示范县{year}年政府投资项目招标文件及中标结果",
        "示范县{last}年“三公”经费决算及说明",
        "示范县{year}年企业扶持资金拨付名单及依据",
        "县政府关于青山乡撤乡设镇的请示及批复",
    ),
    outcomes=(
        ("granted", 26, ""),
        ("already_public", 14, ""),
        ("partially_granted", 7, "所申请信息中含有企业账号和个人联系方式，已作区分处理后公开。"),
        ("denied_process_info", 4, "所申请的会议纪要为内部研究讨论记录，属于过程性信息。"),
        ("denied_internal_affairs", 2, "所申请信息属于本机关人事管理、后勤管理等内部事务信息。"),
        ("unable_not_held", 9, "经检索，本机关未制作、获取该信息。"),
        ("unable_not_responsible", 5, "该信息由示范县财政局负责公开。"),
        ("unable_needs_creation", 3, "所申请的数据需要对多个部门的信息重新汇总，本机关没有现成信息。"),
        ("rejected_petition", 2, "申请内容实为对拆迁补偿标准的投诉举报，已告知通过信访渠道反映。"),
        ("rejected_publication", 1, "申请人要求提供的是已出版的统计年鉴，可通过公开出版物获取。"),
    ),
    responsible_agency="示范县财政局，联系电话0571-88000166",
    reconsideration_body="示范县人民政府",
    organisations=0.25,
    fees=0.04,
    appeals=0.18,
)

_TOWNSHIP = CaseProfile(
    requests=(
        "和平村{year}年村集体资产处置情况",
        "城南村{last}年最低生活保障对象评议记录",
        "{year}年农村危房改造补助对象名单",
        "本人所在村{year}年宅基地审批公示材料",
        "镇区道路改造工程的招标文件和施工合同",
        "{year}年镇级财政预算及“三公”经费预算",
        "本村{last}年土地承包经营权流转合同",
    ),
    outcomes=(
        ("granted", 30, ""),
        ("already_public", 10, ""),
        ("partially_granted", 6, "所申请名单中含有他人身份证号码和家庭住址，已作区分处理。"),
        ("denied_third_party", 2, "所申请合同涉及施工企业商业秘密，该企业书面不同意公开。"),
        ("unable_not_held", 10, "经检索，本机关未制作、获取该信息。"),
        ("unable_not_responsible", 6, "宅基地审批信息由示范县自然资源局负责公开。"),
        ("rejected_petition", 4, "申请内容实为对村务管理的投诉，已告知通过信访渠道反映。"),
    ),
    responsible_agency="示范县自然资源局，联系电话0571-88000188",
    reconsideration_body="示范县人民政府",
    organisations=0.1,
    appeals=0.15,
)

#: The county government's own reconsiderations are decided by the city.
_COUNTY_GOVERNMENT = CaseProfile(
    requests=_GOVERNMENT.requests,
    outcomes=_GOVERNMENT.outcomes,
    responsible_agency=_GOVERNMENT.responsible_agency,
    reconsideration_body="示范市人民政府",
    organisations=_GOVERNMENT.organisations,
    fees=_GOVERNMENT.fees,
    appeals=_GOVERNMENT.appeals,
)


def profile_of(agency: Agency) -> CaseProfile:
    if agency.kind == AgencyKind.TOWNSHIP:
        return _TOWNSHIP
    if agency.kind == AgencyKind.GOVERNMENT:
        return _COUNTY_GOVERNMENT
    if "自然资源" in agency.name:
        return _NATURAL_RESOURCES
    return _GOVERNMENT


@dataclass(frozen=True)
class DemoPeople:
    officer: AbstractBaseUser
    #: Approves extensions (信息公开工作机构负责人); without one the agency's cases are not extended.
    head: AbstractBaseUser | None = None


@dataclass
class _Context:
    agency: Agency
    people: DemoPeople
    rng: random.Random
    calendar: WorkCalendar
    profile: CaseProfile
    today: datetime.date


def _id_number(rng: random.Random) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 50))
    body = f"330122{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + check_character(body)


def _applicant(rng: random.Random, organisations: float = 0.22) -> services.Applicant:
    if rng.random() >= organisations:
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
    kind, name, uscc = rng.choice(_ORGANISATIONS)
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


def _arrived_in(agency: Agency, year: int) -> bool:
    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    return Application.objects.filter(
        agency=agency,
        arrived_at__gte=midnight(datetime.date(year, 1, 1)),
        arrived_at__lt=midnight(datetime.date(year + 1, 1, 1)),
    ).exists()


def _calendar_missing(exc: Exception) -> bool:
    """A service refused a step because the calendar of its year is not loaded."""
    return isinstance(exc, CalendarNotLoaded) or getattr(exc, "code", "") == "calendar_not_loaded"


def _run(context: _Context, arrived: datetime.date) -> None:
    """One case, as far as the calendar allows."""
    try:
        _one_case(context, arrived)
    except (CalendarNotLoaded, services.CaseError) as exc:
        if not _calendar_missing(exc):
            raise


def _made(agency: Agency, run: Callable[[], None]) -> int:
    before = Application.objects.filter(agency=agency).count()
    run()
    return Application.objects.filter(agency=agency).count() - before


def seed_year(
    agency: Agency, people: DemoPeople, year: int, *, count: int, today: datetime.date | None = None
) -> int:
    """``count`` applications that arrived at ``agency`` in the past ``year`` (spread over the year, up to
    today), each handled as far as today allows. Returns how many were made (0 if the agency already has
    applications that arrived in ``year``)."""
    today = today or timezone.localdate()
    if year > today.year or _arrived_in(agency, year):
        return 0
    rng = random.Random(f"gongkai-demo-cases-{agency.short_code}-{year}")
    first = datetime.date(year, 1, 2)
    last = min(datetime.date(year, 12, 31), today - datetime.timedelta(days=1))
    if last < first:
        return 0
    span = (last - first).days + 1
    days = sorted(first + datetime.timedelta(days=rng.randrange(span)) for _ in range(count))
    context = _Context(agency, people, rng, current_calendar(), profile_of(agency), today)

    def run() -> None:
        for day in days:
            _run(context, day)

    return _made(agency, run)


def seed_cases(
    agency: Agency, people: DemoPeople, *, count: int = 40, today: datetime.date | None = None
) -> int:
    """This year's queue at ``agency``: ``count`` applications since 1 January, more of them in the last
    weeks (so that some are due soon or overdue), and two submitted online today. Returns how many were
    made (0 if the agency already has applications that arrived this year)."""
    today = today or timezone.localdate()
    if _arrived_in(agency, today.year):
        return 0
    rng = random.Random(f"{agency.short_code}-{today.isoformat()}")
    context = _Context(agency, people, rng, current_calendar(), profile_of(agency), today)
    span = (today - datetime.date(today.year, 1, 1)).days - 4

    def run() -> None:
        for index in range(count if span > 0 else 0):
            # Older cases first; quadratic spacing puts more cases in the last weeks, where the queue flags
            # them.
            offset = int(span * (1 - index / count) ** 2) + rng.randrange(0, 4)
            _run(context, today - datetime.timedelta(days=offset))
        for _ in range(2):
            services.submit_online(
                agency=agency,
                applicant=_applicant(rng, context.profile.organisations),
                request=services.Request(_request(context, today.year), "electronic", "email"),
                submission_key=f"demo-{agency.short_code}-{rng.random()}",
            )

    return _made(agency, run)


def _request(context: _Context, year: int) -> str:
    return context.rng.choice(context.profile.requests).format(year=year, last=year - 1)


class _Later:
    """The case's next step, ``working_days`` after the previous one — or None if that is after today
    (the step is then not taken, and the previous one stays the last)."""

    def __init__(self, calendar: WorkCalendar, start: datetime.date, today: datetime.date) -> None:
        self.calendar, self.step, self.today = calendar, start, today

    def __call__(self, working_days: int) -> datetime.date | None:
        day = self.calendar.add_working_days(self.step, working_days)
        if day > self.today:
            return None
        self.step = day
        return day


def _one_case(context: _Context, arrived: datetime.date) -> None:
    rng, today = context.rng, context.today
    application, request = _register_case(context, arrived)
    if application.receipt_date is None:
        return
    receipt = application.receipt_date
    later = _Later(context.calendar, receipt, today)

    roll = rng.random()
    goes_on = True
    if roll < 0.12:
        goes_on = _correction(context, application, later)
    elif roll < 0.22:
        goes_on = _consultation(context, application, request, later)
    if not goes_on:
        return
    if fee_applies(receipt) and rng.random() < context.profile.fees and not _fee(context, application, later):
        return
    if not _extension(context, application, later):
        return
    if rng.random() < 0.05:
        on = later(1)
        if on is not None:
            services.withdraw(
                actor=context.people.officer, application=application, on=on, note="申请人来电撤回申请。"
            )
        return
    if (today - receipt).days < 45 and rng.random() < 0.6:
        return  # still open: due soon, on time or overdue in the queue
    _answer(context, application, later)


def _register_case(context: _Context, arrived: datetime.date) -> tuple[Application, services.Request]:
    """The application as registered on ``arrived``, and its request."""
    rng, calendar, today = context.rng, context.calendar, context.today
    # Counter and registered post arrive on working days; e-mail any day.
    channel = (
        rng.choices(["in_person", "post_signed", "email"], weights=[6, 2, 2])[0]
        if calendar.is_working_day(arrived)
        else "email"
    )
    request = services.Request(
        description=_request(context, arrived.year),
        requested_form=rng.choice(["paper", "electronic"]),
        delivery=rng.choice(["post", "email", "collect"]),
    )
    applicant = _applicant(rng, context.profile.organisations)
    confirmed = None
    if channel == "email":
        next_day = calendar.next_working_day(arrived)
        confirmed = next_day if next_day <= today else None
    application, _secret = services.register(
        actor=context.people.officer,
        agency=context.agency,
        applicant=applicant,
        request=request,
        channel=channel,
        arrived_at=_at(arrived, 9 + rng.randrange(0, 8)),
        confirmed_on=confirmed,
    )
    return application, request


def _correction(context: _Context, application: Application, later: _Later) -> bool:
    """A 补正 requested, then received — or not in time, and the application lapses.
    Returns whether the case goes on."""
    officer = context.people.officer
    on = later(3)
    if on is None:
        return False
    period_end = context.calendar.add_working_days(on, 10)
    services.request_correction(
        actor=officer,
        application=application,
        on=on,
        items="请补充所需信息的文号或形成时间，并说明所涉地块或项目的具体位置。",
        period_end=period_end,
    )
    received = later(context.rng.randrange(2, 12))
    if received is None:
        return False
    if received > period_end:
        services.lapse_correction(actor=officer, application=application, on=received)
        return False
    services.record_correction(actor=officer, application=application, on=received)
    return True


def _consultation(
    context: _Context, application: Application, request: services.Request, later: _Later
) -> bool:
    """A third party consulted, then its reply. Returns whether the case goes on."""
    officer = context.people.officer
    on = later(4)
    if on is None:
        return False
    event = services.start_consultation(
        actor=officer,
        application=application,
        on=on,
        kind="third_party",
        consultee="示范县青禾农业开发有限公司",
        subject=request.description,
    )
    end = later(context.rng.randrange(5, 15))
    if end is None:
        return False
    services.end_consultation(
        actor=officer,
        application=application,
        started_seq=event.seq,
        on=end,
        opinion="第三方书面回复同意公开。",
    )
    return True


def _extension(context: _Context, application: Application, later: _Later) -> bool:
    """Now and then an extension approved by the head. Returns whether the case goes on."""
    head = context.people.head
    if head is not None and context.rng.random() < 0.1 and can_approve_extension(head, context.agency):
        on = later(15)
        if on is None:
            return False
        application.refresh_from_db()
        if application.due_date is not None and on <= application.due_date:
            services.grant_extension(
                actor=context.people.officer,
                application=application,
                on=on,
                approver=head,
                reason="所申请信息涉及多个部门，需要进一步检索和核实。",
            )
    return True


def _answer(context: _Context, application: Application, later: _Later) -> None:
    """The answer, and sometimes an appeal against it."""
    rng = context.rng
    answer_on = later(rng.randrange(5, 19))
    if answer_on is None:
        return
    outcome, reasons = _pick_outcome(rng, context.profile)
    services.answer(
        actor=context.people.officer,
        application=application,
        on=answer_on,
        outcome=outcome,
        legal_basis=OUTCOME_BY_KEY[outcome].basis,
        reasons=reasons,
        how_to_obtain="已通过电子邮件发送电子文件，纸质文本可至本机关政务服务窗口领取。"
        if outcome in {"granted", "already_public"}
        else "",
        responsible_agency=context.profile.responsible_agency if outcome == "unable_not_responsible" else "",
    )
    refusal = outcome not in {"granted", "already_public"}
    if rng.random() < (context.profile.appeals if refusal else 0.02):
        _appeal(context, application, answer_on)


def _fee(context: _Context, application: Application, later: Callable[[int], datetime.date | None]) -> bool:
    """A 收费通知 charged by the page (按量计收), then paid — or not, and the application lapses (109号).
    Returns whether the case goes on."""
    rng, calendar, officer = context.rng, context.calendar, context.people.officer
    on = later(rng.randrange(3, 7))
    if on is None:
        return False
    services.issue_fee_notice(
        actor=officer, application=application, on=on, method="pages", quantity=rng.randrange(45, 180)
    )
    if rng.random() < 0.8:
        paid = later(rng.randrange(2, 12))  # within the 20 working days
        if paid is None:
            return False
        services.record_payment(actor=officer, application=application, on=paid)
        return True
    lapsed = calendar.add_working_days(on, 21)  # the day after the 20 working days ran out
    if lapsed <= context.today:
        services.lapse_fee(actor=officer, application=application, on=lapsed)
    return False


def _appeal(context: _Context, application: Application, answered: datetime.date) -> None:
    """A 行政复议 (then perhaps a 复议后起诉) or a lawsuit straight away, concluded if its time has come."""
    rng, today, officer = context.rng, context.today, context.people.officer
    days = datetime.timedelta
    if rng.random() < 0.7:
        filed = answered + days(rng.randint(15, 55))
        if filed > today:
            return
        reconsideration = services.record_appeal(
            actor=officer,
            application=application,
            kind="reconsideration",
            filed_on=filed,
            body=context.profile.reconsideration_body,
            case_number=f"示复〔{filed.year}〕{rng.randint(10, 190)}号",
        )
        concluded = filed + days(rng.randint(45, 85))
        if concluded > today:
            return  # still pending
        result = rng.choices(["upheld", "corrected", "other"], weights=[6, 2, 1])[0]
        services.conclude_appeal(
            actor=officer,
            appeal=reconsideration,
            result=result,
            concluded_on=concluded,
            note="申请人撤回行政复议申请，复议机关决定终止。" if result == "other" else "",
        )
        if result == "corrected":
            _answer_again(context, application, reconsideration, concluded)
        if result != "upheld" or rng.random() >= 0.35:
            return
        filed = concluded + days(rng.randint(7, 14))
        after: Appeal | None = reconsideration
    else:
        filed = answered + days(rng.randint(30, 150))
        after = None
    if filed > today:
        return
    lawsuit = services.record_appeal(
        actor=officer,
        application=application,
        kind="litigation",
        filed_on=filed,
        body="示范县人民法院",
        case_number=f"（{filed.year}）浙0122行初{rng.randint(10, 290)}号",
        after_reconsideration=after,
    )
    concluded = filed + days(rng.randint(90, 200))
    if concluded <= today:
        result = rng.choices(["upheld", "corrected", "other"], weights=[7, 1, 2])[0]
        services.conclude_appeal(
            actor=officer,
            appeal=lawsuit,
            result=result,
            concluded_on=concluded,
            note="原告撤回起诉，法院裁定准许。" if result == "other" else "",
        )
        if result == "corrected":
            _answer_again(context, application, lawsuit, concluded)


def _answer_again(
    context: _Context, application: Application, appeal: Appeal, decided: datetime.date
) -> None:
    """The decision or judgment ordered a new answer: the case is reopened and answered again (the annual
    report still counts its first answer, D7); a decision received lately leaves the case open."""
    rng, calendar, today, officer = context.rng, context.calendar, context.today, context.people.officer
    received = decided + datetime.timedelta(days=rng.randint(3, 10))
    if received > today:
        return
    application.refresh_from_db()
    services.reopen(
        actor=officer,
        application=application,
        on=received,
        appeal=appeal,
        note="复议决定（判决）撤销原答复，责令在法定期限内重新答复。",
    )
    again = calendar.add_working_days(received, rng.randrange(5, 15))
    if again <= today:
        services.answer(
            actor=officer,
            application=application,
            on=again,
            outcome="granted",
            legal_basis=OUTCOME_BY_KEY["granted"].basis,
            how_to_obtain="重新答复：已通过电子邮件发送电子文件。",
        )


def _pick_outcome(rng: random.Random, profile: CaseProfile) -> tuple[str, str]:
    outcome, _weight, reasons = rng.choices(profile.outcomes, weights=[w for _o, w, _r in profile.outcomes])[
        0
    ]
    return outcome, reasons
