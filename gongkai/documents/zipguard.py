"""One guard for every zip we are given (a .docx, an .xlsx, the supervisor's bulk-import .zip): refuse it
from its directory, before anything is unpacked.

:func:`check_zip` looks at the members' declared sizes — a safe bound: :mod:`zipfile` never returns more
than a member declares (and checks its CRC) — and raises :class:`ZipRefused` saying which limit of
:class:`ZipLimits` was passed: too many members, too much in all (a zip bomb), too much XML, or one member
inflating more than ``max_ratio`` times (the case file asks for this one). The caller words the message.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

#: Members smaller than this are not held to ``max_ratio`` (a tiny file of spaces compresses 1000:1).
RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_members: int
    max_total_bytes: int
    #: The members whose names end in .xml or .rels, in all (None: not limited).
    max_xml_bytes: int | None = None
    #: Uncompressed size over compressed size of one member of at least RATIO_FLOOR_BYTES (None: not limited).
    max_ratio: float | None = None


#: The limits of an Office file (.docx, .xlsx) we read.
OFFICE_LIMITS = ZipLimits(
    max_members=10_000, max_total_bytes=200 * 1024 * 1024, max_xml_bytes=50 * 1024 * 1024
)


class ZipRefused(Exception):
    """A limit was passed. ``reason``: ``members``, ``total``, ``xml`` or ``ratio``; ``found`` is
    what the zip has (a count, bytes or a ratio)."""

    def __init__(self, reason: str, found: float, limit: float) -> None:
        super().__init__(f"{reason}: {found} > {limit}")
        self.reason = reason
        self.found = found
        self.limit = limit


def open_zip(source: bytes | IO[bytes]) -> zipfile.ZipFile:
    """Open a zip (raises zipfile.BadZipFile, OSError, ValueError, EOFError or NotImplementedError)."""
    return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)


def check_zip(source: bytes | IO[bytes], limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The members of the zip in ``source`` once they pass ``limits``; raises :class:`ZipRefused`, and what
    :func:`open_zip` raises for a file that is no zip."""
    with open_zip(source) as archive:
        infos = archive.infolist()
    check_members(infos, limits)
    return infos


def check_members(infos: Sequence[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Raise :class:`ZipRefused` when the members (of a zip already open) pass one of ``limits``."""
    if len(infos) > limits.max_members:
        raise ZipRefused("members", len(infos), limits.max_members)
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise ZipRefused("total", total, limits.max_total_bytes)
    if limits.max_xml_bytes is not None:
        xml = sum(info.file_size for info in infos if info.filename.endswith((".xml", ".rels")))
        if xml > limits.max_xml_bytes:
            raise ZipRefused("xml", xml, limits.max_xml_bytes)
    if limits.max_ratio is not None:
        for info in infos:
            if info.file_size >= RATIO_FLOOR_BYTES:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limits.max_ratio:
                    raise ZipRefused("ratio", ratio, limits.max_ratio)
