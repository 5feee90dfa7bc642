"""Shared fixtures: a small agency tree built through the services, and named people.

Tree (short codes)::

    city                      人民政府
    ├── county-a              人民政府
    │   ├── county-a-finance  政府部门
    │   ├── town-a1           乡镇街道
    │   │   └── town-a1-office  其他
    │   └── town-a2           乡镇街道
    └── county-b              人民政府
        └── town-b1           乡镇街道
"""

from __future__ import annotations

import datetime
import hashlib
import os
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import time_machine
from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate
from django.utils import translation

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.agencies.services import create_agency
from tests.support import migrated, test_database

#: ``GONGKAI_TEST_TODAY=YYYY-MM-DD`` runs the whole suite as if the real clock said that day (10:00 in
#: Beijing, ticking). Tests must pass on any day: this is how we prove it (see docs/testing.md).
TEST_TODAY_VARIABLE = "GONGKAI_TEST_TODAY"


def shifted_today() -> datetime.datetime | None:
    value = os.environ.get(TEST_TODAY_VARIABLE, "").strip()
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise pytest.UsageError(f"{TEST_TODAY_VARIABLE}={value!r} is not a date (YYYY-MM-DD)") from exc
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


_traveller: time_machine.travel | None = None


def _ordered_as_a_database_test(item: pytest.Item) -> bool:
    """What pytest-django's ordering counts as a database test (the ``django_db`` mark, or ``db``,
    ``transactional_db`` or ``live_server`` among the fixtures)."""
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(
        names & {"db", "transactional_db", "live_server"}
    )


class _ProcessesFirst:
    """Among the tests that do not use the test database (pytest-django runs them last, after the
    ``transaction=True`` ones), those marked ``processes`` first. They are the run's heaviest (the served
    site, the commands, the fuzzers, the real workers: minutes of one core together), and in file order they
    came in the run's last few hundred tests, where one of them could keep one xdist worker busy while the
    other had nothing left. Moved ahead of the ~3,700 quick tests of that group, the other worker takes the
    quick ones meanwhile. Only tests that never touch the test database change places, among themselves:
    the order pytest-django needs (the database tests first, the flushing ones after them) is kept."""

    @pytest.hookimpl(trylast=True)  # after pytest-django's own ordering and ``-m``'s selection
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        last = max((i for i, item in enumerate(items) if _ordered_as_a_database_test(item)), default=-1)
        tail = items[last + 1 :]
        tail.sort(key=lambda item: item.get_closest_marker("processes") is None)  # stable
        items[last + 1 :] = tail


def pytest_configure(config: pytest.Config) -> None:
    """Move the clock before the tests are even collected, as a shifted system clock would."""
    config.pluginmanager.register(_ProcessesFirst(), "gongkai-processes-first")
    global _traveller
    destination = shifted_today()
    if destination is not None:
        _traveller = time_machine.travel(destination, tick=True)
        _traveller.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _traveller is not None:
        _traveller.stop()


