"""What every exporter shares."""

from __future__ import annotations


class ExportUnavailable(Exception):
    """This server cannot produce the format (e.g. no Chinese font for PDF); its argument, a
    :class:`~gongkai.core.messages.Message` (``str()`` is the Chinese), says what to install."""
