"""The import of an existing catalogue (issue 15): rows/second of ``gongkai catalogue import``.

Side by side, on the same machine and database, for ``--rows`` rows (default 2,000; one in ten with a PDF
attachment, one in a hundred with a 身份证 number that the scan holds as a draft):

* **check** — ``gongkai catalogue import --dry-run``: the .xlsx read in the limited child, every row checked
  and planned (nothing written);
* **import** — ``gongkai catalogue import --skip-invalid``: the job ``catalogue.import_sheet``, one step per
  row (entry, files with their text read by the catalogue's reader, privacy scan, event, audit, search
  index, import record), rows/second;
* **re-run** — the same command again: every row unchanged, nothing written;
* **baseline** — the same entries written one by one through ``services.create_draft`` (what the officer's
  "new entry" form does for each entry, without files, review or publication): the per-entry cost of the
  existing path.

Ratios are reported against the baseline. The database is a fresh SQLite file (default) or, with
``--postgres``, a fresh PostgreSQL database ``gongkai_bench_catimport`` on 127.0.0.1 (``BENCH_PG_URL``).

    .venv/bin/python benchmarks/bench_catalogue_import.py [--rows 2000] [--postgres]
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "gongkai_bench_catimport"


def setup(postgres: bool, folder: Path) -> None:
    if postgres:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            conn.execute(f"CREATE DATABASE {PG_DATABASE} ENCODING 'UTF8' TEMPLATE template0")
        url = f"{PG_SERVER}/{PG_DATABASE}"
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.update(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "benchmark-only-" + "x" * 40,
            "GONGKAI_DATA_KEYS": "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM=",
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def rows(count: int, prefix: str) -> list[list[str]]:
    from tests.catalogue.conftest import resident_id

    out = []
    for n in range(1, count + 1):
        written = datetime.date(2015, 1, 1) + datetime.timedelta(days=n % 3000)
        body = f"<p>第{n}号文件正文，现予公开。</p>" + (f"<p>{resident_id(n)}</p>" if n % 100 == 50 else "")
        out.append(
            [
                f"{prefix}/{written.year}-{n:05d}",
                f"示范县财政局关于第{n}项工作的通知",
                "示范县财政局",
                f"示财〔{written.year}〕{n}号",
                written.isoformat(),
                (written + datetime.timedelta(days=2)).isoformat(),
                "",
                "",
                "现行有效",
                "综合政务",
                "1",
                "财政",
                f"第{n}号通知的内容概述。",
                body,
                f"附件{n}.pdf" if n % 10 == 0 else "",
            ]
        )
    return out


def run(*args: str) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    try:
        call_command("catalogue", *args, stdout=io.StringIO(), stderr=io.StringIO())
    except SystemExit as exc:
        if exc.code not in (0, 1, None):
            raise
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        setup(options.postgres, folder)
        from gongkai.agencies.models import AgencyKind
        from gongkai.agencies.services import create_agency
        from gongkai.catalogue import services
        from gongkai.catalogue.content import EDITABLE_FIELDS
        from gongkai.catalogue.imports import rows as row_rules
        from gongkai.catalogue.models import Category, Item
        from tests.catalogue.conftest import pdf_bytes
        from tests.catalogue.test_import import write_xlsx

        agency = create_agency(
            actor=None, name="示范县财政局", short_code="bench", kind=AgencyKind.DEPARTMENT
        )
        other = create_agency(actor=None, name="示范县基准局", short_code="base", kind=AgencyKind.DEPARTMENT)
        data = rows(options.rows, "000014349")
        book = folder / "目录.xlsx"
        write_xlsx(book, data)
        files = folder / "files"
        files.mkdir()
        for n in range(10, options.rows + 1, 10):
            (files / f"附件{n}.pdf").write_bytes(pdf_bytes(f"Attachment {n}"))
        base = ["import", str(book), "--agency", "bench", "--files", str(files)]
        check = run(*base, "--dry-run")
        imported = run(*base, "--skip-invalid")
        assert Item.objects.filter(agency=agency).count() == options.rows, "every row imported"
        rerun = run(*base, "--skip-invalid")

        from django.contrib.auth.models import User

        root = User.objects.create_superuser("bench-root", password=None)
        category = Category.objects.get(name="综合政务")
        checker = row_rules.Checker(other)
        started = time.perf_counter()
        for n, cells in enumerate(data, start=2):
            row = checker.check(n, "", dict(zip(row_rules.COLUMNS, cells, strict=True)))
            fields = {k: v for k, v in row.data.items() if k in EDITABLE_FIELDS}
            services.create_draft(actor=root, agency=other, data={**fields, "category": category})
        baseline = time.perf_counter() - started

    n = options.rows
    database = "PostgreSQL" if options.postgres else "SQLite"
    print(f"rows: {n} ({n // 10} with a PDF attachment), database: {database}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    report: list[tuple[str, float]] = [
        ("check (--dry-run)", check),
        ("import (--skip-invalid)", imported),
        ("re-run (all unchanged)", rerun),
        ("baseline: create_draft per entry", baseline),
    ]
    for label, seconds in report:
        ratio = baseline / seconds
        print(f"  {label:<34} {seconds:7.1f} s  {n / seconds:8.1f} rows/s  ×{ratio:.2f} of the baseline")


if __name__ == "__main__":
    main()