@pytest.fixture(scope="session")
def django_db_setup(  # noqa: PLR0913 - pytest-django's own fixture's arguments, and the run's temporary directory
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """pytest-django's test database, migrated once per xdist run and copied for each worker
    (tests/support/test_database.py); otherwise pytest-django's own setup, unchanged."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    if (
        worker
        and django_db_use_migrations
        and not keepdb
        and not serialized_aliases
        and aliases == {DEFAULT_DB_ALIAS}
    ):
        with django_db_blocker.unblock():
            made = test_database.set_up(
                tmp_path_factory.getbasetemp().parent, worker, verbosity=max(verbosity, 0)
            )
        yield
        with django_db_blocker.unblock():
            test_database.tear_down(*made)
        return
    if not django_db_use_migrations:
        _disable_migrations()
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=verbosity,
            interactive=False,
            keepdb=keepdb,
            aliases=cast(Any, aliases),  # a set, as Django's own runner passes (the stubs say a mapping)
            serialized_aliases=serialized_aliases,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In an xdist run's controller: drop the template its workers' test databases were copied from."""
    config = session.config
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or factory._basetemp is None:  # no temporary directory: no worker made a template
        return
    from pytest_django.plugin import blocking_manager_key

    if blocking_manager_key not in config.stash:
        return
    with config.stash[blocking_manager_key].unblock():
        test_database.drop_template(factory.getbasetemp())


def travels(function: Any) -> bool:
    """Whether ``function`` is wrapped by ``time_machine.travel`` used as a decorator (under any other
    decorators): it runs from start to end at a day of its own, which a moved clock does not reach."""
    for _ in range(20):  # a chain of wrappers, each naming the next in ``__wrapped__``
        code = getattr(function, "__code__", None)
        if code is not None and os.sep + "time_machine" + os.sep in code.co_filename:
            return True
        function = getattr(function, "__wrapped__", None)
        if function is None:
            return False
    return False


#: ``GONGKAI_TEST_SHARD=I/N`` runs only the tests whose share is I of N (0 ≤ I < N): ``./dev test-dates``
#: runs each test at one of its days (see docs/testing.md).
SHARD_VARIABLE = "GONGKAI_TEST_SHARD"


def shard() -> tuple[int, int] | None:
    value = os.environ.get(SHARD_VARIABLE, "").strip()
    if not value:
        return None
    index, _, count = value.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        i, n = -1, 0
    if not 0 <= i < n:
        raise pytest.UsageError(f"{SHARD_VARIABLE}={value!r}: write I/N with 0 <= I < N (e.g. 0/2)")
    return i, n


def share_of(nodeid: str, count: int) -> int:
    """Which of ``count`` shares a test is in: from its id, the same in every process."""
    return int(hashlib.sha256(nodeid.encode()).hexdigest(), 16) % count


#: Fixtures that give a test the run's database.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "django_db_setup",
    }
)


def uses_the_test_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(names & DATABASE_FIXTURES)


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that travel the whole clock to a day of their own are marked ``clock_pinned``: the runs with the
    clock moved (``./dev test-dates``) leave them out, as they would only repeat the plain run. A test marked
    ``own_database`` (left out of CI's PostgreSQL run) may not use the run's database. With
    ``GONGKAI_TEST_SHARD``, only the tests of that share are kept."""
    for item in items:
        if travels(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.clock_pinned)
        if item.get_closest_marker("own_database") and uses_the_test_database(item):
            raise pytest.UsageError(
                f"{item.nodeid} is marked own_database but uses the test database: CI's PostgreSQL run would "
                "leave it out (remove the mark)"
            )
    chosen = shard()
    if chosen is not None:
        index, count = chosen
        kept: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            (kept if share_of(item.nodeid, count) == index else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    destination = shifted_today()
    return f"clock shifted to {destination.isoformat()} ({TEST_TODAY_VARIABLE})" if destination else None


def _empty_database_caches(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """The database caches emptied with the database. A ``transaction=True`` test ends with a flush (which
    sends ``post_migrate``) that empties the models' tables but not the caches' (not models): the page
    version started again from nothing while the pages cached under its old numbers stayed, and a later
    test was served an earlier test's page at its own version N (test_page_cache.py's concurrent readers,
    flaky under xdist, depending on which tests ran before it on the same worker)."""
    tables = set(connections[using].introspection.table_names())
    for alias, cache in settings.CACHES.items():
        if cache["BACKEND"].endswith(".DatabaseCache") and cache["LOCATION"] in tables:
            caches[alias].clear()


@pytest.fixture(scope="session", autouse=True)
def _caches_emptied_with_the_database() -> None:
    post_migrate.connect(
        _empty_database_caches, sender=apps.get_app_config("core"), dispatch_uid="tests.empty_caches"
    )


@pytest.fixture(autouse=True)
def _queue_version_at_each_write(request: pytest.FixtureRequest) -> None:
    """On PostgreSQL the officer queue's version is incremented at ``COMMIT`` (deferred triggers, D52). A
    test's transaction is rolled back, never committed: in it the version is incremented at each write, as
    each write's own committed transaction would. ``transaction=True`` tests commit, and keep the real
    behaviour."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        transactional = bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))
    else:
        transactional = False
    if transactional or "transactional_db" in names or "live_server" in names:
        return
    if marker is not None:
        request.getfixturevalue("_django_db_helper")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    from gongkai.applications import queue_triggers

    quote = connection.ops.quote_name
    constraints = ", ".join(quote(name) for name in queue_triggers.deferred_names(apps.get_model))
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {constraints} IMMEDIATE")
        cursor.execute("SELECT set_config(%s, 'on', true)", [queue_triggers.EACH])


