"""The monitoring pages: only the seat's 政务公开办, the result table, the evidence and its files, the
spreadsheet, and the roll-up page showing the same status per agency."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from gongkai.jobs import runner
from gongkai.jobs.models import Job
from gongkai.monitoring.models import Fetch, MonitoringRun, Outcome
from tests.monitoring.conftest import YEAR, World
from tests.support.column_site import ColumnSite

NOW = datetime.datetime(YEAR + 1, 4, 10, 10, 0, tzinfo=datetime.UTC)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def finished(world: World, site: ColumnSite) -> MonitoringRun:
    with time_machine.travel(NOW, tick=False):
        response = client_for(world.supervisor).post(
            reverse("monitoring:start", args=(world.seat.short_code,)), {"year": YEAR}
        )
    assert response.status_code == 302
    run = MonitoringRun.objects.get(seat=world.seat)
    assert run.job_id and response["Location"] == reverse(
        "monitoring:run", args=(world.seat.short_code, run.pk)
    )
    if run.finished_at is None:  # queued: the test backend runs it on commit, else run it here
        runner.execute(Job.objects.get(pk=run.job_id).pk)
    run.refresh_from_db()
    assert run.finished_at is not None
    return run


def test_the_run_page_lists_every_agency(world: World, site: ColumnSite, finished: MonitoringRun) -> None:
    with time_machine.travel(NOW, tick=False):
        page = client_for(world.supervisor).get(
            reverse("monitoring:run", args=(world.seat.short_code, finished.pk))
        )
    assert page.status_code == 200
    html = page.content.decode()
    rows = dict(re.findall(r'data-agency="([^"]+)" data-status="([^"]+)"', html))
    assert rows == {f"demo-{a.slug}": a.expected for a in site.agencies}
    assert "逾期公开" in html and "按时公开" in html and "网站的 robots.txt 不允许访问" in html


def test_the_evidence_page_and_file(world: World, finished: MonitoringRun) -> None:
    client = client_for(world.supervisor)
    outcome = Outcome.objects.get(run=finished, agency=world.agencies["drc"])
    page = client.get(reverse("monitoring:outcome", args=(world.seat.short_code, outcome.pk)))
    assert page.status_code == 200
    report = Fetch.objects.filter(outcome=outcome, role="report").get()
    assert report.sha256 in page.content.decode()
    download = client.get(reverse("monitoring:fetch_file", args=(world.seat.short_code, report.pk)))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download) if hasattr(download, "streaming_content") else download.content
    robots = Outcome.objects.get(run=finished, agency=world.agencies["edu"])
    page = client.get(reverse("monitoring:outcome", args=(world.seat.short_code, robots.pk)))
    assert "网站的 robots.txt 不允许访问" in page.content.decode()


def test_the_spreadsheet(world: World, site: ColumnSite, finished: MonitoringRun) -> None:
    response = client_for(world.supervisor).get(
        reverse("monitoring:run_xlsx", args=(world.seat.short_code, finished.pk))
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "机关" and len(rows) == 1 + len(site.agencies)
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["示范县城关镇人民政府"][2] == "逾期公开"
    assert by_name["示范县青山乡人民政府"][2] == "未找到"


def test_the_rollup_shows_the_same_status(world: World, site: ColumnSite, finished: MonitoringRun) -> None:
    client = client_for(world.supervisor)
    with time_machine.travel(NOW, tick=False):
        run_page = client.get(
            reverse("monitoring:run", args=(world.seat.short_code, finished.pk))
        ).content.decode()
        rollup = client.get(
            reverse("annual_supervise:rollup", args=(world.seat.short_code, YEAR))
        ).content.decode()
    flag = r'<span class="case-flag case-flag--[a-z_]+">([^<]+)</span>'
    shown = dict(re.findall(r'<tr data-agency="([^"]+)"[^>]*>.*?' + flag, run_page, re.S))
    observed = dict(
        re.findall(
            r'<tr data-agency="([^"]+)">(?:(?!</tr>).)*?<td class="sv-observed">(?:<a [^>]+>)?' + flag,
            rollup,
            re.S,
        )
    )
    assert len(shown) == len(site.agencies)
    assert observed == shown
    assert shown["demo-chengguan"] == "逾期公开" and shown["demo-nr"] == "按时公开"
    assert shown["demo-qingshan"] == "未找到" and shown["demo-edu"] == "无法访问"
    # The found reports count as published, on time or late by the date the column shows.
    assert "逾期公开" in rollup
    for item in site.agencies:
        if item.expected == "found":
            assert item.published_on is not None and item.published_on.isoformat() in rollup


def test_other_seats_and_strangers_get_not_found(world: World, finished: MonitoringRun) -> None:
    outcome = Outcome.objects.filter(run=finished).first()
    fetch = Fetch.objects.filter(outcome=outcome).first()
    assert outcome is not None and fetch is not None
    code = world.seat.short_code
    urls = [
        reverse("monitoring:seat", args=(code,)),
        reverse("monitoring:run", args=(code, finished.pk)),
        reverse("monitoring:run_xlsx", args=(code, finished.pk)),
        reverse("monitoring:outcome", args=(code, outcome.pk)),
        reverse("monitoring:fetch_file", args=(code, fetch.pk)),
    ]
    other = client_for(world.other_supervisor)
    for url in urls:
        assert other.get(url).status_code == 404, url
    assert other.post(reverse("monitoring:start", args=(code,)), {"year": YEAR}).status_code == 404
    # Through its own seat, the other supervisor cannot reach this seat's records either.
    own = world.other_seat.short_code
    assert other.get(reverse("monitoring:run", args=(own, finished.pk))).status_code == 404
    assert other.get(reverse("monitoring:outcome", args=(own, outcome.pk))).status_code == 404
    assert Client().get(urls[0]).status_code == 302  # to the login page


def test_the_column_address_is_set_by_the_supervisor_or_the_administrator(world: World) -> None:
    agency = world.agencies["nr"]
    url = reverse("office:report_column", args=(agency.short_code,))
    response = client_for(world.supervisor).post(
        url, {"report_column_url": "https://nr.example.gov.cn/gk/nb/"}
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.report_column_url == "https://nr.example.gov.cn/gk/nb/"
    assert (
        client_for(world.other_supervisor).post(url, {"report_column_url": "https://x.cn/"}).status_code
        == 404
    )
    bad = client_for(world.supervisor).post(url, {"report_column_url": "不是网址"})
    assert bad.status_code == 200 and "网址" in bad.content.decode()


def test_the_seat_page_and_the_start_form(world: World) -> None:
    client = client_for(world.supervisor)
    with time_machine.travel(NOW, tick=False):
        assert client.get(reverse("monitoring:index"))["Location"] == reverse(
            "monitoring:seat", args=(world.seat.short_code,)
        )
        page = client.get(reverse("monitoring:seat", args=(world.seat.short_code,)))
        assert page.status_code == 200
        assert f"本单位及下级机关中有 {len(world.agencies)} 个填写了年报栏目网址" in page.content.decode()
        refused = client.post(reverse("monitoring:start", args=(world.seat.short_code,)), {"year": YEAR + 1})
    assert refused.status_code == 200 and "请从列表中选择报告年度" in refused.content.decode()
    assert not MonitoringRun.objects.exists()


def test_the_contact_page_offers_the_column_address(world: World) -> None:
    agency = world.agencies["nr"]
    page = client_for(world.supervisor).get(reverse("office:contact", args=(agency.short_code,)))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("office:report_column", args=(agency.short_code,)) in html
    assert agency.report_column_url in html
