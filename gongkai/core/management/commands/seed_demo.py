"""Load a small demo world: a county government, some departments and townships, an admin.

Development only (refuses to run unless DEBUG is on), idempotent: existing agencies and users
are left as they are. Creates the superuser ``admin`` with password ``admin``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongkai.agencies.models import Agency, AgencyKind, Membership, Role
from gongkai.agencies.services import add_membership, create_agency
from gongkai.core.audit import record_audit

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "admin"  # demo only; seed_demo refuses to run without DEBUG

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
    ("demo-county-office", "示范县人民政府办公室", AgencyKind.DEPARTMENT, COUNTY, "", {}),
    ("demo-county-drc", "示范县发展和改革局", AgencyKind.DEPARTMENT, COUNTY, "", {}),
    ("demo-county-finance", "示范县财政局", AgencyKind.DEPARTMENT, COUNTY, "", {}),
    ("demo-county-nr", "示范县自然资源局", AgencyKind.DEPARTMENT, COUNTY, "", {}),
    ("demo-chengguan", "示范县城关镇人民政府", AgencyKind.TOWNSHIP, COUNTY, "", {}),
    ("demo-qingshan", "示范县青山乡人民政府", AgencyKind.TOWNSHIP, COUNTY, "", {}),
    ("demo-donghu", "示范县东湖街道办事处", AgencyKind.TOWNSHIP, COUNTY, "", {}),
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

        self.stdout.write(
            f"演示数据 / demo data: 新建 {created} 个机关 (agencies created), 共 {len(by_code)} 个 (total)"
        )
        if not options["quiet_login"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示管理员 / demo admin: 用户名 username = {DEMO_ADMIN_USERNAME}, "
                    f"密码 password = {DEMO_ADMIN_PASSWORD}  →  http://127.0.0.1:8000/admin/"
                )
            )

    def _ensure_admin(self) -> Any:
        user_model = get_user_model()
        admin = user_model.objects.filter(username=DEMO_ADMIN_USERNAME).first()
        if admin is None:
            admin = user_model.objects.create_superuser(
                username=DEMO_ADMIN_USERNAME, email="admin@example.org", password=DEMO_ADMIN_PASSWORD
            )
            record_audit(None, "user.created", admin, username=DEMO_ADMIN_USERNAME, via="seed_demo")
        return admin
