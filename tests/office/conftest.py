"""Fixtures of the office tests: the catalogue tests' ``people`` (one person per role at ``county-a-finance``,
an administrator among them, a 政务公开办 at ``county-a``, another agency's staff, a superuser) and their
pinned ``today`` (2026-06-15, a Monday of a built-in calendar year)."""

from __future__ import annotations

from tests.catalogue.conftest import make_item, move, people, today

__all__ = ["make_item", "move", "people", "today"]
