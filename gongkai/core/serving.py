"""``gongkai serve``: the production web server, gunicorn running Django's WSGI application in this process.

What the options are and why (docs/deployment.md, "The web server"):

* **sync workers**, ``2 × cores + 1`` of them by default, at most :data:`MAX_DEFAULT_WORKERS`: each request
  holds one process, and nginx in front buffers slow clients, so a sync worker is never held by a slow
  network. Nothing is kept in a process between requests, so any number of processes on any number of
  hosts serve the same site.
* ``timeout`` :data:`TIMEOUT_SECONDS`: a worker silent that long is killed and replaced (a request that
  hangs). Long work (bulk imports, exports) runs on the task queue (``gongkai worker``), not in a request.
  ``graceful_timeout``: on a restart or stop, requests in progress get that long to finish.
* ``max_requests`` with jitter: each worker is replaced after about ten thousand requests, so that memory a
  library keeps growing is given back, and the workers are not all replaced at the same moment. Not fewer: a
  replacement costs a worker's warm-up (a new database connection, cold caches), and at 1,000 the benchmark
  saw each worker replaced every few seconds under load (docs/benchmarks.md, "gongkai serve").
* **preload**: the application is loaded once in the master, before the workers are forked (they share its
  memory pages and start in milliseconds). This is safe with ``gongkai.documents.isolated``: its fork server
  is started lazily by the first document reading, which only a worker does, so each worker starts its own
  (the master reads no document; :func:`master_is_clean` checks it before each fork, and the master's
  database connections are closed so that no worker inherits a socket).
* ``forwarded_allow_ips``: gunicorn believes ``X-Forwarded-Proto`` only from these peers. ``*`` when the
  settings declare a proxy in front (``GONGKAI_BEHIND_TLS_PROXY`` or ``GONGKAI_TRUSTED_PROXY_COUNT``; the
  server then listens on an address only the proxy reaches), none otherwise. No peer may rewrite
  ``SCRIPT_NAME``/``PATH_INFO`` (``forwarder_headers`` empty).
* **the whole site loaded in the master** (:func:`warm_up`: the URLconf and what it imports, the
  catalogues, the templates; ~40,000 objects a worker otherwise made at its first requests), **then out of
  the collector's sight** (:func:`settle_heap`): its objects (~170,000 tracked by the cyclic garbage
  collector: functions, classes, dicts of every module, compiled templates) are frozen (``gc.freeze``).
  Otherwise each full collection in a worker walked them all: ~100 ms of CPU on a two-core machine, every
  ~10 s under load, during which every request the worker held waited — the slow tail of the page cache's
  hits (docs/benchmarks.md, "The warm tail"; D56). Frozen in the master before the workers are forked, they
  also stay shared (a collection no longer writes into their pages).
* access log to standard output (one line a request, path without its query string), errors to standard
  error: systemd's journal keeps both.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing.forkserver
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The default number of workers is 2 × cores + 1, but no more than this (each worker holds ~100 MB).
MAX_DEFAULT_WORKERS = 12
TIMEOUT_SECONDS = 120
GRACEFUL_TIMEOUT_SECONDS = 30
MAX_REQUESTS = 10_000
MAX_REQUESTS_JITTER = 1_000
DEFAULT_BIND = "127.0.0.1:8000"
#: Client address, the proxy's X-Forwarded-For, time, method and path (no query string: it may hold what a
#: user searched for), status, bytes sent and the time taken in milliseconds.
ACCESS_LOG_FORMAT = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def available_cores() -> int:
    """The CPUs this process may run on (a container's or ``taskset``'s limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers(cores: int) -> int:
    return max(2, min(2 * cores + 1, MAX_DEFAULT_WORKERS))


def forwarded_allow_ips(behind_proxy: bool) -> str:
    return "*" if behind_proxy else ""


def warm_up() -> None:
    """What a worker would otherwise load at its first requests, loaded once by whoever loads the site (a
    preloading server's master, before its workers are forked, which then share it): every URLconf with the
    views, forms and libraries they import (~100 of the project's modules and ~200 of openpyxl's are first
    imported by the URLconf), the translation catalogue of every language, and every template of the project
    (compiled once; Django's cached loader keeps them). A template that does not compile is skipped here and
    fails where it is used, as it would have."""
    from django.conf import settings
    from django.template import TemplateSyntaxError, engines
    from django.template.backends.django import DjangoTemplates
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and what it names
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("")
    project = Path(__file__).resolve().parents[1]
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for directory in engine.template_dirs:
            root = Path(directory)
            if not root.is_relative_to(project) or not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix in (".html", ".txt", ".xml"):
                    with contextlib.suppress(TemplateSyntaxError):
                        engine.get_template(path.relative_to(root).as_posix())


def settle_heap() -> None:
    """Everything loaded so far moved out of the cyclic garbage collector's sight: collected once (what is
    already garbage goes), then frozen (``gc.freeze``: the permanent generation, which no collection walks).
    Called once the site is loaded (``gongkai.wsgi``) and in ``gongkai serve``'s master before each fork.
    What a worker makes afterwards (its requests' objects, its caches) is collected as usual; an object frozen
    here that becomes cyclic garbage later is never freed, which the site's modules, settings and URL
    patterns, loaded once for the process's life, do not do."""
    gc.collect()
    gc.freeze()


def master_is_clean() -> bool:
    """Whether this process has not started the documents' fork server (a forked worker must start its own:
    it could not use, or even check on, a server that is its parent's child)."""
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    return getattr(server, "_forkserver_pid", None) is None


def options(
    *,
    bind: str,
    workers: int,
    timeout: int,
    allow_ips: str,
    pre_fork: Callable[[Any, Any], None],
) -> dict[str, Any]:
    """gunicorn's settings for ``gongkai serve``."""
    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS_JITTER,
        "preload_app": True,
        "forwarded_allow_ips": allow_ips,
        "forwarder_headers": "",
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "proc_name": "gongkai-web",
        # The heartbeat files of the workers in memory, not on a disk that may stall.
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        # gunicorn's control socket (a fixed path under $HOME) is not used; several servers on one host
        # must not fight over it.
        "control_socket_disable": True,
        "pre_fork": pre_fork,
    }
