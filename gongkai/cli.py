"""The ``gongkai`` command: every Django management command, plus a few friendlier names.

* ``gongkai check ...``        runs ``check_reports`` (the annual-report checker);
* ``gongkai scan ...``         looks for personal data and sensitive words in files (``scan``);
* ``gongkai system-check ...`` runs Django's own ``check``;
* ``gongkai demo``             migrates, loads the demo data and serves http://127.0.0.1:8000, with a task
                               worker (``gongkai worker``) beside it;
* ``gongkai serve``            the production web server (gunicorn; ``gongkai.core.serving``);
* ``gongkai seed-demo``        dashes in a command name are read as underscores;
* anything else (``gongkai migrate``, ``gongkai createsuperuser`` ...) is passed to Django.

Works from any working directory: the settings module is always ``gongkai.settings``.
"""

from __future__ import annotations

import gettext
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from gongkai.core.messages import N_

#: The translation catalogue, read without Django so that ``gongkai --help`` works before anything is
#: configured.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# Names that differ from the management command they run.
ALIASES = {
    "check": "check_reports",
    "system-check": "check",
    "system_check": "check",
}

# (subcommand, 中文说明 — a message id of the catalogue, whose English the help shows too): shown first
# by ``gongkai --help``.
FEATURED: list[tuple[str, str]] = [
    ("check", N_("检查政府信息公开工作年度报告")),
    ("report", N_("导出年度报告（Word、PDF、网页或 JSON）")),
    ("monitor", N_("年报监测：访问各机关的年报栏目，查找、下载并检查年度报告")),
    ("demo", N_("建立演示数据并启动演示站点")),
    ("seed-demo", N_("载入演示数据（可重复执行）")),
    ("calendar", N_("工作日历：载入或查看某年放假安排")),
    ("deadline", N_("计算依申请公开的答复期限（工作日）")),
    ("catalogue", N_("主动公开目录：从表格或本机关网站原有栏目导入已公开的目录条目")),
    ("scan", N_("检查文件中的身份证号、电话、银行卡号、邮箱和错敏词（打码显示）")),
    ("remind", N_("向信息员发送即将到期和已逾期申请的提醒邮件（每日）")),
    ("worker", N_("运行后台任务的工作进程（可在多台主机上同时运行多个）")),
    ("audit", N_("审计日志：验证防篡改链、归档过期事件、检查归档文件")),
    ("unlock", N_("解除登录锁定（连续输错密码造成的），记入审计日志")),
    ("backup", N_("备份全部数据和文件到一个归档文件（不含数据密钥）")),
    ("restore", N_("从归档文件恢复全部数据和文件（原有数据须 --force）")),
    ("files", N_("存储的文件：在数据库和对象存储（S3）之间移动")),
    ("migrate", N_("创建或更新数据库表")),
    ("createsuperuser", N_("创建超级管理员")),
    ("serve", N_("启动生产环境的网站服务（gunicorn，多个工作进程）")),
    ("runserver", N_("启动开发服务器")),
    ("system-check", N_("检查站点配置（Django 系统检查）")),
    ("shell", N_("打开 Python 交互环境")),
    ("help", N_("查看某个子命令的帮助：gongkai help 子命令")),
]

DEMO_ADDRPORT = "127.0.0.1:8000"


def command_name(subcommand: str) -> str:
    """Map a ``gongkai`` subcommand to the Django management command it runs."""
    if subcommand in ALIASES:
        return ALIASES[subcommand]
    return subcommand.replace("-", "_")


#: Commands that sign nothing and may run in a plain shell: ``check_reports`` and ``scan`` need no
#: database; ``deadline`` only reads the calendar from it (and falls back to the built-in one without it).
NEEDS_NO_SECRET = frozenset({"check_reports", "deadline", "scan", "monitor"})


