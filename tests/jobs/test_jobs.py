"""Jobs: queued, run exactly once per step, cancelled, retried, recovered after a dead worker, scheduled
once a day, and shown only to whom they belong."""

from __future__ import annotations

import datetime
import subprocess
import sys
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gongkai.agencies.models import Membership, Role
from gongkai.core.models import AuditEvent
from gongkai.jobs import runner, schedule, services
from gongkai.jobs.errors import JobFailed
from gongkai.jobs.models import FileRole, Job, JobStatus, JobStep, ScheduledRun
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun
from tests.conftest import Tree, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

#: What the test handlers did, by job id (the "work" a step must do once).
WORK: dict[str, list[int]] = {}
#: Jobs whose first attempt has crashed already.
CRASHED: set[str] = set()


@job_kind("tests.count", label="计数")
def count(run: JobRun) -> dict[str, Any]:
    n = int(run.params["n"])
    fail_after = run.params.get("fail_after")
    run.set_total(n)
    for i in range(n):
        run.check_cancelled()
        with run.step(f"item:{i}") as step:
            if step.done:
                continue
            if fail_after is not None and i == fail_after and str(run.job.pk) not in CRASHED:
                CRASHED.add(str(run.job.pk))
                raise RuntimeError("the worker fell over")
            WORK.setdefault(str(run.job.pk), []).append(i)
            if run.params.get("cancel_at") == i:
                services.cancel(run.job, actor=None)
    return {"next_url": "/somewhere/", "count": len(WORK.get(str(run.job.pk), []))}


@job_kind("tests.refuse", label="拒绝")
def refuse(run: JobRun) -> dict[str, Any]:
    raise JobFailed("文件不是年度报告：%(name)s", name="a.pdf")


def test_a_started_job_waits_in_the_queue_until_run() -> None:
    job = services.start("tests.count", actor=None, params={"n": 3})
    assert job.status == JobStatus.QUEUED
    assert services.run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.result == {"next_url": "/somewhere/", "count": 3}
    assert WORK[str(job.pk)] == [0, 1, 2]


def test_on_commit_the_job_goes_to_the_task_engine(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start("tests.count", actor=None, params={"n": 2})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED  # the immediate backend ran the task
    assert job.task_id


def test_a_rerun_after_a_crash_does_each_step_once() -> None:
    job = services.start("tests.count", actor=None, params={"n": 5, "fail_after": 2})
    services.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert WORK[str(job.pk)] == [0, 1]  # step 2's work rolled back with its step
    assert JobStep.objects.filter(job=job).count() == 2
    assert "意外错误" in str(job.error) and "the worker fell over" in job.traceback
    services.retry(job, actor=None)
    services.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert WORK[str(job.pk)] == [0, 1, 2, 3, 4]
    assert JobStep.objects.filter(job=job).count() == 5
    assert AuditEvent.objects.filter(action="job.retried", object_id=str(job.pk)).exists()


def test_an_expected_failure_says_why_in_chinese() -> None:
    job = services.start("tests.refuse", actor=None)
    services.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == {"template": "文件不是年度报告：%(name)s", "params": {"name": "a.pdf"}}
    assert job.traceback == ""


def test_cancelling_a_queued_job_means_it_never_runs() -> None:
    job = services.start("tests.count", actor=None, params={"n": 2})
    services.cancel(job, actor=None)
    assert services.run_pending() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert str(job.pk) not in WORK


def test_cancelling_a_running_job_stops_it_at_the_next_check_and_retry_resumes() -> None:
    job = services.start("tests.count", actor=None, params={"n": 5, "cancel_at": 1})
    services.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert WORK[str(job.pk)] == [0, 1]
    services.retry(job, actor=None)
    Job.objects.filter(pk=job.pk).update(params={"n": 5})
    services.run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert WORK[str(job.pk)] == [0, 1, 2, 3, 4]


def _running(job: Job, *, worker: str, heartbeat: datetime.datetime, attempts: int = 1) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker=worker, heartbeat_at=heartbeat, attempts=attempts
    )


