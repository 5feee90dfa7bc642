"""Reads of the monitoring: the runs of a seat, a run's outcomes, the evidence, and what the roll-up shows
(:func:`rollup_observations`: the latest outcome of each agency for the year, in one query)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.annual.rollup.common import subtree_q
from gongkai.annual.rollup.observers import Observation
from gongkai.monitoring import presenters
from gongkai.monitoring.models import Fetch, MonitoringRun, Outcome


def runs_of(seat: Agency) -> QuerySet[MonitoringRun]:
    return MonitoringRun.objects.filter(seat=seat).select_related("started_by").order_by("-started_at", "-id")


def run_of(seat: Agency, pk: int) -> MonitoringRun | None:
    return MonitoringRun.objects.filter(seat=seat, pk=pk).first()


def outcomes_of(run: MonitoringRun) -> list[Outcome]:
    return list(
        Outcome.objects.filter(run=run)
        .select_related("agency", "imported")
        .order_by("agency__path", "agency__name")
    )


def outcome_of(seat: Agency, pk: int) -> Outcome | None:
    return Outcome.objects.filter(run__seat=seat, pk=pk).select_related("run", "agency", "imported").first()


def fetches_of(outcome: Outcome) -> QuerySet[Fetch]:
    return Fetch.objects.filter(outcome=outcome).order_by("fetched_at", "id")


def fetch_of(seat: Agency, pk: int) -> Fetch | None:
    return Fetch.objects.filter(outcome__run__seat=seat, pk=pk).select_related("outcome").first()


def latest_outcomes(seat: Agency, year: int) -> dict[int, Outcome]:
    """Per agency of the seat's subtree, its outcome in the seat's latest run for ``year`` that checked it."""
    rows = (
        Outcome.objects.filter(run__seat=seat, run__year=year)
        .filter(subtree_q(seat, "agency__"))
        .order_by("agency_id", "-run__started_at", "-run_id")
    )
    chosen: dict[int, Outcome] = {}
    for outcome in rows:
        chosen.setdefault(outcome.agency_id, outcome)
    return chosen


def column_title() -> str:
    return _("年报监测")


def rollup_observations(seat: Agency, year: int) -> Mapping[int, Observation]:
    """What the roll-up page shows of the monitoring: the same status, date and timeliness as the run's
    result table (both from :func:`presenters.outcome_status`)."""
    seen: dict[int, Observation] = {}
    for agency_id, outcome in latest_outcomes(seat, year).items():
        label, flag, detail = presenters.outcome_status(outcome)
        url = reverse("monitoring:outcome", args=(seat.short_code, outcome.pk))
        seen[agency_id] = Observation(label=label, flag=flag, url=url, detail=detail)
    return seen


def targets_count(seat: Agency) -> int:
    """Agencies of the seat's subtree (the seat included) with a 年报 column address."""
    return Agency.objects.subtree_of(seat).exclude(report_column_url="").count()
