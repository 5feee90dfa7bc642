"""Run as a program on a file SQLite database (``DATABASE_URL=sqlite:///…``): migrate it, make one agency
with N officers and N approved entries, then publish the N entries at the same moment, one thread per
officer, each through the real publish page (``POST /manage/catalogue/<id>/publish/``: the view, the
service, the index-number series, the audit chain, the search index). Prints one JSON line: each
request's status code and the index numbers issued.

Used by ``tests/core/test_sqlite_concurrency.py``; a program of its own because the suite's SQLite test
database is in memory, where threads cannot write side by side.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongkai.agencies.models import AgencyKind, Role  # noqa: E402
from gongkai.agencies.services import add_membership, create_agency  # noqa: E402
from gongkai.catalogue import services  # noqa: E402
from gongkai.catalogue.models import Category, Item  # noqa: E402


class _NoMigrations(dict[str, None]):
    """Every app's tables made straight from the models (as pytest's ``--nomigrations``): much faster."""

    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


@override_settings(
    GONGKAI_REQUIRE_2FA=False
)  # as the suite's tests/conftest.py: the officers log in directly
def main(count: int) -> None:
    setup_test_environment()  # the test client's host, as in the suite
    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    call_command("createcachetable", verbosity=0)
    vendor = connections["default"].vendor
    journal = connections["default"].cursor().execute("PRAGMA journal_mode").fetchone()[0]
    root = User.objects.create_superuser("root", password=None)
    agency = create_agency(
        actor=None, name="并发县财政局", short_code="busy", kind=AgencyKind.DEPARTMENT, uscc=""
    )
    written = timezone.localdate() - datetime.timedelta(days=3)
    category = Category.objects.create(name="综合政务")
    officers: list[User] = []
    items: list[Item] = []
    for n in range(count):
        officer = User.objects.create_user(f"officer{n}")
        add_membership(actor=None, user=officer, agency=agency, role=Role.INFORMATION_OFFICER)
        item = services.create_draft(
            actor=officer,
            agency=agency,
            data={
                "title": f"并发县财政局关于第{n + 1}批资金安排的公告",
                "written_on": written,
                "summary": "公开资金安排。",
                "body": "<p>现将资金安排公告如下。</p>",
                "category": category,
            },
        )
        for step in ("submit", "review_pass", "approve"):
            item = services.perform(actor=root, item=item, action=step)
        officers.append(officer)
        items.append(item)
    connections.close_all()

    barrier = threading.Barrier(count)
    statuses: dict[int, int] = {}
    errors: list[str] = []

    def publish(n: int) -> None:
        try:
            client = Client()
            client.force_login(officers[n])
            barrier.wait(timeout=60)
            response = client.post(f"/manage/catalogue/{items[n].pk}/publish/", {"note": ""})
            statuses[n] = response.status_code
            if response.status_code != 302 or "/manage/catalogue/" not in response["Location"]:
                errors.append(f"{response.status_code} {response.get('Location', '')}")
        except BaseException as exc:  # reported in the output
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    numbers = sorted(
        str(n) for n in Item.objects.filter(agency=agency).values_list("index_number", flat=True)
    )
    print(
        json.dumps(
            {
                "vendor": vendor,
                "journal_mode": journal,
                "statuses": [statuses.get(n) for n in range(count)],
                "errors": errors,
                "index_numbers": numbers,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
