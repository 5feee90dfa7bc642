"""The error of a step that the case's state or the input does not allow."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class CaseError(ValidationError):
    """A step that the case's state or the input does not allow; the message says why, in Chinese."""
