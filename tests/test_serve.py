"""`gongkai serve`: the production server (gunicorn, several workers, static files by whitenoise) started as
a deployment starts it — production settings, a migrated database, `collectstatic` — answering pages, hashed
static files cached for good, a document read by a worker's own fork server, and stopping cleanly."""

from __future__ import annotations

import contextlib
import gc
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from gongkai import cli
from gongkai.core import sealing, serving

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "tests" / "fixtures" / "reports" / "004_pingtan-2021.txt"


def production_env(tmp: Path) -> dict[str, str]:
    """DEBUG off, the keys a deployment must set, behind a TLS proxy that redirects plain HTTP (as
    docs/deployment.md), a database and STATIC_ROOT of the test's own; this checkout's code first on the path
    (the `gongkai` script may belong to another checkout)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GONGKAI_", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_", "DJANGO_"))
        and key not in ("DEBUG", "STATIC_ROOT", "PYTHONPATH")
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        GONGKAI_DATA_KEYS=f"k1:{sealing.new_key()}",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        PYTHONPATH=str(REPO),
        LOG_LEVEL="WARNING",
        GONGKAI_BEHIND_TLS_PROXY="true",
        GONGKAI_SSL_REDIRECT="true",
    )
    return env


def gongkai(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    workers_at_start: set[int]

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, headers=headers)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        proxied: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        """The request as nginx passes it on (X-Forwarded-Proto: https) unless ``proxied`` is false."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"X-Forwarded-Proto": "https"} if proxied else {}
        try:
            connection.request(method, path, body=body, headers={**sent, **(headers or {})})
            response = connection.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            connection.close()


@contextlib.contextmanager
def serving_site(tmp: Path) -> Iterator[Server]:
    env = production_env(tmp)
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = gongkai(*command, env=env, cwd=tmp)
        assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    log = (tmp / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gongkai.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, (tmp / "serve.log").read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "gongkai serve did not listen in 60 s"
            time.sleep(0.2)
    # The master forks its workers right after it listens.
    while len(children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        yield Server(process, port, children(process.pid))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.own_database
def test_gongkai_serve_in_production(tmp_path: Path) -> None:
    """One server for the checks below, in this order (the last stops it)."""
    with serving_site(tmp_path) as server:
        two_workers_answer_pages(server)
        static_files_have_hashed_names_and_are_cached_for_good(server)
        a_worker_reads_a_document_in_its_own_fork_server(server)
        the_server_stops_cleanly(server)


def two_workers_answer_pages(server: Server) -> None:
    assert len(server.workers_at_start) == 2
    status, headers, body = server.get("/healthz/")
    assert (status, body) == (200, b"ok")
    status, headers, body = server.get("/")
    assert status == 200, body[:2000]
    # The page keeps its strict policy (whitenoise comes before the CSP middleware, pages pass through it).
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    # The proxy's X-Forwarded-Proto reaches Django through gunicorn: HTTPS is recognised (HSTS sent), and a
    # request that did not come through TLS is redirected to it.
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    status, headers, _ = server.request("GET", "/gk/", proxied=False)
    assert status == 301 and headers["location"] == f"https://127.0.0.1:{server.port}/gk/"
    # … except the health check, which a load balancer sends to a web host directly.
    assert server.request("GET", "/healthz/", proxied=False)[0] == 200


def static_files_have_hashed_names_and_are_cached_for_good(server: Server) -> None:
    status, _, body = server.get("/")
    css = re.search(r'href="(/static/gongkai/site\.[0-9a-f]{12}\.css)"', body.decode())
    assert css, "the page does not link the hashed style sheet"
    status, headers, plain = server.get(css.group(1))
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    cache = headers["cache-control"]
    assert "immutable" in cache and "public" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 31_536_000  # type: ignore[union-attr]
    # Static responses skip the CSP middleware: they carry the files' sandboxing policy.
    assert headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert headers["x-content-type-options"] == "nosniff"
    assert "Accept-Encoding" in headers["vary"]
    for encoding in ("br", "gzip"):
        status, headers, packed = server.get(css.group(1), {"Accept-Encoding": encoding})
        assert status == 200 and headers["content-encoding"] == encoding
        assert len(packed) < len(plain)
    # The unhashed name is still served, but only briefly cached (it changes with each release).
    status, headers, _ = server.get("/static/gongkai/site.css")
    assert status == 200 and "immutable" not in headers["cache-control"]
    status, _, _ = server.get("/static/gongkai/no-such-file.css")
    assert status == 404


def a_worker_reads_a_document_in_its_own_fork_server(server: Server) -> None:
    """The application is preloaded in the master; the documents' fork server must still work in a worker
    (the master never starts one). The public checker reads the pasted text in a limited child."""
    status, headers, page = server.get("/check/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    cookie = re.search(r"csrftoken=([^;]+)", headers["set-cookie"])
    assert token and cookie
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "text": REPORT.read_text(encoding="utf-8")}
    ).encode()
    status, _, result = server.request(
        "POST",
        "/check/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie.group(1)}",
            # Over HTTPS the CSRF check wants the page's own origin.
            "Origin": f"https://127.0.0.1:{server.port}",
        },
    )
    text = result.decode()
    assert status == 200, text[:3000]
    assert "检查结果" in text
    assert "过于复杂" not in text and "程序出错" not in text


def the_server_stops_cleanly(server: Server) -> None:
    """SIGTERM (systemd's stop) ends the workers and the master with status 0."""
    workers = children(server.process.pid)
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=60) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


