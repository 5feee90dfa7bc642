"""A letter template's text and where it came from: the agency's, the site-wide one or the shipped default."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class TemplateOrigin(StrEnum):
    AGENCY = "agency"
    SITE = "site"
    DEFAULT = "default"


@dataclass(frozen=True)
class TemplateSource:
    """A letter template's text and where it came from (``template`` is the ``LetterTemplate`` row, if any:
    :meth:`gongkai.letters.models.LetterTemplate.as_source` makes one from a row)."""

    title: str
    body: str
    origin: TemplateOrigin
    template: Any = None
