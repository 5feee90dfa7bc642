"""The 基层政务公开标准目录 areas (国办发〔2019〕54号) an agency's column shows as standing sub-columns."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue import permissions
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import ColumnArea
from gongkai.core import pagecache
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.statute.standard_areas import AREA_CODES


def set_column_areas(*, actor: Actor, agency: Agency, areas: Iterable[str]) -> list[str]:
    """Make ``areas`` (codes of :data:`~gongkai.statute.standard_areas.STANDARD_AREAS`) the agency's
    standing sub-columns (the agency's 管理员); the chosen codes, in the list's order."""
    if actor is None or not permissions.can_choose_areas(actor, agency):
        raise PermissionDenied(_("只有本机关的管理员可以选择基层政务公开标准目录的领域。"))
    wanted = set(areas)
    unknown = sorted(wanted - set(AREA_CODES))
    if unknown:
        raise CatalogueError(
            {
                "areas": [
                    _("没有这些标准目录领域：%(codes)s。请从列表中选择。") % {"codes": "、".join(unknown)}
                ]
            },
            code="unknown_area",
        )
    chosen = [code for code in AREA_CODES if code in wanted]
    with transaction.atomic():
        before = list(
            ColumnArea.objects.select_for_update().filter(agency=agency).values_list("area", flat=True)
        )
        if set(before) == wanted:
            return chosen
        ColumnArea.objects.filter(agency=agency).exclude(area__in=chosen).delete()
        ColumnArea.objects.bulk_create(
            [ColumnArea(agency=agency, area=code) for code in chosen if code not in before]
        )
        pagecache.bump()  # the column's sub-columns change: no cached public page outlives it
        record_audit(
            actor,
            "catalogue.column_areas_set",
            agency,
            added=[code for code in chosen if code not in before],
            removed=[code for code in AREA_CODES if code in before and code not in wanted],
        )
    return chosen
