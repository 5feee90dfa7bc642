"""Every link of a role's navigation bar opens for that role (no "forbidden" page behind a menu item)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from tests.catalogue.conftest import People
from tests.conftest import make_user

NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def nav_links(client: Client) -> list[str]:
    page = client.get("/workbench/").content.decode()
    match = NAV.search(page)
    assert match
    return HREF.findall(match.group(0))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer", {"/cases/", "/manage/catalogue/", "/reports/", "/stats/"}),
        ("reviewer", {"/cases/", "/manage/catalogue/", "/reports/"}),
        ("leader", {"/cases/", "/manage/catalogue/", "/reports/"}),
        ("head", {"/cases/", "/manage/catalogue/", "/reports/", "/stats/", "/audit/"}),
        ("supervisor", {"/cases/", "/reports/", "/reports/supervise/", "/office/", "/stats/", "/audit/"}),
        ("admin", {"/cases/", "/manage/catalogue/", "/reports/", "/office/", "/stats/", "/audit/"}),
        (
            "superuser",
            {
                "/cases/",
                "/manage/catalogue/",
                "/reports/",
                "/reports/supervise/",
                "/office/",
                "/stats/",
                "/audit/",
            },
        ),
        ("nobody", set()),
    ],
)
def test_every_nav_link_opens_for_the_role(people: People, who: str, expected: set[str]) -> None:
    user: User = getattr(people, who)
    client = Client()
    client.force_login(user)
    links = nav_links(client)
    assert "/workbench/" in links and "/notifications/" in links
    staff_pages = {
        "/cases/",
        "/manage/catalogue/",
        "/reports/",
        "/reports/supervise/",
        "/office/",
        "/stats/",
        "/audit/",
    }
    assert {link for link in links if link in staff_pages} == expected
    for link in links:
        response = client.get(link, follow=True)
        assert response.status_code == 200, (who, link, response.status_code)


def test_the_supervisor_no_longer_gets_a_forbidden_catalogue_link(people: People) -> None:
    client = Client()
    client.force_login(people.supervisor)
    assert "/manage/catalogue/" not in nav_links(client)
    # A supervisor who is also an agency's reviewer does get it, and it opens.
    add_membership(actor=None, user=people.supervisor, agency=people.agency, role=Role.REVIEWER)
    assert "/manage/catalogue/" in nav_links(client)
    assert client.get("/manage/catalogue/").status_code == 200


def test_anonymous_visitors_see_only_public_links(db: None) -> None:
    page = Client().get("/").content.decode()
    match = NAV.search(page)
    assert match
    links = HREF.findall(match.group(0))
    assert "/workbench/" not in links and "/cases/" not in links and "/accounts/login/" in links
    make_user("spare")


def test_a_public_column_page_keeps_the_signed_in_user_s_links(people: People) -> None:
    """The column's own sub-navigation (``column_nav``) no longer hides the context processor's ``nav``: an
    officer reading a public column still has the staff links of the bar (they were missing there)."""
    client = Client()
    client.force_login(people.officer)
    code = people.agency.short_code
    for url in (f"/gk/{code}/", f"/gk/{code}/catalogue/", f"/gk/{code}/catalogue/?q=预算"):
        match = NAV.search(client.get(url).content.decode())
        assert match, url
        links = set(HREF.findall(match.group(0)))
        assert {"/cases/", "/manage/catalogue/", "/reports/", "/stats/"} <= links, url
