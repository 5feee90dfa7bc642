"""The public catalogue under concurrent load: 1,000,000 entries across 2,000 agencies on PostgreSQL.

Measured side by side, on the same machine and server: a minimal Django page (``/healthz/``: the
framework's own ceiling here), an agency's catalogue page, Chinese searches of one, two and four
characters within an agency, a site-wide search through the open-data API and on its page (``/gk/search/``).

Method:

* a fresh PostgreSQL database ``gongkai_catbench`` (dropped first), migrated; 2,000 agencies under one
  county; ``--items`` published entries spread over them (a few large agencies, most small, like a
  province), written with ``COPY`` including their search texts and unigram/bigram ``tsvector``
  (``search.entry_texts``, the same function the site uses), then ``VACUUM ANALYZE``;
* static files collected (``collectstatic``: production settings serve their hashed names);
* gunicorn with ``--workers`` sync worker processes (``CONN_MAX_AGE=60``, ``DEBUG`` off) on 127.0.0.1;
* a load generator in this process: ``--concurrency`` threads, each with one keep-alive HTTP connection,
  requesting URLs of the scenario in a fixed random order for ``--seconds`` after a 2-second warm-up;
  requests/s = completed requests / seconds; latency percentiles from every request. The generator runs
  on the same two cores as the server, so absolute numbers are a floor; the ratio to ``/healthz/`` is the
  point.

    .venv/bin/python benchmarks/bench_catalogue.py [--items 1000000] [--agencies 2000] [--workers 4] \\
        [--concurrency 8] [--seconds 15] [--keep | --load-only] [--database NAME] [--only SCENARIO] [--port N]

``--database`` measures another database than ``gongkai_catbench`` (a copy of ``bench_public``'s world,
``gongkai_pubbench``, with ``--keep``); ``--only`` runs the scenarios whose name contains the text (the bare
page always runs first, as the ceiling).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DB = "gongkai_catbench"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
PORT = 8765

WORDS = (  # noqa: SIM905 - readable as one line of Chinese words
    "关于 印发 通知 实施 方案 意见 办法 规定 暂行 管理 工作 信息 公开 政府 年度 报告 预算 决算 财政 资金 "
    "项目 建设 规划 土地 征收 补偿 安置 农村 乡村 振兴 教育 医疗 卫生 社会 保障 就业 养老 救助 应急 预案 "
    "安全 生产 环境 保护 监督 检查 行政 许可 处罚 强制 收费 标准 采购 招标 公务员 招考 录用 统计 公报 "
    "水利 交通 道路 改造 城镇 社区 街道 村民 委员会 扶贫 产业 发展 旅游 文化 体育 科技 人才 住房 公积金"
).split()


#: A benchmark-only key for the encrypted personal data (the settings refuse to start without one).
BENCH_DATA_KEY = "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM="


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": URL,
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "GONGKAI_DATA_KEYS": os.environ.get("GONGKAI_DATA_KEYS") or BENCH_DATA_KEY,
        "GONGKAI_DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


#: The columns the loader writes, in its rows' order. Every column the database requires (NOT NULL, with no
#: default of its own: Django's defaults live in Python) must be here; tests/test_benchmarks.py checks it
#: against the models, so a new field cannot break the loader unnoticed.
AGENCY_COLUMNS = (
    "name", "short_code", "uscc", "kind", "parent_id", "path", "office_name", "office_address",
    "office_hours", "phone", "fax", "website", "email", "postcode", "report_column_url", "created_at",
    "updated_at",
)  # fmt: skip
ITEM_COLUMNS = (
    "agency_id", "kind", "index_number", "title", "publisher", "doc_number", "written_on", "published_on",
    "document_type", "validity", "category_id", "article20_item", "disclosure_mode", "summary", "keywords",
    "body", "is_ogi_rule", "status", "withdrawn_reason", "search_text", "search_head", "search_vector",
    "created_at", "updated_at", "correction_note", "correction_reason", "standard_area", "topic",
)  # fmt: skip


def use_database(name: str) -> None:
    """Measure (or load) the database ``name`` instead of :data:`DB`."""
    global DB, URL
    DB = name
    URL = f"postgres://postgres@127.0.0.1:5432/{DB}"


def use_port(port: int) -> None:
    """Serve on ``port`` instead of :data:`PORT` (another benchmark may be using it)."""
    global PORT
    PORT = port


def create_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(
            f"CREATE DATABASE {DB} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        )
    subprocess.run([str(ROOT / ".venv/bin/gongkai"), "migrate", "-v0"], env=env(), check=True)


def title(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9)))


def load(items: int, agencies: int) -> list[str]:
    """Agencies and entries; returns the agencies' short codes (largest first)."""
    import psycopg

    from gongkai.catalogue.search import entry_texts

    rng = random.Random(2026)
    t0 = time.perf_counter()
    with psycopg.connect(URL) as conn:
        root_id = conn.execute(
            f"INSERT INTO agencies_agency ({', '.join(AGENCY_COLUMNS)}) "
            "VALUES ('基准省人民政府', 'bench-root', '', 'government', NULL, '/', "
            "'', '', '', '', '', '', '', '', '', now(), now()) RETURNING id"
        ).fetchone()[0]  # type: ignore[index]
        codes = [f"bench-{i:04d}" for i in range(agencies)]
        with conn.cursor().copy(f"COPY agencies_agency ({', '.join(AGENCY_COLUMNS)}) FROM STDIN") as copy:
            for i, code in enumerate(codes):
                copy.write_row(
                    (
                        f"基准机关{i:04d}",
                        code,
                        "",
                        "department",
                        root_id,
                        f"/{root_id}/",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "now",
                        "now",
                    )
                )
        ids: dict[str, int] = dict(
            conn.execute("SELECT short_code, id FROM agencies_agency WHERE parent_id = %s", [root_id])
        )
        categories = [row[0] for row in conn.execute("SELECT id FROM catalogue_category")]
        # Zipf-like sizes: a few agencies publish a lot, most a little.
        weights = [1 / (rank + 1) ** 0.8 for rank in range(agencies)]
        owners = rng.choices(codes, weights=weights, k=items)
        start = datetime.date(2019, 1, 1)
        with conn.cursor().copy(f"COPY catalogue_item ({', '.join(ITEM_COLUMNS)}) FROM STDIN") as copy:
            for n, code in enumerate(owners):
                name = title(rng)
                summary = "".join(rng.choice(WORDS) for _ in range(20))
                written = start + datetime.timedelta(days=rng.randrange(0, 2850))
                index_number = f"{code.upper()}/{written.year}-{n:07d}"
                publisher = f"基准机关{code[-4:]}"
                # The site's own function (indexing.texts_of calls it the same way for an entry).
                texts = entry_texts(
                    title=name,
                    doc_number="",
                    index_number=index_number,
                    summary=summary,
                    keywords="",
                    rest=[publisher, summary],
                )
                vector = " ".join(f"'{token}'" for token in texts.tokens.split())
                copy.write_row(
                    (
                        ids[code],
                        "information",
                        index_number,
                        name,
                        publisher,
                        "",
                        written,
                        written + datetime.timedelta(days=rng.randrange(0, 20)),
                        "other",
                        "",
                        rng.choice(categories),
                        rng.randint(1, 15),
                        "website",
                        summary,
                        "",
                        f"<p>{summary}</p>",
                        False,
                        "published",
                        "",
                        texts.text,
                        texts.head,
                        vector,
                        "now",
                        "now",
                        "",
                        "",
                        "",
                        "",
                    )
                )
                if n and n % 200_000 == 0:
                    print(f"  … {n:,} entries ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        conn.commit()
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"loaded {items:,} entries across {agencies:,} agencies in {time.perf_counter() - t0:.0f} s\n")
    return sorted(codes, key=lambda c: -weights[codes.index(c)])


