"""Load a small demo world: a county government, some departments and townships, their staff, two full
years of records before this year and this year's queue, and the annual reports of the year before last.

* agencies (:data:`DEMO_AGENCIES`) and users (``admin``/``admin`` and :data:`DEMO_STAFF`);
* the catalogue (主动公开目录) of the county government, 自然资源局 and 城关镇 since 1 January two years back
  (``gongkai.demo.catalogue``);
* applications (``gongkai.demo.cases``) at every agency in each of the last two years, this year's
  queue at the demo officer's two agencies, and a smaller 2020 for them (a report in the 2019 format);
* annual reports (``gongkai.demo.reports``): the year before last published (one late, one missing, a
  correction, the townships' local deadline), last year's left to write.

Development only (refuses to run unless DEBUG is on), idempotent: existing agencies and users are left as
they are, and each agency's records and reports of a year are made only when it has none.
Deterministic: the same ``today`` gives the same world.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from gongkai.agencies.models import Agency, AgencyKind, Membership, Role
from gongkai.agencies.services import add_membership, create_agency
from gongkai.core.audit import record_audit
from gongkai.demo.cases import DemoPeople, seed_cases, seed_year
from gongkai.demo.catalogue import seed_catalogue, seed_review
from gongkai.demo.reports import seed_reports

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "admin"  # demo only; seed_demo refuses to run without DEBUG
#: Demo staff (username = password): (username, 姓名 — whole, in ``first_name``, [(agency code, role)]).
#: One user per role; README's demo section lists them.
DEMO_STAFF: list[tuple[str, str, list[tuple[str, Role]]]] = [
    (
        "officer",
        "林晓红",
        [("demo-county-nr", Role.INFORMATION_OFFICER), ("demo-chengguan", Role.INFORMATION_OFFICER)],
    ),
    (
        "head",
        "陈建华",
        [("demo-county-nr", Role.OFFICE_HEAD), ("demo-chengguan", Role.OFFICE_HEAD)],
    ),
    (
        "reviewer",
        "刘芳",
        [
            ("demo-county-nr", Role.REVIEWER),
            ("demo-chengguan", Role.REVIEWER),
            ("demo-county", Role.REVIEWER),
        ],
    ),
    (
        "leader",
        "孙立军",
        [("demo-county-nr", Role.LEADER), ("demo-chengguan", Role.LEADER), ("demo-county", Role.LEADER)],
    ),
    ("supervisor", "周敏", [("demo-county", Role.SUPERVISOR)]),
    # 三员分立 (docs/decisions.md D21): the security and the audit administrator of the whole county.
    ("security", "郑伟", [("demo-county", Role.SECURITY_ADMINISTRATOR)]),
    ("auditor", "何静怡", [("demo-county", Role.AUDIT_ADMINISTRATOR)]),
    # The agencies' own administrator (本机关管理: people, roles, contact data, letter settings).
    ("manager", "吴静", [("demo-county-nr", Role.ADMINISTRATOR), ("demo-chengguan", Role.ADMINISTRATOR)]),
    (
        "clerk",
        "王丽",
        [
            (code, Role.INFORMATION_OFFICER)
            for code in (
                "demo-county",
                "demo-county-office",
                "demo-county-drc",
                "demo-county-finance",
                "demo-qingshan",
                "demo-donghu",
            )
        ],
    ),
]
#: Demo applications (依申请公开) per agency: (this year's queue, each of the last two years, 2020).
#: 2020 gives a report in the 2019 format; the queue has due-soon and overdue cases.
DEMO_CASES: dict[str, tuple[int, int, int]] = {
    "demo-county-nr": (40, 50, 14),
    "demo-chengguan": (15, 20, 8),
    "demo-county": (0, 12, 0),
    "demo-county-office": (0, 6, 0),
    "demo-county-drc": (0, 6, 0),
    "demo-county-finance": (0, 8, 0),
    "demo-qingshan": (0, 3, 0),
    "demo-donghu": (0, 4, 0),
}
#: The year whose cases let a report in the 2019 format be built (2019–2020 reports).
OLD_FORMAT_YEAR = 2020
#: Agencies with a demo catalogue.
DEMO_CATALOGUE = ("demo-county", "demo-county-nr", "demo-chengguan")


def _contact(code: str, office: str, address: str, line: int, postcode: str) -> dict[str, str]:
    """A demo agency's complete 指南 contact data (第十二条: 名称、地址、时间、电话、传真、互联网联系方式),
    so that no line of its guide says "（未提供）". Example addresses and numbers only."""
    return {
        "office_name": office,
        "office_address": address,
        "office_hours": "工作日 8:30-12:00，14:00-17:30",
        "phone": f"0571-880000{line:02d}",
        "fax": f"0571-880001{line:02d}",
        "website": f"https://www.example.org/{code}/",
        "email": f"{code.removeprefix('demo-')}@example.org",
        "postcode": postcode,
    }


# (short_code, name, kind, parent short_code, uscc, contact)
COUNTY = "demo-county"
DEMO_AGENCIES: list[tuple[str, str, AgencyKind, str | None, str, dict[str, str]]] = [
    (
        COUNTY,
        "示范县人民政府",
        AgencyKind.GOVERNMENT,
        None,
        "11330100MB0000001R",
        {
            "office_name": "示范县人民政府办公室（县政务公开办）",
            "office_address": "示范县人民路1号",
            "office_hours": "工作日 8:30-12:00，14:00-17:30",
            "phone": "0571-88000000",
            "fax": "0571-88000001",
            "website": "https://www.example.org/",
            "email": "gongkai@example.org",
            "postcode": "310000",
        },
    ),
    (
        "demo-county-office",
        "示范县人民政府办公室",
        AgencyKind.DEPARTMENT,
        COUNTY,
        "",
        _contact("demo-county-office", "示范县人民政府办公室秘书科", "示范县人民路1号", 2, "310000"),
    ),
    (
        "demo-county-drc",
        "示范县发展和改革局",
        AgencyKind.DEPARTMENT,
        COUNTY,
        "",
        _contact("demo-county-drc", "示范县发展和改革局办公室", "示范县人民路3号", 3, "310000"),
    ),
    (
        "demo-county-finance",
        "示范县财政局",
        AgencyKind.DEPARTMENT,
        COUNTY,
        "",
        _contact("demo-county-finance", "示范县财政局办公室", "示范县财政路8号", 4, "310000"),
    ),
    (
        "demo-county-nr",
        "示范县自然资源局",
        AgencyKind.DEPARTMENT,
        COUNTY,
        "",
        _contact("demo-county-nr", "示范县自然资源局办公室", "示范县国土路12号", 5, "310000"),
    ),
    (
        "demo-chengguan",
        "示范县城关镇人民政府",
        AgencyKind.TOWNSHIP,
        COUNTY,
        "",
        _contact("demo-chengguan", "示范县城关镇党政综合办公室", "示范县城关镇中山路20号", 6, "310001"),
    ),
    (
        "demo-qingshan",
        "示范县青山乡人民政府",
        AgencyKind.TOWNSHIP,
        COUNTY,
        "",
        _contact("demo-qingshan", "示范县青山乡党政综合办公室", "示范县青山乡青山街1号", 7, "310002"),
    ),
    (
        "demo-donghu",
        "示范县东湖街道办事处",
        AgencyKind.TOWNSHIP,
        COUNTY,
        "",
        _contact("demo-donghu", "示范县东湖街道党政综合办公室", "示范县东湖路88号", 8, "310003"),
    ),
]


class Command(BaseCommand):
    help = "载入演示数据（县政府、部门、乡镇和 admin/admin 管理员），可重复执行 / Load the demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet-login", action="store_true", help="do not print the demo login (for tests)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo 仅用于开发和演示（需要 GONGKAI_DEBUG=true）/ seed_demo runs only with DEBUG on."
            )
        created = 0
        self._progress("机关和工作人员 / agencies and staff")
        with transaction.atomic():
            admin = self._ensure_admin()
            by_code: dict[str, Agency] = {}
            for short_code, name, kind, parent_code, uscc, contact in DEMO_AGENCIES:
                agency = Agency.objects.filter(short_code=short_code).first()
                if agency is None:
                    parent = by_code[parent_code] if parent_code else None
                    agency = create_agency(
                        actor=admin,
                        name=name,
                        short_code=short_code,
                        kind=kind,
                        parent=parent,
                        uscc=uscc,
                        **contact,
                    )
                    created += 1
                by_code[short_code] = agency
            county = by_code[COUNTY]
            for role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
                if not Membership.objects.filter(user=admin, agency=county, role=role).exists():
                    add_membership(actor=admin, user=admin, agency=county, role=role)
            staff = {
                username: self._ensure_staff(admin, username, full_name, roles, by_code)
                for username, full_name, roles in DEMO_STAFF
            }
            today = timezone.localdate()
            writers = {code: staff["clerk"] for code in by_code}
            writers.update({"demo-county-nr": staff["officer"], "demo-chengguan": staff["officer"]})
            writers[COUNTY] = staff["supervisor"]  # 第四十九条: the office publishes the government's report
            since = datetime.date(today.year - 2, 1, 1)
            self._progress("主动公开目录 / catalogue entries")
            items = sum(seed_catalogue(by_code[code], today, since=since) for code in DEMO_CATALOGUE)
            items += seed_review(by_code["demo-county-nr"], staff["officer"], staff["reviewer"], today)
            cases = 0
            for number, (code, (queue, per_year, old)) in enumerate(DEMO_CASES.items(), start=1):
                self._progress(
                    f"依申请公开案件 / applications: {by_code[code].name} ({number}/{len(DEMO_CASES)})"
                )
                officer = staff["officer"] if writers[code] == staff["officer"] else staff["clerk"]
                people = DemoPeople(officer=officer, head=staff["head"])
                years = [(OLD_FORMAT_YEAR, old)] if today.year - 2 > OLD_FORMAT_YEAR else []
                years += [(today.year - 2, per_year), (today.year - 1, per_year)]
                for year, count in years:
                    if count:
                        cases += seed_year(by_code[code], people, year, count=count, today=today)
                if queue:
                    cases += seed_cases(by_code[code], people, count=queue, today=today)
            self._progress("年度报告 / annual reports")
            reports = seed_reports(by_code, writers, staff["supervisor"], today)

        self.stdout.write(
            f"演示数据 / demo data: 新建 {created} 个机关 (agencies created), 共 {len(by_code)} 个 (total); "
            f"新建 {cases} 件依申请公开案件 (applications created), {items} 条目录信息 (catalogue entries), "
            f"{reports} 份年度报告 (annual reports)"
        )
        if not options["quiet_login"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示管理员 / demo admin: 用户名 username = {DEMO_ADMIN_USERNAME}, "
                    f"密码 password = {DEMO_ADMIN_PASSWORD}  →  http://127.0.0.1:8000/admin/"
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    "演示工作人员 / demo staff (密码同用户名 password = username): "
                    "officer（信息员）, reviewer（审核人）, leader（分管领导）, head（工作机构负责人）, "
                    "supervisor（政务公开办）, manager（机关管理员）, clerk（其他单位信息员）, "
                    "security（安全管理员）, auditor（审计管理员） "
                    "→  http://127.0.0.1:8000/workbench/"
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"年度报告 / annual reports: officer 编写 {timezone.localdate().year - 1} 年度报告 → "
                    "http://127.0.0.1:8000/reports/ ; supervisor 查看全县汇总 (county roll-up)"
                )
            )

    def _progress(self, what: str) -> None:
        """One line per stage while seeding (about 40 s in all), so ``./dev demo`` shows it is working."""
        self.stdout.write(f"正在载入演示数据 / seeding: {what} …")
        self.stdout.flush()

    def _ensure_staff(
        self,
        admin: Any,
        username: str,
        full_name: str,
        roles: list[tuple[str, Role]],
        by_code: dict[str, Agency],
    ) -> Any:
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username=username, email=f"{username}@example.org", password=username, first_name=full_name
            )
            record_audit(admin, "user.created", user, username=username, via="seed_demo")
        for code, role in roles:
            if not Membership.objects.filter(user=user, agency=by_code[code], role=role).exists():
                add_membership(actor=admin, user=user, agency=by_code[code], role=role)
        return user

    def _ensure_admin(self) -> Any:
        user_model = get_user_model()
        admin = user_model.objects.filter(username=DEMO_ADMIN_USERNAME).first()
        if admin is None:
            admin = user_model.objects.create_superuser(
                username=DEMO_ADMIN_USERNAME, email="admin@example.org", password=DEMO_ADMIN_PASSWORD
            )
            record_audit(None, "user.created", admin, username=DEMO_ADMIN_USERNAME, via="seed_demo")
        return admin
