"""Bulk import (批量导入) of annual reports published outside Gongkai, for a 政务公开办's roll-up.

1. :func:`collect` — the uploaded files, a ``.zip`` expanded to the report files it holds, screened before
   anything is read: file types, sizes, unsafe or hidden paths in the zip, the declared size of the zip
   (a zip bomb is refused from its directory, never unpacked), the number of files. A problem with the
   upload as a whole refuses it (:class:`ImportRefused`, nothing is stored); a problem with one file
   skips that file only (:class:`Skipped`, with the reason).
2. :func:`start_import` — the upload, once screened, stored as the input of an ``annual.bulk_import`` job
   (:mod:`gongkai.annual.jobs`; the files in one uncompressed zip, :data:`BUNDLE_NAME`) without reading
   any report: the request answers at once. The job collects
   the stored files again (:func:`collect_sources`, the same screening, so the same files in the same
   order) and imports each in its own step (:func:`import_one`): read by the checker
   (``services.read_report_file``), matched to an agency of the seat's subtree by the agency name the
   checker found (:func:`match_agency`), and stored as an :class:`~gongkai.annual.models.ImportedReport`
   with its audit event, in the step's transaction. A file the checker cannot read is stored too, with
   the reason, so that the list shows every file sent. :func:`import_reports` does the same inline (all
   the files in one transaction).
3. :func:`assign_agency` — put an import the names did not match under the right agency.

The report files are kept only as the job's inputs, deleted when the job has imported them all; the
import keeps what the checker read (tables and findings).
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.annual import permissions, services
from gongkai.annual.models import ImportedReport, ImportPurpose
from gongkai.annual.rollup import visible_imports
from gongkai.checker.forms import max_upload_bytes, screen_upload
from gongkai.checker.result import severity_counts
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.documents.zipguard import ZipLimits, ZipRefused, check_members, open_zip
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job, JobFile

logger = logging.getLogger(__name__)

#: Report files read in one upload (the files sent, or the report files inside the zip).
MAX_FILES = 300
#: A zip whose entries declare more than this in all, unpacked, is refused unread; so is an upload whose
#: files come to more than this together.
MAX_TOTAL_BYTES = 500 * 1024 * 1024
#: Entries of one zip (directories and skipped files included): more is refused from the directory.
MAX_ZIP_ENTRIES = 5_000
#: Skipped files listed on the results page of one upload.
MAX_SKIPPED_KEPT = 1000
ZIP_SUFFIX = ".zip"
#: Bit 11 of a zip entry's flags: its name is UTF-8.
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_DRIVE = re.compile(r"^[A-Za-z]:")
_SPACE = re.compile(r"\s+")


class ImportRefused(ValidationError):
    """The upload as a whole cannot be imported; the message says why and what to do, in Chinese."""


@dataclass
class Candidate:
    """A report file to read: uploaded as it is, or an entry of an uploaded zip."""

    name: str
    size: int
    reader: Callable[[], bytes] = field(repr=False)

    def read(self) -> bytes:
        return self.reader()


@dataclass(frozen=True)
class Source:
    """A file sent: an upload of the request, or the same file stored as a job's input.

    ``stream`` gives a seekable binary file positioned at its start (a zip is opened on it and read from
    it until the import ends); ``read`` gives its content."""

    name: str
    size: int
    stream: Callable[[], IO[bytes]] = field(repr=False)
    read: Callable[[], bytes] = field(repr=False)


def upload_source(upload: UploadedFile) -> Source:
    def stream() -> IO[bytes]:
        upload.seek(0)
        return upload

    def read() -> bytes:
        upload.seek(0)
        return bytes(upload.read())

    return Source(upload.name or "", upload.size or 0, stream, read)


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


@dataclass
class Collected:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _megabytes(size: int) -> str:
    return str(filesizeformat(size))


def collect(uploads: Sequence[UploadedFile]) -> Collected:
    """The report files of an upload, each zip expanded; raises :class:`ImportRefused`. Only the zips'
    directories are read."""
    return collect_sources([upload_source(u) for u in uploads])


def collect_sources(sources: Sequence[Source]) -> Collected:
    """:func:`collect` of files given as :class:`Source` (the job's stored inputs): the same screening, so
    the same candidates in the same order."""
    if not sources:
        raise ImportRefused(_("请选择要导入的年度报告文件，或者一个装有报告文件的 zip 压缩包。"))
    if len(sources) > MAX_FILES:
        raise ImportRefused(
            _("一次最多导入 %(max)d 个文件，这次选择了 %(count)d 个；请分几次导入。")
            % {"max": MAX_FILES, "count": len(sources)}
        )
    out = Collected()
    total = 0
    for source in sources:
        name = source.name
        if PurePath(name).suffix.lower() == ZIP_SUFFIX:
            total += _expand_zip(source, out)
            continue
        refused = screen_upload(UploadedFile(name=name, size=source.size))
        if refused is not None:
            out.skipped.append(Skipped(name, refused))
            continue
        total += source.size
        out.candidates.append(Candidate(name, source.size, source.read))
    if len(out.candidates) > MAX_FILES:
        raise ImportRefused(
            _("一次最多导入 %(max)d 个报告文件，这次上传的（含压缩包中的）有 %(count)d 个；请分几次导入。")
            % {"max": MAX_FILES, "count": len(out.candidates)}
        )
    if total > MAX_TOTAL_BYTES:
        raise ImportRefused(
            _("这次上传的报告文件共 %(total)s（压缩包按解压后计），一次最多 %(max)s；请分几次导入。")
            % {"total": _megabytes(total), "max": _megabytes(MAX_TOTAL_BYTES)}
        )
    return out


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker wrote it: a zip made on Chinese Windows stores GBK names without the
    UTF-8 flag (Python reads them as CP437), some tools store UTF-8 without the flag."""
    name = info.filename
    if info.flag_bits & _UTF8_FLAG:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _expand_zip(source: Source, out: Collected) -> int:
    """Add the zip's report files to ``out``; return their declared size. Refuses a bad or huge zip."""
    zip_name = source.name
    if source.size > MAX_TOTAL_BYTES:
        raise ImportRefused(
            _("压缩包“%(name)s”有 %(size)s，一次最多 %(max)s；请分成几个压缩包导入。")
            % {"name": zip_name, "size": _megabytes(source.size), "max": _megabytes(MAX_TOTAL_BYTES)}
        )
    try:
        archive = open_zip(source.stream())
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ImportRefused(
            _("“%(name)s”不是有效的 zip 压缩包，无法打开；请重新压缩后上传，或直接选择报告文件。")
            % {"name": zip_name}
        ) from None
    try:
        check_members(entries, ZipLimits(max_members=MAX_ZIP_ENTRIES, max_total_bytes=MAX_TOTAL_BYTES))
    except ZipRefused as passed:
        if passed.reason == "members":
            raise ImportRefused(
                _("压缩包“%(name)s”中有 %(count)d 个条目，超过 %(max)d 个，未导入。")
                % {"name": zip_name, "count": len(entries), "max": MAX_ZIP_ENTRIES}
            ) from None
        declared = sum(info.file_size for info in entries)
        raise ImportRefused(
            _("压缩包“%(name)s”解压后有 %(size)s，超过 %(max)s 的上限，未导入；请分成几个压缩包。")
            % {"name": zip_name, "size": _megabytes(declared), "max": _megabytes(MAX_TOTAL_BYTES)}
        ) from None
    total = 0
    for info in entries:
        name = entry_name(info)
        path = name.replace("\\", "/")
        parts = [p for p in path.split("/") if p]
        if info.is_dir() or path.endswith("/") or not parts:
            continue
        shown = f"{zip_name}/{path}"
        if path.startswith("/") or _DRIVE.match(path) or ".." in parts:
            out.skipped.append(Skipped(shown, _("压缩包中的路径不安全（绝对路径或含“..”），已拒绝。")))
            continue
        if any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue  # hidden files and the resource forks macOS adds
        refused = screen_upload(UploadedFile(name=parts[-1], size=info.file_size))
        if refused is not None:
            out.skipped.append(Skipped(shown, refused))
            continue
        if info.flag_bits & _ENCRYPTED_FLAG:
            out.skipped.append(Skipped(shown, _("文件已加密，无法读取；请解密后重新压缩。")))
            continue
        total += info.file_size
        out.candidates.append(Candidate(path, info.file_size, _entry_reader(archive, info)))
    return total


def _entry_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        # zipfile never returns more than the declared size (and checks the CRC at the end).
        with archive.open(info) as entry:
            return entry.read(max_upload_bytes() + 1)

    return read


# ---------------------------------------------------------------------------------------------
# Matching the report to an agency
# ---------------------------------------------------------------------------------------------


def _normal(name: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def match_agency(detected: str | None, agencies: Sequence[tuple[int, str]]) -> int | None:
    """The agency (pk) a report names: the one whose (normalised) name is exactly the name the checker found;
    ``None`` otherwise — the supervisor assigns the rest. Containment is not enough: "甲县人民政府办公室"
    contains "甲县人民政府", and a misfiled report would become another agency's (cross-year, roll-up)."""
    name = _normal(detected or "")
    if not name:
        return None
    normal = [(pk, _normal(agency_name)) for pk, agency_name in agencies]
    exact = [pk for pk, n in normal if n == name]
    return exact[0] if len(exact) == 1 else None


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass
class ImportBatch:
    batch: str
    imported: list[ImportedReport]


def _read(candidate: Candidate, agencies: Sequence[str] = ()) -> dict[str, Any]:
    try:
        data = candidate.read()
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, NotImplementedError) as exc:
        logger.info("zip entry %r could not be unpacked: %r", candidate.name, exc)
        return {
            "path": candidate.name,
            "unreadable": _("压缩包中的这个文件已损坏，无法解压；请重新压缩后上传。"),
        }
    if len(data) > max_upload_bytes():
        return {"path": candidate.name, "unreadable": _("文件太大，未读取。")}
    try:
        return services.read_report_file(data, candidate.name, agencies)
    except Exception:  # one file the checker chokes on must not stop the others
        logger.exception("the checker failed on an imported file %r", candidate.name)
        return {
            "path": candidate.name,
            "unreadable": _("读取这个文件时程序出错，已记录下来；请把文件发给我们。"),
        }


def _require_supervisor(actor: Actor, seat: Agency) -> None:
    if actor is None or not permissions.can_supervise(actor, seat):
        raise PermissionDenied(_("只有政务公开办可以批量导入年度报告。"))


def subtree_names(seat: Agency) -> list[tuple[int, str]]:
    """The agencies a report of the seat's import may be matched to (pk, name)."""
    return list(Agency.objects.subtree_of(seat).values_list("pk", "name"))


def import_one(
    *,
    actor: Actor,
    seat: Agency,
    year: int,
    batch: str,
    candidate: Candidate,
    agencies: Sequence[tuple[int, str]],
) -> ImportedReport:
    """Read one file with the checker and store it with its audit event (call in a transaction, with the
    seat's office checked: :func:`import_reports`, or the job's step)."""
    # The checker matches the agency the report names against the subtree (wrapped titles, short forms
    # such as 科委, "本报告由…编制", the signature); match_agency then takes the listed name as it is.
    result = _read(candidate, [name for _, name in agencies])
    result["import_batch"] = batch
    agency_name = str(result.get("agency") or "")
    matched = match_agency(agency_name, agencies)
    detected_year = result.get("year")
    counts = severity_counts(result)
    errors, warnings = counts["error"], counts["warning"]
    record = ImportedReport.objects.create(
        agency_id=matched,
        imported_for=seat,
        purpose=ImportPurpose.SUPERVISION,
        year=detected_year if isinstance(detected_year, int) else year,
        filename=candidate.name[-255:],
        agency_name=agency_name[:200],
        error_count=errors,
        warning_count=warnings,
        result=result,
        imported_by=user_of(actor),
    )
    record_audit(
        actor,
        "annual.supervision_imported",
        record,
        agency=seat,
        batch=batch,
        filename=record.filename,
        year=record.year,
        matched_agency=matched,
        readable=record.readable,
        errors=errors,
        warnings=warnings,
    )
    return record


def import_reports(*, actor: Actor, seat: Agency, year: int, files: Sequence[Candidate]) -> ImportBatch:
    """Read and store ``files`` for the seat's roll-up inline, all in one transaction; a report names its
    year, else it is ``year``. The page starts a job instead (:func:`start_import`)."""
    _require_supervisor(actor, seat)
    agencies = subtree_names(seat)
    batch = uuid.uuid4().hex
    with transaction.atomic():
        imported = [
            import_one(actor=actor, seat=seat, year=year, batch=batch, candidate=f, agencies=agencies)
            for f in files
        ]
    return ImportBatch(batch, imported)


#: The one input of an ``annual.bulk_import`` job: the files sent, in their order, as the entries of an
#: uncompressed zip named by position (``0000``, ``0001``…; their names are the job's ``names`` parameter).
#: One stored file rather than 300: the request pays for one file and one row, not for one of each per file.
BUNDLE_NAME = "upload.zip"


def _write_bundle(uploads: Sequence[UploadedFile], bundle: IO[bytes]) -> None:
    """Write the uploads as the entries of an uncompressed zip into ``bundle`` (copied in blocks)."""
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for position, upload in enumerate(uploads):
            upload.seek(0)  # a zip's directory was read: copy the whole file, from its start
            info = zipfile.ZipInfo(f"{position:04d}")
            info.file_size = upload.size or 0
            with archive.open(info, "w", force_zip64=True) as entry:
                shutil.copyfileobj(upload, entry, 1 << 20)
    bundle.seek(0)


def start_import(
    *, actor: Actor, seat: Agency, year: int, uploads: Sequence[UploadedFile], collected: Collected
) -> Job:
    """Store the upload (screened by :func:`collect` into ``collected``) as an ``annual.bulk_import`` job's
    input (:data:`BUNDLE_NAME`), unread; the job imports it (:mod:`gongkai.annual.jobs`). The batch is named
    now, so that the results page of the upload is known before the job runs."""
    _require_supervisor(actor, seat)
    batch = uuid.uuid4().hex
    with tempfile.TemporaryFile() as bundle:
        _write_bundle(uploads, bundle)
        return jobs.start(
            "annual.bulk_import",
            actor=actor,
            agency=seat,
            params={
                "year": year,
                "batch": batch,
                "files": len(collected.candidates),
                "names": [u.name or "" for u in uploads],
            },
            inputs=[(BUNDLE_NAME, bundle)],
            title=_("%(year)s年度报告批量导入（%(count)d 个文件）")
            % {"year": year, "count": len(collected.candidates)},
        )


def stored_sources(bundle: JobFile, names: Sequence[str], stack: ExitStack) -> list[Source]:
    """The files of the job's stored upload (:data:`BUNDLE_NAME`) as :class:`Source`, with the names they
    were sent with (the bundle stays open until ``stack`` closes)."""
    handle = stack.enter_context(bundle.file.open("rb"))
    archive = stack.enter_context(zipfile.ZipFile(handle))
    infos = sorted(archive.infolist(), key=lambda info: info.filename)
    if len(infos) != len(names):
        raise ValueError(f"the stored upload holds {len(infos)} files, not {len(names)}")

    def source(info: zipfile.ZipInfo, name: str) -> Source:
        def stream() -> IO[bytes]:
            return stack.enter_context(archive.open(info))

        def read() -> bytes:
            return archive.read(info)

        return Source(name, info.file_size, stream, read)

    return [source(info, name) for info, name in zip(infos, names, strict=True)]


def assign_agency(*, actor: Actor, seat: Agency, imported: ImportedReport, agency: Agency) -> ImportedReport:
    """Put a bulk-imported report under ``agency`` (an agency of the seat's subtree)."""
    if actor is None or not permissions.can_supervise(actor, seat):
        raise PermissionDenied(_("只有政务公开办可以调整导入的年度报告。"))
    if not Agency.objects.subtree_of(seat).filter(pk=agency.pk).exists():
        raise services.ReportError({"agency": _("只能归入本单位及下级机关。")})
    with transaction.atomic():
        record = (
            ImportedReport.objects.select_for_update()
            .filter(pk=imported.pk, purpose=ImportPurpose.SUPERVISION, imported_for=seat)
            .first()
        )
        if record is None:
            raise PermissionDenied(_("只能调整本单位批量导入的报告。"))
        before = record.agency_id
        record.agency = agency
        record.save(update_fields=["agency"])
        record_audit(
            actor,
            "annual.supervision_import_assigned",
            record,
            agency=seat,
            before=before,
            after=agency.pk,
        )
    return record


def imports_of(seat: Agency, year: int, batch: str = "") -> QuerySet[ImportedReport]:
    """The imports the seat sees for ``year`` (latest first), or those of one upload (by file name),
    whatever the years their reports name."""
    rows = visible_imports(seat).select_related("agency")
    if batch:
        return rows.filter(purpose=ImportPurpose.SUPERVISION, result__import_batch=batch).order_by(
            "filename", "id"
        )
    return rows.filter(year=year).order_by("-imported_at", "-id")