@pytest.mark.own_database
def test_serve_refuses_to_start_without_collected_static_files(tmp_path: Path) -> None:
    result = gongkai(
        "serve", "--bind", f"127.0.0.1:{free_port()}", env=production_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode != 0
    assert "gongkai collectstatic --noinput" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.own_database
def test_serve_refuses_clearly_when_settings_are_incomplete(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["GONGKAI_DATA_KEYS"]
    result = gongkai("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "GONGKAI_DATA_KEYS" in result.stderr and "settings incomplete" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.own_database
@pytest.mark.parametrize("bad", ["8000", "localhost:", "127.0.0.1:99999", ":80"])
def test_serve_refuses_a_bad_bind_address(tmp_path: Path, bad: str) -> None:
    result = gongkai("serve", "--bind", bad, env=production_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "主机:端口" in result.stderr


def test_default_workers_follow_the_cores_within_bounds() -> None:
    assert serving.default_workers(1) == 3
    assert serving.default_workers(2) == 5
    assert serving.default_workers(4) == 9
    assert serving.default_workers(64) == serving.MAX_DEFAULT_WORKERS


def test_forwarded_headers_are_believed_only_behind_a_declared_proxy() -> None:
    assert serving.forwarded_allow_ips(behind_proxy=True) == "*"
    assert serving.forwarded_allow_ips(behind_proxy=False) == ""


@pytest.mark.processes
def test_the_site_is_loaded_whole_and_frozen_out_of_the_collectors_sight() -> None:
    """Importing ``gongkai.wsgi`` (a preloading server's master does, before forking) loads what a worker's
    first requests would — the URLconf and the views it imports, the templates, both languages' catalogues —
    and leaves it all in the permanent generation: a full collection in a worker walks only what the worker
    made since, not the ~170,000 objects of the loaded site (docs/benchmarks.md, "The warm tail")."""
    script = """
import gc, sys
before = gc.get_freeze_count()
from gongkai import wsgi
from django.template import engines
from django.utils.translation import trans_real
loader = engines["django"].engine.template_loaders[0]
print(before, gc.get_freeze_count(), len(gc.get_objects()))
print("gongkai.catalogue.views_public" in sys.modules, len(loader.get_template_cache))
print(sorted(trans_real._translations))
"""
    env = {**os.environ, "SECRET_KEY": "x" * 50, "GONGKAI_DEBUG": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    counts, loaded, languages = done.stdout.splitlines()
    before, frozen, tracked = (int(value) for value in counts.split())
    assert before == 0
    assert frozen > 100_000  # Django, the project, their libraries, the compiled templates
    assert tracked < frozen / 20  # what a collection still walks
    views, templates = loaded.split()
    assert views == "True"
    assert int(templates) > 100  # the project's templates, compiled
    assert "en" in languages and "zh-hans" in languages


def test_serve_freezes_the_loaded_site_before_each_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """``gongkai serve``'s master freezes what it has loaded before forking a worker (and closes its
    database connections first); a master that started the documents' fork server is halted."""
    from gongkai.core.management.commands import serve

    closed: list[bool] = []
    halted: list[str] = []
    server = SimpleNamespace(halt=lambda reason, code: halted.append(reason))
    monkeypatch.setattr(serve, "connections", SimpleNamespace(close_all=lambda: closed.append(True)))
    # This process may have read a document already (the fork server started): the master's check apart.
    monkeypatch.setattr(serving, "master_is_clean", lambda: True)
    made_since = [{"object": index} for index in range(1_000)]  # tracked, not yet frozen
    before = gc.get_freeze_count()
    try:
        serve._pre_fork(server=server, worker=None)
        assert closed == [True] and halted == []
        assert gc.get_freeze_count() >= before + len(made_since)
        assert not any(item is made_since[0] for item in gc.get_objects())
    finally:
        gc.unfreeze()
    monkeypatch.setattr(serving, "master_is_clean", lambda: False)
    serve._pre_fork(server=server, worker=None)
    gc.unfreeze()
    assert len(halted) == 1 and "fork server" in halted[0]


def test_the_demo_starts_a_worker_when_there_is_one_and_stops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """`gongkai demo` probes `gongkai worker --help`, runs `gongkai worker` beside the server and stops it
    with the server (here a stand-in program answers for `gongkai`)."""
    stand_in = "import sys, time; sys.exit(0) if '--help' in sys.argv else time.sleep(120)"
    monkeypatch.setattr(cli, "_gongkai", lambda *args: [sys.executable, "-c", stand_in, *args])
    worker = cli.start_demo_worker()
    assert worker is not None and worker.poll() is None
    assert isinstance(worker.args, list) and worker.args[-1] == "worker"
    cli.stop_demo_worker(worker, grace=10)
    assert worker.returncode == -signal.SIGTERM


def test_the_demo_runs_without_a_worker_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        cli, "_gongkai", lambda *args: [sys.executable, "-c", "import sys; sys.exit(1)", *args]
    )
    assert cli.start_demo_worker() is None
    cli.stop_demo_worker(None)  # nothing to stop


def test_serve_answers_cached_pages_before_django() -> None:
    """What gunicorn loads is ``gongkai.wsgi:application``'s equivalent: Django's application with the page
    cache's hits answered before it (the wrapper active under these settings)."""
    from gongkai.core.management.commands.serve import _Server
    from gongkai.core.pagehits import PageHits

    application = _Server.load(object.__new__(_Server))
    assert isinstance(application, PageHits) and application.active