@pytest.fixture(autouse=True)
def _account_rules_off(settings: Any) -> None:
    """The account rules of production, off for the tests of other things (tests/accounts sets them):

    * ``GONGKAI_REQUIRE_2FA`` is on when DEBUG is off, as in the tests, and ~50 tests log in with
      ``force_login`` without a second factor;
    * the idle timeout (30 minutes) and the 12-hour session would log out the people of tests that move the
      site's clock by days between two requests (Django's 14-day session age is kept for them).
    """
    settings.GONGKAI_REQUIRE_2FA = False
    settings.GONGKAI_SESSION_IDLE_MINUTES = 0
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    """LocaleMiddleware leaves the last request's language active in the thread; reset it."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's migrated, empty SQLite database (tests/support/migrated.py): migrated once, in a process of
    its own, for all the run's xdist workers (their base directories are side by side in the run's)."""
    base = tmp_path_factory.getbasetemp()
    return migrated.migrate_once(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)


@pytest.fixture
def migrated_sqlite(migrated_template: Path, tmp_path: Path) -> Path:
    """A file of the test's own: a migrated, empty SQLite database, as ``gongkai migrate`` leaves one."""
    return migrated.copy_of(migrated_template, tmp_path / "migrated.sqlite3")


@dataclass
class Tree:
    city: Agency
    county_a: Agency
    county_a_finance: Agency
    town_a1: Agency
    town_a1_office: Agency
    town_a2: Agency
    county_b: Agency
    town_b1: Agency

    def all(self) -> list[Agency]:
        return list(vars(self).values())


def make_user(username: str, **extra: object) -> User:
    # No password: hashing one (PBKDF2) costs ~0.3 s per user.
    return User.objects.create_user(username=username, password=None, **extra)  # type: ignore[arg-type]


@pytest.fixture
def tree(db: None) -> Tree:
    def add(code: str, name: str, kind: AgencyKind, parent: Agency | None) -> Agency:
        return create_agency(actor=None, name=name, short_code=code, kind=kind, parent=parent)

    city = add("city", "示范市人民政府", AgencyKind.GOVERNMENT, None)
    county_a = add("county-a", "甲县人民政府", AgencyKind.GOVERNMENT, city)
    county_a_finance = add("county-a-finance", "甲县财政局", AgencyKind.DEPARTMENT, county_a)
    town_a1 = add("town-a1", "甲县一镇人民政府", AgencyKind.TOWNSHIP, county_a)
    town_a1_office = add("town-a1-office", "甲县一镇党政综合办公室", AgencyKind.OTHER, town_a1)
    town_a2 = add("town-a2", "甲县二乡人民政府", AgencyKind.TOWNSHIP, county_a)
    county_b = add("county-b", "乙县人民政府", AgencyKind.GOVERNMENT, city)
    town_b1 = add("town-b1", "乙县一镇人民政府", AgencyKind.TOWNSHIP, county_b)
    return Tree(city, county_a, county_a_finance, town_a1, town_a1_office, town_a2, county_b, town_b1)
