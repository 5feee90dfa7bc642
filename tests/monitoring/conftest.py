"""The monitoring's tests run against the local test site of agencies' 年报 columns
(``tests.support.column_site``): one site for this package, fetched without waiting between requests and
with a short timeout: its slow column answers after 5 s, the fetch gives up after 2 s (a report rendered on
its first request may take a few tenths of a second on a busy machine)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from gongkai.agencies.models import Agency, AgencyKind, Membership, Role
from gongkai.agencies.services import create_agency
from gongkai.annual.models import LocalDeadline
from tests.conftest import make_user
from tests.support.column_site import ColumnSite

YEAR = 2025
#: The townships' deadline the seat sets: 城关镇 published on 5 March, after it (late).
TOWNSHIP_DEADLINE = datetime.date(YEAR + 1, 2, 28)
TOWNSHIPS = {"chengguan", "qingshan", "donghu"}


@pytest.fixture(scope="package")
def site() -> Iterator[ColumnSite]:
    with ColumnSite(year=YEAR, slow_seconds=5.0) as running:
        yield running


@pytest.fixture(autouse=True)
def _fetch_settings(settings: Any, tmp_path: Path) -> None:
    settings.GONGKAI_FETCH_ALLOW_PRIVATE = True
    settings.GONGKAI_FETCH_MIN_INTERVAL = 0.0
    settings.GONGKAI_FETCH_TIMEOUT = 2.0
    settings.GONGKAI_FETCH_RETRIES = 1
    settings.GONGKAI_FETCH_BACKOFF = 0.01
    settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class World:
    seat: Agency
    supervisor: User
    agencies: dict[str, Agency]  # by the site's slug
    other_seat: Agency
    other_supervisor: User


@pytest.fixture
def world(db: None, site: ColumnSite) -> World:
    seat = create_agency(
        actor=None, name="示范县人民政府", short_code="demo-county", kind=AgencyKind.GOVERNMENT
    )
    agencies: dict[str, Agency] = {}
    for item in site.agencies:
        kind = AgencyKind.TOWNSHIP if item.slug in TOWNSHIPS else AgencyKind.DEPARTMENT
        agencies[item.slug] = create_agency(
            actor=None, name=item.name, short_code=f"demo-{item.slug}", kind=kind, parent=seat
        )
        Agency.objects.filter(pk=agencies[item.slug].pk).update(report_column_url=item.column_url)
        agencies[item.slug].refresh_from_db()
    LocalDeadline.objects.create(supervisor_agency=seat, year=YEAR, deadline=TOWNSHIP_DEADLINE)
    supervisor = make_user("zhou")
    Membership.objects.create(user=supervisor, agency=seat, role=Role.SUPERVISOR)
    other = create_agency(actor=None, name="乙县人民政府", short_code="county-b", kind=AgencyKind.GOVERNMENT)
    other_supervisor = make_user("li")
    Membership.objects.create(user=other_supervisor, agency=other, role=Role.SUPERVISOR)
    return World(seat, supervisor, agencies, other, other_supervisor)