def collect_static() -> None:
    """Production settings serve static files from their hashed names (``collectstatic``'s manifest): collect
    them into a folder of the benchmark's (``STATIC_ROOT``) unless one is given."""
    if not os.environ.get("STATIC_ROOT"):
        os.environ["STATIC_ROOT"] = str(Path(tempfile.gettempdir()) / "gongkai-bench-catalogue-static")
    subprocess.run(
        [str(ROOT / ".venv/bin/gongkai"), "collectstatic", "--noinput", "-v0"],
        env=env(),
        check=True,
        cwd=ROOT,
    )


def serve(workers: int) -> subprocess.Popen[bytes]:
    collect_static()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "gongkai.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env(),
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def hammer(
    urls: list[str], concurrency: int, seconds: float
) -> tuple[float, list[float], int, dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + 2 + seconds
    measure_from = time.perf_counter() + 2

    def worker(offset: int) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        i = offset
        mine: list[float] = []
        seen: dict[int, int] = {}
        while True:
            now = time.perf_counter()
            if now >= stop:
                break
            url = urls[i % len(urls)]
            i += 7
            try:
                connection.request("GET", url)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - now
                if now >= measure_from:
                    mine.append(elapsed)
                    seen[response.status] = seen.get(response.status, 0) + 1
            except (OSError, http.client.HTTPException):
                with lock:
                    errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / seconds, latencies, errors, statuses


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database if it is there")
    parser.add_argument("--load-only", action="store_true", help="load the database, measure nothing")
    parser.add_argument("--database", default=DB, help="the PostgreSQL database (default %(default)s)")
    parser.add_argument("--only", default="", help="only the scenarios whose name contains this text")
    parser.add_argument("--port", type=int, default=PORT, help="the server's port (default %(default)s)")
    args = parser.parse_args()
    use_database(args.database)
    use_port(args.port)
    os.environ.update({k: v for k, v in env().items() if k not in os.environ or k == "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    if args.keep:
        import psycopg

        subprocess.run([str(ROOT / ".venv/bin/gongkai"), "migrate", "-v0"], env=env(), check=True)
        with psycopg.connect(URL) as conn:
            codes = [
                r[0]
                for r in conn.execute(
                    "SELECT a.short_code FROM agencies_agency a JOIN catalogue_item i ON i.agency_id = a.id "
                    "GROUP BY a.short_code ORDER BY count(*) DESC"
                )
            ]
    else:
        create_database()
        codes = load(args.items, args.agencies)
        if args.load_only:
            return
    rng = random.Random(7)
    big, typical = codes[:20], codes[len(codes) // 2 : len(codes) // 2 + 200]
    q = urllib.parse.quote
    scenarios = [
        ("minimal Django page (/healthz/)", ["/healthz/"]),
        ("catalogue page, large agencies", [f"/gk/{c}/catalogue/" for c in big]),
        ("catalogue page, typical agencies", [f"/gk/{c}/catalogue/" for c in typical]),
        (
            "search 1 character, large agency",
            [f"/gk/{c}/catalogue/?q={q(rng.choice('政府信息公开预算规划'))}" for c in big],
        ),
        ("search 2 characters, large agency", [f"/gk/{c}/catalogue/?q={q(rng.choice(WORDS))}" for c in big]),
        (
            "search 4 characters, large agency",
            [f"/gk/{c}/catalogue/?q={q(rng.choice(WORDS) + rng.choice(WORDS))}" for c in big],
        ),
        ("site-wide search, API (2 characters)", [f"/gk/api/items/?q={q(w)}" for w in WORDS[:40]]),
        ("site-wide search page (2 characters)", [f"/gk/search/?q={q(w)}" for w in WORDS[:40]]),
    ]
    server = serve(args.workers)
    try:
        print(
            f"gunicorn {args.workers} workers, {args.concurrency} concurrent clients, "
            f"{args.seconds:.0f} s each\n"
        )
        print("| scenario | requests/s | p50 ms | p99 ms | max ms | statuses | errors |")
        print("|---|---:|---:|---:|---:|---|---:|")
        for name, urls in scenarios:
            if args.only and args.only not in name and not name.startswith("minimal"):
                continue
            rps, latencies, errors, statuses = hammer(urls, args.concurrency, args.seconds)
            latencies.sort()
            p50 = statistics.median(latencies) * 1000 if latencies else 0
            p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
            top = latencies[-1] * 1000 if latencies else 0
            shown = ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
            print(f"| {name} | {rps:.0f} | {p50:.0f} | {p99:.0f} | {top:.0f} | {shown} | {errors} |")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
