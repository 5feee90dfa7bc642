"""The monitoring of published reports (年报监测) against the local column site: agencies per minute of one
monitoring run (one job, fetching each agency's column politely, downloading and checking its report),
with the production politeness (one request per second per host) side by side with no waiting at all
(the floor: what fetching, finding and checking cost), in one run on the same agencies.

    .venv/bin/python benchmarks/bench_monitoring.py [--agencies 60] [--interval 1.0]

Each agency has its own host name (``<slug>.test``), as on the real web; their columns cycle through an HTML
report, a PDF, a Word file, a report on page 2 and no report (tests/support/column_site.py). The figures and
what they mean for 2,000 agencies are in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from gongkai.checker import pipeline  # noqa: E402
from gongkai.checker.source import UnreadableFile  # noqa: E402
from gongkai.documents.fetch import Fetcher, user_agent  # noqa: E402
from gongkai.monitoring import engine  # noqa: E402
from tests.support.column_site import ColumnSite  # noqa: E402


def run(site: ColumnSite, slugs: list[str], interval: float) -> dict[str, float]:
    slept = 0.0

    def sleep(seconds: float) -> None:
        nonlocal slept
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
    statuses: Counter[str] = Counter()
    checked = 0
    started = time.perf_counter()
    for slug in slugs:
        result = engine.monitor_column(fetcher, site.agency(slug).column_url, site.year)
        statuses[result.status] += 1
        if result.report is not None:
            try:
                pipeline.check_bytes(result.report.body, engine.filename_for(result.report))
                checked += 1
            except UnreadableFile:
                pass
    elapsed = time.perf_counter() - started
    print(f"    statuses: {dict(statuses)}; reports checked: {checked}")
    return {"seconds": elapsed, "slept": slept, "per_minute": len(slugs) * 60 / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()
    with ColumnSite(year=2025, extra_agencies=args.agencies, agency_hosts=True) as site:
        slugs = [f"x{i}" for i in range(1, args.agencies + 1)]
        run(site, slugs[:5], 0.0)  # warm-up: renders the reports once, starts the fork server
        site.reset()
        print(f"{args.agencies} agencies, one host each; one monitoring run (one worker)")
        print("  no waiting (floor):")
        floor = run(site, slugs, 0.0)
        site.reset()
        print(f"  polite ({args.interval:g} s between two requests to a host):")
        polite = run(site, slugs, args.interval)
    print()
    print(f"{'':24}{'seconds':>10}{'agencies/min':>15}{'of which waiting':>18}")
    for label, figures in (("no waiting", floor), ("polite", polite)):
        print(
            f"{label:24}{figures['seconds']:10.1f}{figures['per_minute']:15.1f}"
            f"{figures['slept']:17.1f}s"
        )
    ratio = polite["seconds"] / floor["seconds"]
    per_agency = polite["seconds"] / args.agencies
    print(f"\npolite / floor: {ratio:.1f}x; 2,000 agencies in one run ≈ {per_agency * 2000 / 60:.0f} min")


if __name__ == "__main__":
    main()
