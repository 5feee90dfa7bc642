"""The case file (案卷) as one .zip: a cover with the case's summary and full timeline (HTML with inline CSS,
which any browser opens and prints, and the same printed to PDF by WeasyPrint with the Chinese fonts
embedded when the server can print Chinese, :mod:`gongkai.reports.export.pdf`), every letter as issued
(.docx), every file of the case (removed ones in their own folder: they stay part of the record), and
``manifest.csv`` listing each file with its size and SHA-256.

The archive is written to a temporary file that spills to disk past a few megabytes, and each letter and
file is read from the database one at a time, so a large case file is never held in memory whole. Member
names are UTF-8 (zipfile sets the language-encoding flag for non-ASCII names), so Chinese names open as
they are in Windows' Explorer, macOS and unzip.

:func:`build` is called by :func:`gongkai.applications.services.case_file.export_case_file`, which checks the
permission and audits the export.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
import re
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import lettering, presenters_case_file, presenters_events, selectors
from gongkai.applications.clock import ClockError
from gongkai.applications.models import Application, CaseAttachment, Letter
from gongkai.core.i18n import render_error
from gongkai.reports.export.base import ExportUnavailable
from gongkai.reports.export.pdf import print_html
from gongkai.statute.outcomes import OUTCOME_BY_KEY
from gongkai.workdays.calendar import CalendarNotLoaded

logger = logging.getLogger(__name__)

#: Past this the archive being written moves from memory to a temporary file on disk.
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK = 1024 * 1024
COVER_TEMPLATE = "applications/officer/case_file_cover.html"


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    size: int
    sha256: str
    what: str


def _safe(name: str) -> str:
    """A name usable as one path segment inside the zip."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip().strip(".")
    return cleaned or "_"


def _zip_time(moment: datetime.datetime | datetime.date) -> tuple[int, int, int, int, int, int]:
    if isinstance(moment, datetime.datetime):
        local = timezone.localtime(moment)
        return (local.year, local.month, local.day, local.hour, local.minute, local.second)
    return (moment.year, moment.month, moment.day, 0, 0, 0)


class _Writer:
    def __init__(self, archive: zipfile.ZipFile, root: str) -> None:
        self.archive = archive
        self.root = root
        self.manifest: list[ManifestEntry] = []

    def add(
        self, path: str, data: bytes | memoryview, when: datetime.datetime | datetime.date, what: str
    ) -> None:
        """Write one member (``data`` as the database gave it: a memoryview is not copied)."""
        name = f"{self.root}/{path}"
        info = zipfile.ZipInfo(name, date_time=_zip_time(when))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.archive.writestr(info, data)
        self.manifest.append(ManifestEntry(name, len(data), hashlib.sha256(data).hexdigest(), what))


def cover_context(application: Application) -> dict[str, Any]:
    """What the cover shows: the case's summary, how its deadline was computed, every event, the letters
    with their deliveries and the files."""
    events = list(application.events.order_by("seq"))
    appeals = {a.pk: a for a in application.appeals.all()}
    clock = None
    clock_problem = ""
    try:
        clock = selectors.clock_of(application)
    except (CalendarNotLoaded, ClockError) as exc:
        clock_problem = render_error(exc)
    outcome = OUTCOME_BY_KEY.get(application.outcome)
    return {
        "case": application,
        "clock": clock,
        "clock_problem": clock_problem,
        "outcome": outcome,
        "events": [(e, presenters_events.describe_event(e, appeals)) for e in events],
        "letters": presenters_case_file.letter_rows(application),
        "attachments": list(selectors.attachments_of(application)),
        "awaiting_delivery": selectors.answer_awaiting_delivery(application),
        "generated_at": timezone.localtime(),
    }


def _letter_paths(application: Application) -> list[tuple[int, str, datetime.date]]:
    letters = application.letters.order_by("issued_on", "pk").values_list("pk", "filename", "issued_on")
    return [
        (pk, f"{_('文书')}/{n:02d}-{_safe(filename or f'{pk}.docx')}", issued_on)
        for n, (pk, filename, issued_on) in enumerate(letters, 1)
    ]


def _attachment_paths(application: Application) -> list[tuple[int, str, datetime.datetime]]:
    paths = []
    attachments = selectors.attachments_of(application).only(
        "pk", "filename", "kind", "removed_at", "uploaded_at"
    )
    for n, attachment in enumerate(attachments, 1):
        folder = _("已移除的材料") if attachment.removed else _("案卷材料")
        label = presenters_case_file.attachment_kind_label(attachment.kind)
        path = f"{folder}/{n:02d}-{_safe(label)}-{_safe(attachment.filename)}"
        paths.append((attachment.pk, path, attachment.uploaded_at))
    return paths


def _manifest_csv(entries: list[ManifestEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("文件"), _("大小（字节）"), "SHA-256", _("内容")])
    for entry in entries:
        writer.writerow([entry.path, entry.size, entry.sha256, entry.what])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _printed(cover: str) -> bytes | None:
    """The cover as a PDF (WeasyPrint), or None when the server cannot print Chinese: the HTML cover, which
    any browser prints, is always in the archive."""
    try:
        return print_html(cover)
    except ExportUnavailable as exc:
        logger.warning("case file cover printed as HTML only: %s", exc)
        return None


def build(application: Application) -> tuple[IO[bytes], list[ManifestEntry]]:
    """The case file's .zip (a temporary file, rewound) and its manifest (the manifest file itself aside)."""
    root = _safe(_("案卷-%(reference)s") % {"reference": application.reference})
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive, root)
        cover = render_to_string(COVER_TEMPLATE, cover_context(application))
        title = _("封面与办理记录")
        writer.add(f"00-{title}.html", cover.encode("utf-8"), timezone.localtime(), title)
        pdf = _printed(cover)
        if pdf is not None:
            writer.add(f"00-{title}.pdf", pdf, timezone.localtime(), title)
        for pk, path, issued_on in _letter_paths(application):
            letter = Letter.objects.only("file", "title", "number", "rendered_at").get(pk=pk)
            # A letter still waiting for its render job is rendered here: the export misses none.
            writer.add(path, lettering.docx_now(letter), issued_on, f"{letter.title} {letter.number}".strip())
        for pk, path, uploaded_at in _attachment_paths(application):
            data = CaseAttachment.objects.only("file").get(pk=pk).read_bytes()
            writer.add(path, data, uploaded_at, _("案卷材料"))
        manifest = list(writer.manifest)
        info = zipfile.ZipInfo(f"{root}/manifest.csv", date_time=_zip_time(timezone.localtime()))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, _manifest_csv(manifest))
    spool.seek(0)
    return spool, manifest


def sha256_of(archive: IO[bytes]) -> str:
    """The SHA-256 of the whole archive (read in chunks; the file is rewound afterwards)."""
    digest = hashlib.sha256()
    archive.seek(0)
    while chunk := archive.read(CHUNK):
        digest.update(chunk)
    archive.seek(0)
    return digest.hexdigest()
