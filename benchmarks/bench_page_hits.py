"""What one page-cache hit costs in CPU, side by side: Django's handler with the page-cache middleware,
``gongkai.core.pagehits.PageHits`` in front of it, and the bare Django page (issue 16; docs/benchmarks.md
"A hit before Django").

CPU, not requests per second: the Python process's CPU time per request (``time.process_time``) and the
PostgreSQL backend's (its ``/proc/<pid>/stat``), which a busy machine changes far less than wall time. Each
request is a WSGI call in this process (no server, no socket: what those cost is the same for every
application). The database: ``bench_public.py``'s world (``gongkai_pubbench``; ``--database`` for another),
its largest agency's pages. The bare page runs in a child process (its settings are its own).

    .venv/bin/python benchmarks/bench_page_hits.py [--database gongkai_pubbench] [--requests 3000] \\
        [--rounds 3] [--redis]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_catalogue as world  # noqa: E402

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _call(app: App, environ: dict[str, Any]) -> int:
    statuses: list[str] = []
    body = app(dict(environ), lambda status, headers, exc_info=None: statuses.append(status))
    size = len(b"".join(body))
    close = getattr(body, "close", None)
    if close is not None:
        close()
    assert statuses[0].startswith("200"), statuses
    return size


def _environ(path: str) -> dict[str, Any]:
    from django.test import RequestFactory

    return RequestFactory().get(path, HTTP_HOST="127.0.0.1").environ


def bare_cpu(requests: int) -> float:
    """CPU µs per request of the bare page, in a child process."""
    script = f"""
import sys, time
sys.path.insert(0, {str(ROOT / "benchmarks")!r})
import bare_django
from django.test import RequestFactory
environ = RequestFactory().get("/", HTTP_HOST="127.0.0.1").environ
app = bare_django.application
def call():
    body = app(dict(environ), lambda s, h, e=None: None)
    b"".join(body)
    body.close()
for _ in range(200):
    call()
start = time.process_time()
for _ in range({requests}):
    call()
print((time.process_time() - start) / {requests} * 1e6)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database", default="gongkai_pubbench")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", action="store_true", help="pages kept in Redis at 127.0.0.1:6379/3")
    args = parser.parse_args()
    world.URL = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    static_root = Path(tempfile.mkdtemp(prefix="bench-hits-static-"))
    os.environ.update(
        {
            **world.env(),
            "STATIC_ROOT": str(static_root),
            "GONGKAI_PAGE_CACHE": "true",
            "DJANGO_SETTINGS_MODULE": "gongkai.settings",
            "CONN_MAX_AGE": "3600",  # one backend through the run (its CPU is read from /proc)
        }
    )
    if args.redis:
        os.environ["GONGKAI_CACHE_URL"] = "redis://127.0.0.1:6379/3"
    subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "collectstatic", "--noinput", "-v0"], check=True, cwd=ROOT
    )
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import ColumnTotals
    from gongkai.core.pagehits import PageHits

    largest = ColumnTotals.objects.order_by("-total").values_list("agency_id", flat=True).first()
    if largest is None:
        raise SystemExit(f"{args.database} has no catalogue: build it with bench_public.py first")
    code = Agency.objects.get(pk=largest).short_code
    pages = {
        "column home": f"/gk/{code}/",
        "catalogue list": f"/gk/{code}/catalogue/",
        "2-character search": f"/gk/{code}/catalogue/?q=%E9%80%9A%E7%9F%A5",
    }
    django_app = WSGIHandler()
    hits = PageHits(django_app)
    assert hits.active, "PageHits is not active with these settings"

    def postgres_cpu() -> float:
        pid = connection.connection.info.backend_pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    bare = [bare_cpu(args.requests) for _ in range(args.rounds)]
    print(f"bare Django page: {statistics.median(bare):.0f} µs of CPU per request (median of {args.rounds})")
    print(
        "\n| page (cache warm) | bytes | before: Django, query planned each time | Django, query prepared "
        "| PageHits, query prepared |\n|---|---:|---:|---:|---:|"
    )
    modes = (("before", django_app, None), ("prepared", django_app, 5), ("hits", hits, 5))
    for name, path in pages.items():
        environ = _environ(path)
        size = _call(django_app, environ)  # made and stored
        results: dict[str, list[tuple[float, float]]] = {label: [] for label, _a, _t in modes}
        for _ in range(args.rounds):
            for label, app, threshold in modes:
                connection.ensure_connection()
                connection.connection.prepare_threshold = threshold  # None: psycopg prepares nothing
                for _ in range(50):
                    _call(app, environ)
                cpu, pg = time.process_time(), postgres_cpu()
                for _ in range(args.requests):
                    _call(app, environ)
                results[label].append(
                    (
                        (time.process_time() - cpu) / args.requests * 1e6,
                        (postgres_cpu() - pg) / args.requests * 1e6,
                    )
                )
        cells = [
            f"{statistics.median(p for p, _ in results[label]):.0f} / "
            f"{statistics.median(q for _, q in results[label]):.0f}"
            for label, _a, _t in modes
        ]
        print(f"| {name} | {size:,} | " + " | ".join(cells) + " |")
    print("\nEach cell: Python CPU / PostgreSQL backend CPU, µs per request (median of the rounds).")


if __name__ == "__main__":
    main()
