"""Which template a letter is printed with: the agency's, else the site-wide one, else the shipped default.

For answer letters each level is searched for the outcome group's template first, then for the
blank-group (any group) template:

1. the agency's template for the group, then the agency's blank-group template;
2. the site-wide (agency NULL) template for the group, then the site-wide blank-group template;
3. the shipped default for the group (:mod:`gongkai.letters.defaults`), then the blank-group default.

Other kinds have only the blank group. One database query.
"""

from __future__ import annotations

from django.db.models import Q

from gongkai.agencies.models import Agency
from gongkai.letters.defaults import default_template
from gongkai.letters.kinds import LetterKind
from gongkai.letters.models import LetterTemplate
from gongkai.letters.source import TemplateOrigin, TemplateSource


def effective_template(
    kind: LetterKind | str, outcome_group: str = "", agency: Agency | None = None
) -> TemplateSource:
    """The template a letter of ``kind`` (answers: of ``outcome_group``) for ``agency`` is printed with."""
    kind = LetterKind(kind)
    group = outcome_group if kind == LetterKind.ANSWER else ""
    groups = [group, ""] if group else [""]
    scope = Q(agency__isnull=True)
    if agency is not None and agency.pk is not None:
        scope |= Q(agency=agency)
    rows = {
        (row.agency_id is not None, row.outcome_group): row
        for row in LetterTemplate.objects.filter(scope, kind=kind, outcome_group__in=groups)
    }
    for own in (True, False):
        for candidate in groups:
            row = rows.get((own, candidate))
            if row is not None:
                return row.as_source()
    shipped = default_template(kind, group)
    return TemplateSource(shipped.title, shipped.body, TemplateOrigin.DEFAULT)
