"""Old Word files (.doc, Word 97–2003) and WPS Office files (.wps) converted by LibreOffice headless
(Debian ``libreoffice-writer-nogui``): to .docx to be read as one (:mod:`.docx`; :func:`to_docx`), to PDF to
be redacted as one (:mod:`.redact`; :func:`to_pdf`).

:func:`convert` runs ``soffice --headless --convert-to FORMAT`` on the bytes in a temporary folder, with a
LibreOffice profile of its own in that folder (``-env:UserInstallation=file:///…``) so that conversions
running at the same time never share (and lock) one profile, in a process group of its own that is killed
whole when it passes :data:`SECONDS`. It is called inside the limited child process of
:mod:`gongkai.documents.isolated` (the checker's parsing, the catalogue's extraction), whose memory limit
LibreOffice inherits.

WPS Office saves ``.wps`` in the Word 97 binary format (an OLE2 file with a ``WordDocument`` stream):
LibreOffice reads it like a ``.doc``. Kingsoft's own format of WPS 2000 and before (not OLE2, or OLE2
without a ``WordDocument`` stream) is not readable: :class:`ConversionFailed`. No Django.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

#: Wall-clock seconds one conversion may take (a fresh profile costs a few seconds by itself).
SECONDS = 60.0
#: The LibreOffice programs looked for, in order.
PROGRAMS = ("soffice", "libreoffice")


class OfficeUnavailable(Exception):
    """LibreOffice is not installed."""


class ConversionFailed(Exception):
    """LibreOffice could not convert the file (broken, or a format it does not read); ``timeout`` when it
    took longer than :data:`SECONDS`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.timeout = reason == "timeout"


def program() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


#: LibreOffice's export filters: to .docx (for reading), to PDF (for redaction), to .doc (tests make old Word
#: files with it).
DOCX = ("docx:MS Word 2007 XML", ".docx")
PDF = ("pdf:writer_pdf_Export", ".pdf")
DOC = ("doc:MS Word 97", ".doc")


def to_docx(data: bytes, suffix: str = ".doc", seconds: float = SECONDS) -> bytes:
    """The .docx LibreOffice makes of ``data`` (a .doc or .wps; ``suffix`` is the input's extension, which
    LibreOffice uses to pick its filter)."""
    return convert(data, suffix, DOCX, seconds)


def to_pdf(data: bytes, suffix: str = ".doc", seconds: float = SECONDS) -> bytes:
    """The PDF LibreOffice prints of ``data`` (a .doc or .wps, or any document LibreOffice Writer opens:
    .docx, .odt, .rtf; ``suffix`` is the input's extension). Its text layer is the document's text."""
    return convert(data, suffix, PDF, seconds)


def convert(data: bytes, suffix: str, target: tuple[str, str], seconds: float = SECONDS) -> bytes:
    """What LibreOffice makes of ``data`` (named ``input{suffix}``) with the export filter ``target``
    (:data:`DOCX`, :data:`PDF`, :data:`DOC`: the ``--convert-to`` argument and the output's extension)."""
    soffice = program()
    if soffice is None:
        raise OfficeUnavailable
    with tempfile.TemporaryDirectory(prefix="gongkai-office-") as folder:
        base = Path(folder)
        source = base / f"input{suffix}"
        source.write_bytes(data)
        out = base / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(base / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            target[0],
            "--outdir",
            str(out),
            str(source),
        ]
        environment = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL") if name in os.environ}
        environment["HOME"] = folder
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
            cwd=folder,
            start_new_session=True,
        )
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired as error:
            raise ConversionFailed("timeout") from error
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        result = out / f"input{target[1]}"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed(f"exit status {process.returncode}")
        return result.read_bytes()
