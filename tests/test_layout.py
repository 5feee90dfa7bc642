"""The layout of docs/deployment.md, run for real: two web servers (`gongkai serve`) and two workers
(`gongkai worker`) on one PostgreSQL database, the files in an S3-compatible object store (moto in server
mode), serving the demo; then `gongkai backup` and `gongkai restore` into an empty database and another
bucket give the same rows and the same files. Needs PostgreSQL: it runs in the suite's PostgreSQL run."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from gongkai.core import sealing
from tests.test_serve import free_port

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parent.parent
boto3 = importlib.import_module("boto3")  # no type stubs: used as Any


def _postgres_base() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the layout runs on PostgreSQL (the suite's PostgreSQL run covers it)")
    return url.rpartition("/")[0]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Two empty databases, two buckets on a local S3 server, and the environment of each side."""
    import psycopg

    base = _postgres_base()
    names = [f"gk_layout_{uuid.uuid4().hex[:8]}", f"gk_restored_{uuid.uuid4().hex[:8]}"]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    buckets = ["gongkai-site", "gongkai-restored"]
    for bucket in buckets:
        client.create_bucket(Bucket=bucket)
    keys = f"k1:{sealing.new_key()}"

    def env(database: str, bucket: str, **extra: str) -> dict[str, str]:
        values = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GONGKAI_", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_"))
            and k not in ("DEBUG", "STATIC_ROOT", "PYTHONPATH")
        }
        values.update(
            SECRET_KEY="layout-test-secret-key-" + "x" * 40,
            GONGKAI_DATA_KEYS=keys,
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=f"{base}/{database}",
            STATIC_ROOT=str(tmp_path / "static"),
            PYTHONPATH=str(REPO),
            LOG_LEVEL="WARNING",
            GONGKAI_TASKS_BACKEND="database",
            GONGKAI_JOB_HEARTBEAT_SECONDS="1",
            GONGKAI_FILE_STORAGE="s3",
            GONGKAI_S3_BUCKET=bucket,
            GONGKAI_S3_ENDPOINT_URL=endpoint,
            GONGKAI_S3_REGION="us-east-1",
            GONGKAI_S3_ACCESS_KEY_ID="testing",
            GONGKAI_S3_SECRET_ACCESS_KEY="testing",
            **extra,
        )
        return values

    try:
        yield {
            "site": env(names[0], buckets[0]),
            "restored": env(names[1], buckets[1]),
            "query": lambda database, sql: _query(f"{base}/{database}", sql),
            "databases": names,
            "client": client,
            "buckets": buckets,
        }
    finally:
        server.stop()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchall()


def gongkai(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"gongkai {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done.stdout


def _wait(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a local test server
        return int(response.status), response.read()


FIND = """
import hashlib, json
from django.urls import reverse
from gongkai.catalogue.models import Attachment
a = (Attachment.objects.filter(item__status="published", item__agency__isnull=False)
     .select_related("item__agency").order_by("pk").first())
print(json.dumps({"url": reverse("catalogue_public:attachment",
                                 args=[a.item.agency.short_code, a.item.pk, a.pk]),
                  "sha256": hashlib.sha256(a.read_bytes()).hexdigest()}))
"""


def test_two_web_servers_and_two_workers_on_postgresql_with_files_in_s3(world: dict[str, Any]) -> None:
    site = world["site"]
    gongkai(site, "migrate", "-v", "0")
    gongkai({**site, "GONGKAI_DEBUG": "true"}, "seed-demo", "--quiet-login")
    gongkai(site, "collectstatic", "--noinput", "-v", "0")
    client, bucket = world["client"], world["buckets"][0]
    objects = client.list_objects_v2(Bucket=bucket).get("KeyCount", 0)
    assert objects > 0  # the demo's attachments and letters are in the bucket, not in the database:
    assert world["query"](world["databases"][0], "SELECT COUNT(*) FROM core_storedfile")[0][0] == 0
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gongkai.cli", "serve", "--bind", f"127.0.0.1:{p}", "--workers", "1"],
            env=site,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for p in ports
    ] + [
        subprocess.Popen(
            [sys.executable, "-m", "gongkai.cli", "worker", "--interval", "0.3"],
            env=site,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        for p in ports:
            healthz = f"http://127.0.0.1:{p}/healthz/"
            _wait(lambda url=healthz: _get(url)[0] == 200, 60, f"the server on {p}")  # type: ignore[misc]
        found = json.loads(gongkai(site, "shell", "-c", FIND).strip().splitlines()[-1])
        for p in ports:  # each web server reads the same file from the object store
            status, body = _get(f"http://127.0.0.1:{p}{found['url']}")
            assert status == 200 and hashlib.sha256(body).hexdigest() == found["sha256"]
            assert _get(f"http://127.0.0.1:{p}/gk/")[0] == 200
        # Four jobs for the two workers: each done once.
        gongkai(
            site,
            "shell",
            "-c",
            "from gongkai.jobs import services\n"
            "for _ in range(4):\n"
            "    services.start('jobs.probe', actor=None, params={'steps': 2, 'seconds': 0.2})",
        )
        done = "SELECT COUNT(*) FROM jobs_job WHERE kind = 'jobs.probe' AND status = 'succeeded'"
        _wait(lambda: world["query"](world["databases"][0], done)[0][0] == 4, 120, "four jobs")
        probes = "SELECT attempts FROM jobs_job WHERE kind = 'jobs.probe'"
        attempts = world["query"](world["databases"][0], probes)
        assert [a for (a,) in attempts] == [1, 1, 1, 1]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    # Backup, then restore into an empty database and another bucket: the same rows and the same files.
    archive = Path(site["STATIC_ROOT"]).parent / "site.tar"
    gongkai(site, "backup", str(archive))
    gongkai(world["restored"], "restore", str(archive))
    before, after = world["databases"]
    tables = [
        t
        for (t,) in world["query"](
            before, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        # The backup and the restore each add an audit event (and move the chain's head) on their side;
        # the caches and the page version are each site's own (not in the backup).
        if t
        not in (
            "django_migrations",
            "gongkai_cache",
            "gongkai_page_cache",
            "gongkai_queue_cache",
            "core_storedpage",
            "core_pageversion",
            "django_session",
            "core_auditchainhead",
        )
        and t != "core_auditevent"
    ]
    for table in tables:
        count = f'SELECT COUNT(*) FROM "{table}"'
        assert world["query"](after, count) == world["query"](before, count), table
    audit = (
        "SELECT id, action, created_at, hash FROM core_auditevent"
        " WHERE action NOT IN ('backup.created', 'backup.restored') ORDER BY id"
    )
    assert world["query"](after, audit) == world["query"](before, audit)

    def files(bucket: str) -> dict[str, str]:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        read = client.get_object
        return {
            o["Key"]: hashlib.sha256(read(Bucket=bucket, Key=o["Key"])["Body"].read()).hexdigest()
            for o in listed
        }

    assert files(world["buckets"][1]) == files(world["buckets"][0])
    gongkai(world["restored"], "audit", "verify")
