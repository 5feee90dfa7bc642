"""The page cache (gongkai.core.pagecache): public pages kept whole for readers without a session, keyed by
the version every public change bumps in its own transaction — never a page older than the last change."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import Agency
from gongkai.catalogue import services
from gongkai.catalogue.models import ColumnTotals, Item, ItemKind, Status
from gongkai.catalogue.totals import rebuild, totals_of
from gongkai.core import pagecache
from gongkai.core.models import PageVersion, StoredPage
from gongkai.core.pagestore import StoredPageCache
from tests.catalogue.conftest import PATHS, Advance, MakeItem, People
from tests.catalogue.public_factories import make_item as published_entry
from tests.conftest import Tree


def _version() -> int:
    return pagecache.current().version


def _queries(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), response


@pytest.mark.django_db
def test_an_anonymous_page_is_served_again_from_the_cache_with_validators(tree: Tree) -> None:
    agency = tree.county_a_finance
    published_entry(agency, "缓存测试条目")
    client = Client()
    url = f"/gk/{agency.short_code}/catalogue/?b=2&a=1"
    made, first = _queries(client, url)
    assert first.status_code == 200 and "缓存测试条目" in first.content.decode()
    assert "public" in first["Cache-Control"] and "max-age=1" in first["Cache-Control"]
    assert "stale-while-revalidate=1" in first["Cache-Control"]
    assert first["ETag"] and first["Last-Modified"]
    assert "csrfmiddlewaretoken" not in first.content.decode() and not first.cookies
    # The same page (its parameters in another order): the version, then the stored page; no view.
    served, second = _queries(client, f"/gk/{agency.short_code}/catalogue/?a=1&b=2")
    assert served == 1 < made  # the version row joined to the stored page: one query
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    # A conditional request: 304 without the page.
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not not_modified.content
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.django_db
def test_the_cache_switched_off_makes_every_page_but_still_sends_validators(tree: Tree) -> None:
    agency = tree.county_a_finance
    client = Client()
    with override_settings(GONGKAI_PAGE_CACHE=False):
        client.get(f"/gk/{agency.short_code}/")
        made, response = _queries(client, f"/gk/{agency.short_code}/")
    assert made > 2 and response["ETag"] and "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_staff_sessions_errors_and_forms_with_a_token_are_never_kept(tree: Tree, people: People) -> None:
    agency = people.agency
    staff = Client()
    staff.force_login(people.officer)
    column = f"/gk/{agency.short_code}/"
    page = staff.get(column)
    assert "private" in page["Cache-Control"] and "ETag" not in page
    assert "退出登录" in page.content.decode()
    # An anonymous reader after the officer: never the officer's page.
    anonymous = Client()
    assert "退出登录" not in anonymous.get(column).content.decode()
    assert "退出登录" not in anonymous.get(column).content.decode()
    # 404: made each time (the view's query again), not kept.
    counts = []
    for _ in range(2):
        made, missing = _queries(anonymous, "/gk/no-such-agency/")
        assert missing.status_code == 404 and "ETag" not in missing
        counts.append(made)
    assert counts[0] == counts[1] >= 2
    # A page with a form carrying a CSRF token (the online application) sets its cookie: not kept.
    with override_settings(GONGKAI_PAGE_CACHE_PATHS=[r"^/apply/$"]):
        for _ in range(2):
            form = Client().get("/apply/")
            assert form.status_code == 200 and "csrftoken" in form.cookies and "ETag" not in form


@pytest.mark.django_db
def test_the_bump_is_part_of_the_changes_transaction(tree: Tree) -> None:
    agency = tree.county_a_finance
    before = _version()
    with pytest.raises(RuntimeError), transaction.atomic():
        published_entry(agency, "回滚的条目")
        assert _version() > before
        raise RuntimeError("rolled back")
    assert _version() == before
    item = published_entry(agency, "留下的条目")
    assert _version() > before
    bumped = _version()
    # A draft changes nothing public: no bump.
    Item.objects.create(agency=agency, title="草稿", written_on=item.written_on, status=Status.DRAFT)
    assert _version() == bumped
    # An agency's data is public (its column, the 指南): bumped.
    Agency.objects.filter(pk=agency.pk).first().save()  # type: ignore[union-attr]
    assert _version() > bumped


@pytest.mark.django_db
def test_column_totals_are_counters_kept_with_each_publication(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    agency = people.agency
    assert totals_of(agency) == {"total": 0, "rules": 0, "reports": 0}
    rule = move(make_item(title="政府信息公开工作制度", is_ogi_rule=True), Status.PUBLISHED)
    move(make_item(title="2025年度报告", kind=ItemKind.ANNUAL_REPORT), Status.PUBLISHED)
    assert ColumnTotals.objects.get(agency=agency).total == 2
    assert totals_of(agency) == {"total": 2, "rules": 1, "reports": 1}
    services.perform(actor=people.officer, item=rule, action="withdraw", note="制度已废止。")
    assert totals_of(agency) == {"total": 1, "rules": 0, "reports": 1}
    # Rows loaded around the services: a rebuild counts them all again.
    ColumnTotals.objects.all().delete()
    assert totals_of(agency)["total"] == 1  # counted on the spot while there is no row
    rebuild()
    assert ColumnTotals.objects.get(agency=agency).reports == 1
    response = Client().get(f"/gk/{agency.short_code}/")
    assert response.status_code == 200


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_up(), reason="needs Redis at 127.0.0.1:6379")
def test_pages_kept_in_redis(tree: Tree) -> None:
    agency = tree.county_a_finance
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": f"gongkai-test-{uuid.uuid4().hex}",
    }
    with override_settings(CACHES={**settings.CACHES, "pages": redis}):
        try:
            client = Client()
            url = f"/gk/{agency.short_code}/"
            _made, first = _queries(client, url)
            served, second = _queries(client, url)
            assert served == 1  # the version only: the page came from Redis
            assert second.content == first.content
            published_entry(agency, "Redis 之后的条目")
            assert "Redis 之后的条目" in client.get(url).content.decode()
        finally:
            caches["pages"].clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the health check of a persistent PostgreSQL connection"
)
def test_a_hit_is_its_own_health_check_and_survives_a_dropped_connection(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Production connections are checked before reuse (``CONN_HEALTH_CHECKS``): Django sends ``SELECT 1``
    first in every request. A hit's one query is the check: no ``SELECT 1``; and when the server dropped the
    connection, the page is still served (the connection is closed and opened again)."""
    agency = tree.county_a_finance
    published_entry(agency, "健康检查条目")
    client = Client()
    url = f"/gk/{agency.short_code}/"
    first = client.get(url)
    assert first.status_code == 200 and "健康检查条目" in first.content.decode()
    checks: list[bool] = []
    db: Any = connection  # the stubs do not know the health-check flags
    is_usable = db.is_usable

    def counted() -> bool:
        checks.append(True)
        return is_usable()

    monkeypatch.setattr(db, "is_usable", counted)
    assert db.health_check_enabled and db.connection is not None
    db.health_check_done = False  # a new request (the test client skips Django's request signals)
    again = client.get(url)
    assert again.content == first.content and checks == []
    assert db.health_check_done  # a miss later in the same request would not check again
    # The server drops the connection between two requests (a restart, an idle timeout).
    pid = db.connection.info.backend_pid
    params = db.get_connection_params()
    address = {k: params[k] for k in ("dbname", "user", "host", "port", "password") if params.get(k)}
    with psycopg.connect(**address, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    db.health_check_done = False
    after = client.get(url)
    assert after.status_code == 200 and after.content == first.content
    assert db.connection.info.backend_pid != pid


# ---------------------------------------------------------------------------------------------
# Never stale: changes under concurrent readers
# ---------------------------------------------------------------------------------------------


#: The status each step of the walk to publication starts from.
_FROM = {"submit": Status.DRAFT, "review_pass": Status.SUBMITTED, "approve": Status.REVIEWED}


def _publish(people: People, pk: int) -> None:
    """Walk the entry (or correction draft) ``pk`` to its publication, each step once: a step retried after
    a lock error may have been committed already (its after-commit work failed)."""
    for action, who in PATHS[Status.PUBLISHED]:
        item = _retry(lambda: Item.objects.get(pk=pk))
        if item.status != _FROM.get(action, Status.APPROVED):
            continue
        _retry(
            lambda action=action, who=who: services.perform(  # type: ignore[misc]
                actor=getattr(people, who), item=Item.objects.get(pk=pk), action=action
            )
        )


def _retry(change: Callable[[], Any]) -> Any:
    """SQLite's in-memory test database locks a table another connection reads or writes: the change (or
    the test's own read) is tried again (it is one transaction: nothing of a failed try is left)."""
    for _ in range(200):
        try:
            return change()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("the change never got the lock")


@pytest.fixture
def readers() -> Iterator[Callable[[list[str]], None]]:
    """``start(urls)``: threads reading ``urls`` anonymously over and over (filling the cache) until the
    test ends; any error but SQLite's lock fails the test."""
    stop = threading.Event()
    threads: list[threading.Thread] = []
    errors: list[BaseException] = []

    def read(urls: list[str]) -> None:
        client = Client()
        try:
            while not stop.is_set():
                for url in urls:
                    try:
                        status = client.get(url).status_code
                        assert status == 200, (url, status)
                    except OperationalError as exc:
                        if "locked" not in str(exc):
                            raise
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    def start(urls: list[str]) -> None:
        for _ in range(3):
            thread = threading.Thread(target=read, args=(urls,))
            thread.start()
            threads.append(thread)

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_never_a_page_older_than_the_last_change_under_concurrent_reads(
    people: People, make_item: MakeItem, move: Advance, readers: Callable[[list[str]], None]
) -> None:
    agency = people.agency
    first = move(make_item(title="第一条公开信息"), Status.PUBLISHED)
    code = agency.short_code
    lists = [
        f"/gk/{code}/",
        f"/gk/{code}/catalogue/",
        f"/gk/api/items/?agency={code}",
        f"/gk/{code}/feed.rss",
    ]
    first_page = f"/gk/{code}/items/{first.pk}/"
    readers([*lists, first_page, f"/gk/api/items/{first.pk}/"])
    observer = Client()

    def read(url: str) -> str:
        return str(_retry(lambda: observer.get(url).content.decode()))

    def shows(url: str, *texts: str) -> bool:
        body = read(url)
        return all(text in body for text in texts)

    for round_number in range(3):
        # Publish: every list names the new entry at once.
        title = f"第{round_number + 2}条新公开信息"
        draft = _retry(lambda title=title: make_item(title=title))  # type: ignore[misc]
        _publish(people, draft.pk)
        entry = _retry(lambda draft=draft: Item.objects.get(pk=draft.pk))  # type: ignore[misc]
        for url in lists:
            assert shows(url, title), (url, "publication not shown")
        # Correct it (更正): the new title everywhere, the old one nowhere.
        corrected = f"{title}（更正）"
        correction = _retry(
            lambda entry=entry: services.start_correction(  # type: ignore[misc]
                actor=people.officer, item=entry, reason="标题有误", public_note="更正了标题"
            )
        )
        correction = _retry(
            lambda correction=correction, corrected=corrected: services.update_draft(  # type: ignore[misc]
                actor=people.officer, item=correction, data={"title": corrected}
            )
        )
        _publish(people, correction.pk)
        entry_page = f"/gk/{code}/items/{entry.pk}/"
        for url in [*lists, entry_page, f"/gk/api/items/{entry.pk}/"]:
            body = read(url)
            assert corrected in body, (url, "correction not shown")
        # Withdraw it: gone from every list, its page says so.
        if _retry(lambda entry=entry: Item.objects.get(pk=entry.pk)).status != Status.WITHDRAWN:  # type: ignore[misc]
            _retry(
                lambda entry=entry: services.perform(  # type: ignore[misc]
                    actor=people.officer,
                    item=Item.objects.get(pk=entry.pk),
                    action="withdraw",
                    note="已失效。",
                )
            )
        for url in lists:
            if url.endswith(".rss"):  # the feed carries a withdrawal as an update of the entry (已撤回)
                assert shows(url, f"【已撤回】{corrected}"), (url, "withdrawal not shown")
            elif "/api/" not in url:  # the API may list withdrawn entries as such
                assert not shows(url, corrected), (url, "withdrawn entry still listed")
        assert shows(entry_page, "已撤回")
        assert shows(f"/gk/api/items/{entry.pk}/", '"withdrawn"')
    assert shows(first_page, "第一条公开信息")
    assert _retry(lambda: PageVersion.objects.get()).version >= 9


@pytest.mark.django_db(transaction=True)
def test_the_suite_empties_the_page_cache_with_the_database(tree: Tree) -> None:
    """A flush (how a ``transaction=True`` test ends) starts the page version again from nothing, so the
    stored pages must go with it: a page cached here would otherwise be served to a later test that reaches
    the same version (likely why the concurrent readers' test failed once). The pages are rows of a model
    (core.StoredPage), which a flush empties like any other."""
    if not isinstance(caches[settings.GONGKAI_PAGE_CACHE_ALIAS], StoredPageCache):
        pytest.skip("the pages are cached in the database's own table only without GONGKAI_CACHE_URL")
    agency = tree.county_a_finance
    published_entry(agency, "清空之前的条目")
    assert "清空之前的条目" in Client().get(f"/gk/{agency.short_code}/catalogue/").content.decode()
    assert StoredPage.objects.count() >= 1 and _version() > 0
    call_command("flush", interactive=False, verbosity=0)
    assert _version() == 0 and StoredPage.objects.count() == 0


@pytest.mark.django_db
def test_a_restore_moves_the_version_past_any_a_shared_cache_may_hold() -> None:
    from django.utils import timezone

    for _ in range(3):
        pagecache.bump()
    before = pagecache.current().version
    pagecache.after_restore()
    after = pagecache.current().version
    assert after > before and after >= int(timezone.now().timestamp()) - 60
    pagecache.after_restore()  # twice: still moves forward
    assert pagecache.current().version > after
