"""The monitoring of published reports (年报监测) against the local column site: agencies per minute of one
monitoring run (one job, fetching each agency's column politely, downloading and checking its report),
with the production politeness (one request per second per host) side by side with no waiting at all
(the floor: what fetching, finding and checking cost), one agency at a time and several at once (the job's
``GONGKAI_MONITOR_CONCURRENCY``), in one run on the same agencies.

    .venv/bin/python benchmarks/bench_monitoring.py [--agencies 60] [--interval 1.0] [--concurrency 4] \\
        [--passes floor1,polite1,politeN,floorN]

Each agency has its own host name (``<slug>.test``), as on the real web; their columns cycle through an HTML
report, a PDF, a Word file, a report on page 2 and no report (tests/support/column_site.py). The figures and
what they mean for 2,000 agencies are in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from gongkai.documents.fetch import Fetcher, user_agent  # noqa: E402
from gongkai.monitoring import engine, services  # noqa: E402
from tests.support.column_site import ColumnSite  # noqa: E402


def run(site: ColumnSite, slugs: list[str], interval: float, width: int = 1) -> dict[str, float]:
    """One monitoring run as the job does it: ``width`` agencies fetched and read at once (threads sharing
    one polite fetcher), each report checked."""
    slept = 0.0
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        nonlocal slept
        with lock:
            slept += seconds
        time.sleep(seconds)

    fetcher = Fetcher(
        user_agent=user_agent("https://bench.example"),
        min_interval=interval,
        timeout=10,
        retries=0,
        allow_private=True,
        resolve=site.resolve,
        sleep=sleep,
    )

    def visit(slug: str) -> tuple[str, bool]:
        result = engine.monitor_column(fetcher, site.agency(slug).column_url, site.year)
        # What the job does with it: the report read and checked in the limited child.
        checked = services.check_report(result)
        return result.status, checked is not None and "unreadable" not in checked

    statuses: Counter[str] = Counter()
    checked = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=width) as pool:
        for status, was_checked in pool.map(visit, slugs):
            statuses[status] += 1
            checked += was_checked
    elapsed = time.perf_counter() - started
    print(f"    statuses: {dict(statuses)}; reports checked: {checked}")
    return {"seconds": elapsed, "slept": slept, "per_minute": len(slugs) * 60 / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=4, help="agencies at once (the job's default: 4)")
    parser.add_argument(
        "--passes",
        default="floor1,polite1,politeN,floorN",
        help="which passes, in this order (floor: no waiting; N: --concurrency at once); at 2,000 agencies "
        "the one-at-a-time passes take an hour or more: --passes politeN,floorN",
    )
    args = parser.parse_args()
    known = {
        "floor1": ("no waiting, 1 at a time", 0.0, 1),
        "polite1": ("polite, 1 at a time", args.interval, 1),
        "politeN": (f"polite, {args.concurrency} at a time", args.interval, args.concurrency),
        "floorN": (f"no waiting, {args.concurrency} at a time", 0.0, args.concurrency),
    }
    chosen = [name.strip() for name in args.passes.split(",") if name.strip()]
    if not chosen or any(name not in known for name in chosen):
        parser.error(f"--passes: choose from {', '.join(known)}")
    rows: list[tuple[str, dict[str, float]]] = []
    with ColumnSite(year=2025, extra_agencies=args.agencies, agency_hosts=True) as site:
        slugs = [f"x{i}" for i in range(1, args.agencies + 1)]
        run(site, slugs[:5], 0.0)  # warm-up: renders the reports once, starts the fork server
        passes = [known[name] for name in chosen]
        print(f"{args.agencies} agencies, one host each; one monitoring run (one worker)")
        for label, interval, width in passes:
            site.reset()
            print(f"  {label}:")
            rows.append((label, run(site, slugs, interval, width)))
    print()
    print(f"{'':28}{'seconds':>10}{'agencies/min':>15}{'of which waiting':>18}")
    for label, figures in rows:
        print(f"{label:28}{figures['seconds']:10.1f}{figures['per_minute']:15.1f}{figures['slept']:17.1f}s")
    first_label, first = rows[0]
    for label, figures in rows:
        minutes = figures["seconds"] / args.agencies * 2000 / 60
        print(
            f"{label}: {figures['seconds'] / first['seconds']:.2f}x the first pass ({first_label});"
            f" 2,000 agencies ≈ {minutes:.0f} min"
        )


if __name__ == "__main__":
    main()
