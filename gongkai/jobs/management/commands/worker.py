"""``gongkai worker``: a worker process that runs jobs (docs/jobs.md).

Run any number of them, on any number of hosts, against one database: each claims one queued task at a time
with row locking (django-tasks-db; on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED``). Between tasks — and
from a background thread while a long one runs — the worker keeps its running jobs' heartbeat, requeues the
jobs of workers that died (killed, host lost) and starts the scheduled jobs that are due (once a day across
all workers). With the RQ backend (``GONGKAI_TASKS_BACKEND=rq``) it runs an RQ worker instead, with the same
heartbeat, recovery and schedule.

    gongkai worker                  run until stopped (SIGTERM/Ctrl-C: the running job finishes first;
                                    a second signal stops at once and the job is picked up again later)
    gongkai worker --once           run what is queued and what is due, then exit (cron, tests)
    gongkai worker --schedule-once  only start the scheduled jobs that are due (for a cron/systemd timer)
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection
from django.db.utils import DatabaseError
from django.utils.translation import gettext as _

from gongkai.jobs import runner, schedule, services

#: Seconds between two rounds of recovery and schedules.
MAINTENANCE_SECONDS = 30.0


def maintain(*, with_schedule: bool) -> tuple[int, int]:
    """One round: requeue dead workers' jobs, start due schedules. Returns (recovered, started)."""
    recovered = services.recover_stale()
    started = schedule.run_due() if with_schedule else []
    return len(recovered), len(started)


class _Beat(threading.Thread):
    """Keeps this process's running jobs alive, and does the maintenance while a long job runs."""

    def __init__(self, me: str, *, with_schedule: bool, maintenance: bool) -> None:
        super().__init__(name="gongkai-job-heartbeat", daemon=True)
        self.me = me
        self.with_schedule = with_schedule
        self.maintenance = maintenance
        self.stopping = threading.Event()

    def run(self) -> None:
        last = 0.0
        try:
            while not self.stopping.wait(settings.GONGKAI_JOB_HEARTBEAT_SECONDS):
                try:
                    services.heartbeat(self.me)
                    if self.maintenance and time.monotonic() - last >= MAINTENANCE_SECONDS:
                        last = time.monotonic()
                        maintain(with_schedule=self.with_schedule)
                except DatabaseError:  # e.g. SQLite busy: the next beat tries again
                    pass
        finally:
            connection.close()


class Command(BaseCommand):
    help = _("运行后台任务的工作进程（可在多台主机上同时运行多个）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help=_("处理完已排队的任务和到期的计划任务后退出"))
        parser.add_argument(
            "--schedule-once",
            action="store_true",
            help=_("只启动到期的计划任务，然后退出（供 cron 或 systemd 定时器使用）"),
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help=_("不启动计划任务（由其他工作进程或定时器负责）")
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help=_("没有任务时，每隔多少秒查看一次（默认 1）")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # django-tasks-db says "Starting worker" / "No more tasks" at INFO on every round of our loop.
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        with_schedule = not options["no_schedule"]
        if options["schedule_once"]:
            started = schedule.run_due()
            self.stdout.write(_("已启动 %(n)d 项计划任务。") % {"n": len(started)})
            return
        backend = str(settings.TASKS["default"]["BACKEND"])
        if backend.startswith("django_tasks_db."):
            self._database_worker(options, with_schedule=with_schedule)
        elif backend.startswith("django_tasks_rq."):
            self._rq_worker(options, with_schedule=with_schedule)
        else:
            raise CommandError(
                _(
                    "当前的任务后端（%(backend)s）不需要工作进程：任务在提交时就地运行。"
                    "请设置 GONGKAI_TASKS_BACKEND=database 或 rq。"
                )
                % {"backend": backend}
            )

    def _database_worker(self, options: dict[str, Any], *, with_schedule: bool) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        me = runner.worker_id()
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if stop.is_set():
                self.stderr.write(_("再次收到停止信号：立即退出，正在运行的任务稍后由其他工作进程接续。"))
                sys.exit(1)
            self.stderr.write(_("收到停止信号：当前任务完成后退出（再按一次立即退出）。"))
            stop.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        self.stdout.write(_("工作进程 %(me)s 已启动。") % {"me": me})
        beat = _Beat(me, with_schedule=with_schedule, maintenance=True)
        beat.start()
        last_maintenance = 0.0
        try:
            while not stop.is_set():
                close_old_connections()
                if time.monotonic() - last_maintenance >= MAINTENANCE_SECONDS:
                    last_maintenance = time.monotonic()
                    recovered, started = maintain(with_schedule=with_schedule)
                    if recovered or started:
                        self.stdout.write(
                            _("重新排队 %(r)d 项中断的任务，启动 %(s)d 项计划任务。")
                            % {"r": recovered, "s": started}
                        )
                worker = Worker(
                    queue_names=["*"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=1,
                    worker_id=me[:64],
                    excluded_queue_names=[],
                )
                worker.run()
                if worker._run_tasks:
                    continue
                if options["once"]:
                    break
                stop.wait(options["interval"])
        finally:
            beat.stopping.set()
            beat.join(timeout=5)
        self.stdout.write(_("工作进程 %(me)s 已停止。") % {"me": me})

    def _rq_worker(self, options: dict[str, Any], *, with_schedule: bool) -> None:
        me = runner.worker_id()
        beat = _Beat(me, with_schedule=with_schedule, maintenance=True)
        if not options["once"]:
            beat.start()
        else:
            maintain(with_schedule=with_schedule)
        try:
            # SimpleWorker runs each task in this process (no fork), so the job's worker is this process and
            # the heartbeat above covers it.
            call_command(
                "rqworker",
                "default",
                worker_class="rq.worker.SimpleWorker",
                job_class="django_tasks_rq.Job",
                burst=options["once"],
            )
        finally:
            beat.stopping.set()
            if beat.is_alive():
                beat.join(timeout=5)
