"""Concurrent online applications on PostgreSQL (issue 12): none lost, no tracking code or registration
number given twice, every applicant's data sealed and opening again.

Skipped on SQLite (one writer at a time, an in-memory test database); run it with
``DATABASE_URL=postgres://... SECRET_KEY=x .venv/bin/pytest tests/applications/test_concurrent_...``.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import Client

from gongkai.applications.models import Application
from tests.applications.conftest import resident_id
from tests.conftest import Tree

SUBMISSIONS = 40


def _form(agency_pk: int, n: int) -> dict[str, str]:
    return {
        "agency": str(agency_pk),
        "applicant_type": "natural_person",
        "applicant_name": f"并发申请人{n}",
        "id_type": "resident_id",
        "id_number": resident_id(n),
        "contact_person": "",
        "phone": f"139{n:08d}",
        "email": "",
        "address": f"示范市甲县并发路{n}号",
        "postcode": "100000",
        "description": f"并发提交测试所需信息{n}",
        "requested_form": "electronic",
        "delivery": "online",
        "consent": "on",
        "submission_key": uuid.uuid4().hex,
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_online_applications_are_all_kept_once_and_sealed(tree: Tree) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite allows one writer at a time and its test database is in memory; run on PostgreSQL"
        )
    agency = tree.county_a_finance
    barrier = threading.Barrier(SUBMISSIONS)
    statuses: dict[int, int] = {}
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            # A distinct client address for each, so the form's rate limit does not refuse them.
            client = Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")
            barrier.wait(timeout=60)
            statuses[n] = client.post("/apply/", _form(agency.pk, n)).status_code
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(1, SUBMISSIONS + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert statuses == {n: 302 for n in range(1, SUBMISSIONS + 1)}

    cases = list(Application.objects.filter(agency=agency))
    assert len(cases) == SUBMISSIONS
    assert len({c.tracking_code for c in cases}) == SUBMISSIONS
    assert len({c.reference for c in cases}) == SUBMISSIONS
    assert len({c.id_number_digest for c in cases}) == SUBMISSIONS
    by_name = {c.applicant_name: c for c in cases}
    for n in range(1, SUBMISSIONS + 1):
        case = by_name[f"并发申请人{n}"]
        assert (case.id_number, case.phone, case.address) == (
            resident_id(n),
            f"139{n:08d}",
            f"示范市甲县并发路{n}号",
        )
    stored = Application.objects.annotate(s=Cast("phone", TextField())).values_list("s", flat=True)
    assert all(value.startswith("v1:") for value in stored)
