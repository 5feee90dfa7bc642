"""The agency's part of a :class:`~gongkai.letters.context.LetterContext`, read from the database."""

from __future__ import annotations

from typing import Any

from gongkai.agencies.models import Agency
from gongkai.letters.models import AgencyLetterSettings


def agency_fields(agency: Agency) -> dict[str, Any]:
    """``agency_name``, the office contact fields (条例第十二条), ``reconsideration_body`` and ``court``.

    Use as ``LetterContext(**agency_fields(agency), ...)``; the last two come from the agency's
    letter settings and are blank (printed as the generic wording) when not set.
    """
    settings = AgencyLetterSettings.objects.filter(agency=agency).first()
    return {
        "agency_name": agency.name,
        "office_name": agency.office_name,
        "office_address": agency.office_address,
        "office_phone": agency.phone,
        "office_hours": agency.office_hours,
        "office_postcode": agency.postcode,
        "reconsideration_body": settings.reconsideration_body if settings else "",
        "court": settings.court if settings else "",
    }