def secret_for_checker(command: str) -> None:
    """Let the commands of :data:`NEEDS_NO_SECRET` run in a plain shell: when no ``SECRET_KEY`` is
    configured they get a throwaway one for this process (settings refuse none)."""
    if command in NEEDS_NO_SECRET and not (os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE")):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()


def usage() -> str:
    """The text of ``gongkai --help``; works even when the settings are incomplete."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import get_commands

    problem = ""
    try:
        _setup_django()
        all_commands = list(get_commands())
    except ImproperlyConfigured as exc:
        problem = str(exc)
        all_commands = []
    lines = [
        "用法 / usage: gongkai <子命令 subcommand> [选项 options]",
        "",
        "常用子命令 / main subcommands:",
    ]
    width = max(len(name) for name, _ in FEATURED)
    english = gettext.translation("django", LOCALE_DIR, languages=["en"], fallback=True)
    for name, zh in FEATURED:
        en = english.gettext(zh)
        lines.append(f"  {name.ljust(width)}  {zh} / {en}" if en != zh else f"  {name.ljust(width)}  {zh}")
    featured = {command_name(name) for name, _ in FEATURED} | {"check"}
    others = sorted(name.replace("_", "-") for name in all_commands if name not in featured)
    lines += ["", "其他 Django 管理命令 / other Django management commands:"]
    if problem:
        lines.append(f"  （配置不完整，无法列出 / settings incomplete, cannot list them: {problem}）")
    row: list[str] = []
    for name in others:
        row.append(name)
        if len(row) == 4:
            lines.append("  " + "  ".join(n.ljust(22) for n in row).rstrip())
            row = []
    if row:
        lines.append("  " + "  ".join(n.ljust(22) for n in row).rstrip())
    lines += ["", "每个子命令的选项 / options of one subcommand: gongkai <subcommand> --help"]
    return "\n".join(lines)


def _print(text: str) -> None:
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # ``gongkai --help | head``: the reader went away, which is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run_demo(argv: Sequence[str]) -> None:
    """Migrate, seed the demo data and run the development server (no autoreload), with a task worker
    (``gongkai worker``) beside it that stops with it."""
    # The demo is a development tool: it needs DEBUG (dev secret key, static files served).
    os.environ.setdefault("GONGKAI_DEBUG", "true")
    _setup_django()
    from django.core.management import call_command

    addrport = argv[0] if argv else DEMO_ADDRPORT
    call_command("migrate", interactive=False, verbosity=1)
    call_command("seed_demo")
    worker = start_demo_worker()
    # systemd, a terminal closing or `kill`: stop like Ctrl-C, so that the worker is stopped too.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    try:
        call_command("runserver", addrport, use_reloader=False)
    finally:
        stop_demo_worker(worker)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _gongkai(*args: str) -> list[str]:
    return [sys.executable, "-m", "gongkai.cli", *args]


def start_demo_worker() -> subprocess.Popen[bytes] | None:
    """``gongkai worker`` in the background, or None when this version has no worker command."""
    probe = subprocess.run(_gongkai("worker", "--help"), capture_output=True, check=False, timeout=120)
    if probe.returncode != 0:
        _print("（没有 gongkai worker 命令：不启动任务进程 / no task worker in this version）")
        return None
    _print("启动任务进程 / starting the task worker: gongkai worker")
    return subprocess.Popen(_gongkai("worker"))


def stop_demo_worker(worker: subprocess.Popen[bytes] | None, grace: float = 10) -> None:
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"} or args == ["help"]:
        _print(usage())
        return
    if args[0] == "--version":
        from importlib.metadata import version

        print(version("gongkai"))
        return
    if args[0] == "demo":
        run_demo(args[1:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.core.management import execute_from_command_line

    if args[0] == "help" and len(args) > 1:
        args = ["help", command_name(args[1]), *args[2:]]
    else:
        args = [command_name(args[0]), *args[1:]]
    secret_for_checker(args[1] if args[0] == "help" and len(args) > 1 else args[0])
    from django.core.exceptions import ImproperlyConfigured

    try:
        execute_from_command_line(["gongkai", *args])
    except ImproperlyConfigured as exc:
        # Incomplete settings (no SECRET_KEY, no data key …): the settings' own message, not a traceback.
        print(f"gongkai: 配置不完整 / settings incomplete: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