def test_a_job_without_heartbeat_is_queued_again_then_failed(settings: Any) -> None:
    settings.GONGKAI_JOB_STALE_SECONDS = 120
    settings.GONGKAI_JOB_MAX_ATTEMPTS = 3
    now = timezone.now()
    fresh = services.start("tests.count", actor=None, params={"n": 1})
    stale = services.start("tests.count", actor=None, params={"n": 1})
    exhausted = services.start("tests.count", actor=None, params={"n": 1})
    _running(fresh, worker="elsewhere:1", heartbeat=now - datetime.timedelta(seconds=30))
    _running(stale, worker="elsewhere:2", heartbeat=now - datetime.timedelta(seconds=300))
    _running(exhausted, worker="elsewhere:3", heartbeat=now - datetime.timedelta(seconds=300), attempts=3)
    recovered = services.recover_stale(now=now)
    assert {j.pk for j in recovered} == {stale.pk, exhausted.pk}
    for job in (fresh, stale, exhausted):
        job.refresh_from_db()
    assert fresh.status == JobStatus.RUNNING
    assert stale.status == JobStatus.QUEUED
    assert exhausted.status == JobStatus.FAILED and "3" in str(exhausted.error)
    assert AuditEvent.objects.filter(action="job.requeued", object_id=str(stale.pk)).exists()
    assert AuditEvent.objects.filter(action="job.interrupted", object_id=str(exhausted.pk)).exists()


def test_a_dead_worker_process_of_this_host_is_noticed_at_once() -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job = services.start("tests.count", actor=None, params={"n": 1})
    host = runner.worker_id().rpartition(":")[0]
    _running(job, worker=f"{host}:{dead.pid}", heartbeat=timezone.now())
    assert [j.pk for j in services.recover_stale()] == [job.pk]
    mine = services.start("tests.count", actor=None, params={"n": 1})
    _running(mine, worker=runner.worker_id(), heartbeat=timezone.now())
    assert services.recover_stale() == []


def test_outputs_are_kept_and_replaced_on_rerun() -> None:
    job = services.start("tests.count", actor=None, params={"n": 1})
    run = JobRun(job)
    run.add_output("结果.txt", b"first", content_type="text/plain")
    run.add_output("结果.txt", b"second", content_type="text/plain")
    files = list(job.files.filter(role=FileRole.OUTPUT))
    assert len(files) == 1 and files[0].read() == b"second" and files[0].size == 6


def test_inputs_are_stored_before_start_returns() -> None:
    job = services.start(
        "tests.count", actor=None, params={"n": 1}, inputs=[("a.pdf", b"%PDF-1.4 x"), ("b.txt", b"hi")]
    )
    inputs = JobRun(job).inputs()
    assert [(f.name, f.read()) for f in inputs] == [("a.pdf", b"%PDF-1.4 x"), ("b.txt", b"hi")]


def test_a_schedule_starts_once_a_day_however_many_workers_ask() -> None:
    schedule.every_day("tests.daily", at="07:30", kind="tests.count", params={"n": 1})
    try:
        day = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=SHANGHAI)
        assert [s.name for s in schedule.due(day) if s.name == "tests.daily"] == []
        later = day + datetime.timedelta(hours=1)
        first = [j for j in schedule.run_due(later) if j.kind == "tests.count"]
        second = [j for j in schedule.run_due(later) if j.kind == "tests.count"]
        assert len(first) == 1 and second == []
        assert ScheduledRun.objects.filter(name="tests.daily", day=datetime.date(2026, 3, 2)).count() == 1
        assert first[0].params["scheduled_for"] == "2026-03-02"
        next_day = [
            j for j in schedule.run_due(later + datetime.timedelta(days=1)) if j.kind == "tests.count"
        ]
        assert len(next_day) == 1
    finally:
        schedule._SCHEDULES.pop("tests.daily", None)


