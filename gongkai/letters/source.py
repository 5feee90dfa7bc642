"""A letter template's text and where it came from: the agency's, the site-wide one or the shipped default."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gongkai.letters.models import LetterTemplate


class TemplateOrigin(StrEnum):
    AGENCY = "agency"
    SITE = "site"
    DEFAULT = "default"


@dataclass(frozen=True)
class TemplateSource:
    """A letter template's text and where it came from (``template`` is the row, if any)."""

    title: str
    body: str
    origin: TemplateOrigin
    template: LetterTemplate | None = None

    @classmethod
    def of(cls, template: LetterTemplate) -> TemplateSource:
        origin = TemplateOrigin.AGENCY if template.agency_id is not None else TemplateOrigin.SITE
        return cls(template.title, template.body, origin, template)
