"""Reads for the checker's pages and jobs."""

from __future__ import annotations

from gongkai.agencies.models import Agency


def agency_names() -> list[str]:
    """The names of the site's agencies (public: the agency list is public), for matching the agency a
    checked report names (``gongkai.reports.agencynames.match_agency``)."""
    return sorted(set(Agency.objects.values_list("name", flat=True)))
