"""What one public page costs with the page cache off, in process: CPU, SQL and statements per request,
two source trees side by side on the same database (issue 16, docs/benchmarks.md "Public pages with the
cache off").

At 32 connections on this 2-core machine a page reaches 0.05 of the bare Django page's rate only if it
costs about 5 ms of CPU in all (the web process and PostgreSQL), so what is measured here is each page's
own cost, not a server's: Django's ``WSGIHandler`` called directly (every middleware, the URL resolver,
the view and its template, the response's bytes) with production settings (``DEBUG`` off, the page cache
off, ``CONN_MAX_AGE`` 60 with health checks), every SQL statement counted and timed
(``connection.execute_wrapper``). The pages are those of ``bench_public.py`` (the 20 largest agencies'
column home, catalogue list and ``?page=500``, 20 entries, the unfiltered JSON API, the RSS feed).

Each round runs one child process per tree (``--trees``: ``PYTHONPATH`` makes that tree's ``gongkai``
win), alternating their order between rounds, so that the machine's load weighs on both alike. A child
asks for every URL once (imports, templates, the connection), then ``--requests`` times each. Printed per
page and tree: the median wall time, the Python CPU time of the process, the SQL time (the round trips as
the client sees them: PostgreSQL's work and waiting for it), the CPU time of the connection's PostgreSQL
backend per request (``/proc/<pid>/stat`` around each page's requests, when the server runs on this machine:
what the statements cost the database, without the wait) and the statements per request.

Each run also compares every URL's bytes between the trees (the first tree's against the others') and
prints the URLs that differ. ``--profile PAGE`` runs ``cProfile`` over that page's requests in the first
tree instead and prints the top of the profile.

    .venv/bin/python benchmarks/bench_public_cpu.py --trees /work/main,$PWD \\
        --database postgres://postgres@127.0.0.1:5432/gongkai_off16bench [--rounds 4] [--requests 5]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
#: The pages measured, by name (as bench_public.py names them).
PAGES = ("column", "catalogue", "deep", "entry", "api", "rss")
#: Pages measured only when asked for (``--pages``): the searches and the Atom feed, with the URLs
#: ``bench_public.py`` loads (the JSON API's 2-character searches: the first 20 of ``bench_catalogue.WORDS``).
MORE_PAGES = ("search1", "search2", "search4", "apisearch", "atom")


def _urls() -> dict[str, list[str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.short_code FROM catalogue_columntotals t "
            "JOIN agencies_agency a ON a.id = t.agency_id ORDER BY t.total DESC LIMIT 20"
        )
        big = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT a.short_code, i.id FROM catalogue_item i JOIN agencies_agency a ON a.id = i.agency_id "
            "WHERE i.status = 'published' ORDER BY i.id LIMIT 20 OFFSET 5000"
        )
        entries = cursor.fetchall()
    # bench_public.pages()'s searches, drawn from the same seed in the same order.
    words = _words()
    rng = random.Random(16)
    one = "政府信息公开预算规划"
    q = urllib.parse.quote
    search1 = [f"/gk/{c}/catalogue/?q={q(rng.choice(one))}" for c in big]
    search2 = [f"/gk/{c}/catalogue/?q={q(rng.choice(words))}" for c in big]
    search4 = [f"/gk/{c}/catalogue/?q={q(rng.choice(words) + rng.choice(words))}" for c in big]
    return {
        "search1": search1,
        "search2": search2,
        "search4": search4,
        "apisearch": [f"/gk/api/items/?q={q(w)}" for w in words[:20]],
        "column": [f"/gk/{c}/" for c in big],
        "catalogue": [f"/gk/{c}/catalogue/" for c in big],
        "deep": [f"/gk/{c}/catalogue/?page=500" for c in big],
        "entry": [f"/gk/{c}/items/{pk}/" for c, pk in entries],
        "api": ["/gk/api/items/"],
        "rss": [f"/gk/{c}/feed.rss" for c in big],
        "atom": [f"/gk/{c}/feed.atom" for c in big],
    }


def _words() -> list[str]:
    """``bench_catalogue.WORDS`` (imported from this file's directory, whichever tree is measured)."""
    sys.path.insert(0, str(HERE.parent))
    try:
        from bench_catalogue import WORDS
    finally:
        sys.path.remove(str(HERE.parent))
    return list(WORDS)


def _environ(url: str) -> dict[str, Any]:
    path, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _caller() -> Any:
    """A function that makes one request through Django's WSGI handler and returns (status, body)."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def call(url: str) -> tuple[str, bytes]:
        status: list[str] = []

        def start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return None

        result = handler(_environ(url), start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return status[0], body

    return call


def child(requests: int, pages: list[str]) -> dict[str, Any]:
    """In the child: each page's figures (wall, CPU, SQL seconds and statements per request) as JSON."""
    import django

    django.setup()
    from django.db import connection

    urls = _urls()
    call = _caller()
    sql: list[float] = []

    def timed(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql.append(time.perf_counter() - start)

    digests: dict[str, str] = {}
    for page in pages:  # warm-up: imports, templates, the connection; the bytes of each URL
        for url in urls[page]:
            status, body = call(url)
            assert status.startswith("200"), (url, status)
            digests[url] = hashlib.sha256(body).hexdigest()
    figures: dict[str, dict[str, list[float]]] = {}
    backend = _backend_cpu()
    with connection.execute_wrapper(timed):
        for page in pages:
            one = figures.setdefault(page, {"wall": [], "cpu": [], "sql": [], "queries": [], "pgcpu": []})
            before = backend()
            for _ in range(requests):
                for url in urls[page]:
                    sql.clear()
                    start, cpu = time.perf_counter(), time.process_time()
                    status, _body = call(url)
                    one["wall"].append(time.perf_counter() - start)
                    one["cpu"].append(time.process_time() - cpu)
                    one["sql"].append(sum(sql))
                    one["queries"].append(len(sql))
            after = backend()
            if before is not None and after is not None:  # the page's mean: the clock ticks are 10 ms
                one["pgcpu"].append((after - before) / (requests * len(urls[page])))
    return {"figures": figures, "digests": digests}


def _backend_cpu() -> Any:
    """A function that reads the CPU seconds the connection's PostgreSQL backend has used
    (``/proc/<pid>/stat``; ``None`` when the server is not on this machine or not readable): what the
    statements cost the database itself, not the wait for it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        pid = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            if not Path(f"/proc/{pid}/comm").read_text().startswith("postgres"):
                return None  # the server is elsewhere: this pid is another process of this machine
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / tick

    return read


def profile(page: str, requests: int, top: int) -> None:
    """cProfile of ``page``'s requests in this process (this tree), sorted by internal and cumulative time."""
    import cProfile
    import pstats

    import django

    django.setup()
    urls = _urls()[page]
    call = _caller()
    for url in urls:
        call(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        for url in urls:
            call(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"# {page}: {requests * len(urls)} requests")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


#: A benchmark-only key for the encrypted personal data (the settings refuse to start without one).
BENCH_DATA_KEY = "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM="


def _pg_cpu(means: list[float]) -> str:
    """The PostgreSQL backend's CPU per request (the rounds' median of each page's mean), or "–"."""
    return f"{statistics.median(means) * 1000:.1f}" if means else "–"


def child_env(tree: str, database: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": tree,
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "gongkai-public-cpu-static" / Path(tree).name),
        "GONGKAI_DATA_KEYS": os.environ.get("GONGKAI_DATA_KEYS") or BENCH_DATA_KEY,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "DATABASE_URL": database,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-" + "x" * 40),
        "GONGKAI_DEBUG": "false",
        "GONGKAI_PAGE_CACHE": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", default=str(HERE.parents[1]))
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/gongkai_pubbench")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--profile", default="", help="a page name: cProfile it in this tree")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    if args.child:
        print(json.dumps(child(args.requests, pages)))
        return
    trees = [tree for tree in args.trees.split(",") if tree]
    for tree in trees:
        command = [sys.executable, "-m", "gongkai.cli", "collectstatic", "--noinput", "-v0"]
        subprocess.run(command, env=child_env(tree, args.database), cwd=tree, check=True)
    if args.profile:
        os.environ.update(child_env(trees[0], args.database))
        sys.path.insert(0, trees[0])
        profile(args.profile, args.requests, args.top)
        return
    figures: dict[str, dict[str, dict[str, list[float]]]] = {
        t: {p: {"wall": [], "cpu": [], "sql": [], "queries": [], "pgcpu": []} for p in pages} for t in trees
    }
    digests: dict[str, dict[str, str]] = {}
    for round_ in range(args.rounds):
        order = trees if round_ % 2 == 0 else list(reversed(trees))
        for tree in order:
            done = subprocess.run(
                [sys.executable, str(HERE), "--child", "--requests", str(args.requests)]
                + ["--pages", args.pages],
                env=child_env(tree, args.database),
                cwd=tree,
                stdout=subprocess.PIPE,
                check=True,
            )
            result = json.loads(done.stdout.decode().splitlines()[-1])
            digests[tree] = result["digests"]
            for page, values in result["figures"].items():
                for key, series in values.items():
                    figures[tree][page][key].extend(series)
            walls = [w for v in result["figures"].values() for w in v["wall"]]
            print(f"round {round_ + 1}, {tree}: median {statistics.median(walls) * 1000:.1f} ms", flush=True)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}\n")
    print(
        "| page | tree | n | wall p50 ms | wall p90 ms | CPU p50 ms | SQL p50 ms | PostgreSQL CPU ms "
        "| statements | first / this |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for page in pages:
        first = statistics.median(figures[trees[0]][page]["wall"])
        for tree in trees:
            f = figures[tree][page]
            wall = sorted(f["wall"])
            print(
                f"| {page} | {tree} | {len(wall)} | {statistics.median(wall) * 1000:.1f} "
                f"| {wall[int(len(wall) * 0.9)] * 1000:.1f} | {statistics.median(f['cpu']) * 1000:.1f} "
                f"| {statistics.median(f['sql']) * 1000:.1f} "
                f"| {_pg_cpu(f['pgcpu'])} | {statistics.median(f['queries']):.0f} "
                f"| {first / statistics.median(wall):.2f} |"
            )
    if len(trees) > 1:
        print()
        for tree in trees[1:]:
            differ = sorted(url for url, d in digests[tree].items() if digests[trees[0]].get(url) != d)
            print(f"bytes differing from {trees[0]} in {tree}: {len(differ)} of {len(digests[tree])} URLs")
            for url in differ[:10]:
                print(f"  {url}")


if __name__ == "__main__":
    main()
