"""The agency's part of a :class:`~gongkai.letters.context.LetterContext`, read from the database, and what
the officer should know before a letter goes out without part of it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.letters.models import AgencyLetterSettings
from gongkai.letters.remedies import DEFAULT_RECONSIDERATION_BODY
from gongkai.statute.reconsideration import reconsideration_body


def _ancestors(agency: Agency) -> list[tuple[str, str]]:
    """The agency's ancestors as ``(kind, name)``, the parent first (one query)."""
    ids = agency.ancestor_ids()
    rows = dict(
        (pk, (kind, name))
        for pk, kind, name in Agency.objects.filter(pk__in=ids).values_list("pk", "kind", "name")
    )
    return [rows[pk] for pk in reversed(ids) if pk in rows]


def _settings(agency: Agency) -> AgencyLetterSettings | None:
    return AgencyLetterSettings.objects.filter(agency=agency).first()


def reconsideration_body_of(agency: Agency, settings: AgencyLetterSettings | None = None) -> str:
    """The 行政复议机关 the agency's letters name: the one set in its letter settings (vertical systems,
    provinces …), else the body the agency tree gives (《中华人民共和国行政复议法》第二十四条,
    :func:`gongkai.statute.reconsideration.reconsideration_body`), else ``""`` (printed as the generic
    “上一级行政机关”; :func:`letter_warnings` tells the officer)."""
    settings = settings if settings is not None else _settings(agency)
    if settings is not None and settings.reconsideration_body.strip():
        return settings.reconsideration_body.strip()
    body = reconsideration_body(agency.kind, _ancestors(agency))
    return body.name if body is not None else ""


def agency_fields(agency: Agency) -> dict[str, Any]:
    """``agency_name``, the office contact fields (条例第十二条), ``reconsideration_body`` and ``court``.

    Use as ``LetterContext(**agency_fields(agency), ...)``. The office name falls back to the agency's
    name; the reconsideration body is :func:`reconsideration_body_of`; the court comes from the letter
    settings and is blank (printed as “人民法院”) when not set.
    """
    settings = _settings(agency)
    return {
        "agency_name": agency.name,
        "office_name": agency.office_name or agency.name,
        "office_address": agency.office_address,
        "office_phone": agency.phone,
        "office_hours": agency.office_hours,
        "office_postcode": agency.postcode,
        "reconsideration_body": reconsideration_body_of(agency, settings),
        "court": settings.court if settings else "",
    }


def letter_warnings(agency: Agency) -> list[str]:
    """What the agency's letters will lack, and where to fill it in (shown before letters are issued)."""
    warnings: list[str] = []
    missing = [
        label
        for label, value in ((_("联系电话"), agency.phone), (_("办公地址"), agency.office_address))
        if not value.strip()
    ]
    if missing:
        warnings.append(
            _(
                "本机关没有填写%(fields)s，文书中将不印这些信息，申请人无法据此联系本机关。"
                "请管理员在管理后台“机关”中填写本机关的%(fields)s。"
            )
            % {"fields": _("、").join(missing)}
        )
    if not reconsideration_body_of(agency):
        warnings.append(
            _(
                "无法从机关层级确定本机关的行政复议机关（没有上级人民政府），救济途径告知中将印“%(generic)s”。"
                "请管理员在管理后台“机关文书设置”中填写行政复议机关，或在“机关”中设置上级机关。"
            )
            % {"generic": DEFAULT_RECONSIDERATION_BODY}
        )
    return warnings
