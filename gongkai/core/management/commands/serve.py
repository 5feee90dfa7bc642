"""``gongkai serve [--bind HOST:PORT] [--workers N] [--timeout SECONDS]``: the production web server.

gunicorn with the options of :mod:`gongkai.core.serving`, serving ``gongkai.wsgi:application`` (Django's, with
the page cache's hits answered before it) and, through
whitenoise, the static files collected by ``gongkai collectstatic``. Stops gracefully on SIGTERM (systemd's
stop). New code needs a restart: the site is loaded once, in this process, before the workers are forked (a
SIGHUP replaces the workers, not the code).
"""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.utils.translation import gettext as _
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from gongkai.core import serving
from gongkai.core.pagehits import PageHits


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> PageHits:
        # What gongkai.wsgi:application is: Django's, the page cache's hits answered before it; loaded whole
        # (the URLconf, the catalogues, the templates), here in the master (serving.warm_up).
        application = PageHits(get_wsgi_application())
        serving.warm_up()
        return application


def _pre_fork(server: Any, worker: Any) -> None:
    """In the master, before each worker is forked: no database connection and no document fork server
    may be inherited; the loaded site frozen out of the garbage collector's sight
    (``serving.settle_heap``)."""
    connections.close_all()
    serving.settle_heap()
    if not serving.master_is_clean():
        server.halt("the master started the documents' fork server: a worker could not use it", 1)


def _bind(value: str) -> str:
    host, colon, port = value.rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(
            _("监听地址“%(value)s”格式不正确，应为 主机:端口，例如 127.0.0.1:8000。") % {"value": value}
        )
    return value


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(_("“%(value)s”不是正整数。") % {"value": value})
    return int(value)


class Command(BaseCommand):
    help = "启动生产环境的网站服务（gunicorn，多个工作进程；静态文件由 whitenoise 提供）。"

    def add_arguments(self, parser: CommandParser) -> None:
        cores = serving.available_cores()
        parser.add_argument(
            "--bind",
            type=_bind,
            default=serving.DEFAULT_BIND,
            metavar="HOST:PORT",
            help=f"监听地址（默认 {serving.DEFAULT_BIND}）；只应让反向代理能访问",
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            default=serving.default_workers(cores),
            metavar="N",
            help=f"工作进程数（默认 2×CPU 核数+1，至多 {serving.MAX_DEFAULT_WORKERS}；本机 "
            f"{serving.default_workers(cores)}）",
        )
        parser.add_argument(
            "--timeout",
            type=_positive,
            default=serving.TIMEOUT_SECONDS,
            metavar="SECONDS",
            help=f"一个请求最长处理时间，超时的工作进程被重启（默认 {serving.TIMEOUT_SECONDS} 秒）",
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            default=None,
            metavar="ADDRESSES",
            help="信任其 X-Forwarded-Proto 的代理地址，逗号分隔（默认：设置了 GONGKAI_BEHIND_TLS_PROXY 或 "
            "GONGKAI_TRUSTED_PROXY_COUNT 时为 *，否则不信任）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._require_collected_static()
        behind_proxy = bool(settings.BEHIND_TLS_PROXY or settings.GONGKAI_TRUSTED_PROXY_COUNT)
        allow_ips = options["forwarded_allow_ips"]
        if allow_ips is None:
            allow_ips = serving.forwarded_allow_ips(behind_proxy)
        connections.close_all()
        _Server(
            serving.options(
                bind=options["bind"],
                workers=options["workers"],
                timeout=options["timeout"],
                allow_ips=allow_ips,
                pre_fork=_pre_fork,
            )
        ).run()

    def _require_collected_static(self) -> None:
        """With hashed static names every page needs the manifest: refuse to start without it."""
        if isinstance(staticfiles_storage, ManifestFilesMixin) and not staticfiles_storage.read_manifest():
            raise CommandError(
                _(
                    "静态文件尚未收集：%(root)s 中没有 %(manifest)s。"
                    "请先运行 gongkai collectstatic --noinput，再启动服务。"
                )
                % {"root": settings.STATIC_ROOT, "manifest": staticfiles_storage.manifest_name}
            )