def test_a_schedule_respects_its_days() -> None:
    schedule.every_day(
        "tests.feb", at="00:00", kind="tests.count", params={"n": 1}, when=lambda d: d.month == 2
    )
    try:
        march = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
        february = datetime.datetime(2026, 2, 2, 9, 0, tzinfo=SHANGHAI)
        assert "tests.feb" not in [s.name for s in schedule.due(march)]
        assert "tests.feb" in [s.name for s in schedule.due(february)]
    finally:
        schedule._SCHEDULES.pop("tests.feb", None)


# --- pages ---------------------------------------------------------------------------------------------


def test_the_owner_sees_the_job_others_do_not(tree: Tree) -> None:
    owner = make_user("owner")
    other = make_user("other")
    admin = make_user("admin")
    far_admin = make_user("far_admin")
    Membership.objects.create(user=admin, agency=tree.county_a, role=Role.ADMINISTRATOR)
    Membership.objects.create(user=far_admin, agency=tree.county_b, role=Role.ADMINISTRATOR)
    job = services.start(
        "tests.count", actor=owner, agency=tree.town_a1, params={"n": 2}, title="导入 2 个文件"
    )
    url = job.get_absolute_url()
    client = Client()
    assert client.get(url).status_code == 404
    for user, expected in ((owner, 200), (admin, 200), (other, 404), (far_admin, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert "导入 2 个文件" in response.content.decode()
            assert response["Cache-Control"] == "private, no-store"
    client.force_login(owner)
    listing = client.get("/jobs/").content.decode()
    assert "导入 2 个文件" in listing
    client.force_login(other)
    assert "导入 2 个文件" not in client.get("/jobs/").content.decode()
    client.force_login(far_admin)
    assert client.post(f"{url}cancel/").status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_status_json_cancel_and_retry_through_the_pages(tree: Tree) -> None:
    owner = make_user("owner")
    client = Client()
    client.force_login(owner)
    job = services.start("tests.count", actor=owner, params={"n": 2})
    status = client.get(f"{job.get_absolute_url()}status.json").json()
    assert status["status"] == "queued" and status["finished"] is False and status["status_label"] == "排队中"
    assert client.post(f"{job.get_absolute_url()}cancel/").status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    page = client.get(job.get_absolute_url()).content.decode()
    assert "重试" in page and "取消任务" not in page
    client.post(f"{job.get_absolute_url()}retry/")
    services.run_pending()
    status = client.get(f"{job.get_absolute_url()}status.json").json()
    assert (
        status["status"] == "succeeded" and status["percent"] == 100 and status["next_url"] == "/somewhere/"
    )
    assert "查看结果" in client.get(job.get_absolute_url()).content.decode()


def test_an_anonymous_visitor_sees_only_the_jobs_of_their_session() -> None:
    job = services.start("tests.count", actor=None, params={"n": 1})
    visitor, stranger = Client(), Client()
    visitor.get("/jobs/")  # a session
    session = visitor.session
    session["gongkai_jobs"] = [str(job.pk)]
    session.save()
    assert visitor.get(job.get_absolute_url()).status_code == 200
    assert stranger.get(job.get_absolute_url()).status_code == 404
    assert stranger.get(f"{job.get_absolute_url()}status.json").status_code == 404


def test_output_files_download_only_for_those_who_see_the_job(tree: Tree) -> None:
    owner, other = make_user("owner"), make_user("other")
    job = services.start("tests.count", actor=owner, params={"n": 1})
    out = JobRun(job).add_output("全部报告.zip", b"PK\x05\x06" + b"\0" * 18, content_type="application/zip")
    client = Client()
    client.force_login(owner)
    response = client.get(f"{job.get_absolute_url()}files/{out.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]
    client.force_login(other)
    assert client.get(f"{job.get_absolute_url()}files/{out.pk}/").status_code == 404


def test_only_a_superuser_starts_the_probe() -> None:
    client = Client()
    client.force_login(make_user("plain"))
    assert client.post("/jobs/probe/").status_code == 403
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.post("/jobs/probe/")
    assert response.status_code == 302
    job = Job.objects.get(kind="jobs.probe")
    assert response["Location"] == job.get_absolute_url()
