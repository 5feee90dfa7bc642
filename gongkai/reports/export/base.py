"""What every exporter shares."""

from __future__ import annotations


class ExportUnavailable(Exception):
    """This server cannot produce the format (e.g. no Chinese font for PDF); the message, in Chinese, says
    what to install."""
