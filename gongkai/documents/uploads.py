"""What an uploaded file may be: one policy for every app that keeps files people upload (the catalogue's
attachments, a case's file 案卷).

:func:`check_upload` takes the name the browser sent and the bytes and answers with a :class:`CheckedUpload`
(the clean name, the sniffed kind, the content type), or raises :class:`UploadRefused` saying what is wrong
and how to fix it, as :class:`~gongkai.core.messages.Message` s the caller renders in the reader's language.

The kind is sniffed from the bytes (:mod:`gongkai.documents.sniffing`), never taken from the name; the name's
extension must agree with it (a renamed executable or a web page called ``.pdf`` is refused). By default
only PDF, Word (.docx), Excel (.xlsx) and images are accepted (:data:`DEFAULT_KINDS`: a case's file); the
catalogue's attachments also take old Word and WPS files (.doc, .wps: Word 97 binary), OFD and zip
archives (:data:`ATTACHMENT_KINDS`), whose text the catalogue reads with the same readers. Given
``zip_limits``, a .docx, .xlsx, .ofd or .zip is also held to :func:`gongkai.documents.zipguard.check_zip`
(a zip bomb is refused before anyone opens it).

Pure: no Django.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from gongkai.core.messages import N_, Message
from gongkai.documents import sniffing, zipguard
from gongkai.documents.text import decode_text

#: Sniffed kinds that may be uploaded, with the extensions each may have.
ALLOWED_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "image": (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"),
    "doc": (".doc", ".wps"),
    "ofd": (".ofd",),
    "zip": (".zip",),
}
#: The kinds :func:`check_upload` accepts unless told otherwise (a case's file 案卷).
DEFAULT_KINDS: tuple[str, ...] = ("pdf", "docx", "xlsx", "image")
#: The kinds the catalogue's attachments may be.
ATTACHMENT_KINDS: tuple[str, ...] = (*DEFAULT_KINDS, "doc", "ofd", "zip")
#: What each kind is called in a refusal.
KIND_LABELS: dict[str, str] = {
    "pdf": N_("PDF 文件"),
    "docx": N_("Word 文档（.docx）"),
    "xlsx": N_("Excel 表格（.xlsx）"),
    "image": N_("图片"),
    "doc": N_("旧版 Word 或 WPS 文档（.doc、.wps）"),
    "ofd": N_("OFD 版式文件（.ofd）"),
    "zip": N_("zip 压缩包"),
    "text": N_("纯文本文件"),
    "unknown": N_("无法识别的格式"),
}
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "ofd": "application/ofd",
    "zip": "application/zip",
}
#: Extensions of old Office and WPS files, which are refused (where not accepted) with a hint to save them
#: as .docx/.xlsx.
OLD_OFFICE_EXTENSIONS = (".doc", ".xls", ".wps", ".et")
#: How much of a file decides whether it is text.
TEXT_SAMPLE = 65536


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    #: ``pdf``, ``docx``, ``xlsx``, ``image`` (and for attachments ``doc``, ``ofd``, ``zip``).
    kind: str
    content_type: str


class UploadRefused(Exception):
    """The file may not be uploaded. ``messages`` say why (rendered and joined by the caller); ``code`` is
    one of ``bad_filename``, ``empty_file``, ``too_large``, ``file_type``, ``extension_mismatch``,
    ``zip_refused``."""

    def __init__(self, code: str, *messages: Message) -> None:
        super().__init__("".join(str(m) for m in messages))
        self.code = code
        self.messages = messages


def clean_filename(filename: str) -> str:
    """The file's own name: no directories, no control characters, at most 255 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 255 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name


def extension(name: str) -> str:
    """``.pdf`` for ``a.PDF``; "" when the name has none."""
    _stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def file_kind(data: bytes) -> str:
    """``pdf``, ``docx``, ``xlsx``, ``image``, ``doc`` (Word 97 binary: .doc or WPS's .wps), ``ofd``,
    ``zip``, ``text`` or ``unknown``, from the bytes only."""
    sniffed = sniffing.sniff(data)
    kind = sniffed.kind
    if kind == "ole":
        return "doc" if sniffed.detail == "doc" else "unknown"
    if kind in ALLOWED_EXTENSIONS:
        return kind
    if kind in ("other", "rtf"):
        sample = decode_text(data[:TEXT_SAMPLE], final=len(data) <= TEXT_SAMPLE)
        return "text" if sample is not None else "unknown"
    return "unknown"


def content_type(kind: str, data: bytes) -> str:
    if kind == "image":
        return sniffing.IMAGE_CONTENT_TYPES.get(sniffing.image_format(data), "application/octet-stream")
    return CONTENT_TYPES.get(kind, "application/octet-stream")


def check_upload(
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    zip_limits: zipguard.ZipLimits | None = None,
    kinds: tuple[str, ...] = DEFAULT_KINDS,
) -> CheckedUpload:
    """The file's clean name, kind and content type, or :class:`UploadRefused` (``kinds``: those accepted,
    :data:`DEFAULT_KINDS` or :data:`ATTACHMENT_KINDS`)."""
    name = clean_filename(filename)
    if not name:
        raise UploadRefused("bad_filename", Message(N_("文件名无效。")))
    if not data:
        raise UploadRefused("empty_file", Message(N_("文件“%(name)s”是空的。"), {"name": name}))
    if len(data) > max_bytes:
        raise UploadRefused(
            "too_large",
            Message(N_("文件“%(name)s”超过 %(mb)s MB，不能上传。"), {"name": name, "mb": max_bytes // 2**20}),
        )
    kind = file_kind(data)
    if kind not in kinds:
        only = (
            N_("只能上传 PDF、Word（.docx）、Excel（.xlsx）文件或图片；“%(name)s”是%(kind)s。")
            if set(kinds) <= set(DEFAULT_KINDS)
            else N_(
                "只能上传 PDF、OFD、Word（.docx、.doc、.wps）、Excel（.xlsx）文件、图片或 zip 压缩包；"
                "“%(name)s”是%(kind)s。"
            )
        )
        refusal = Message(
            only, {"name": name, "kind": Message(KIND_LABELS.get(kind, KIND_LABELS["unknown"]))}
        )
        if extension(name) in OLD_OFFICE_EXTENSIONS:
            hint = Message(N_("旧版 Word、Excel 或 WPS 格式请另存为 .docx 或 .xlsx 后上传。"))
            raise UploadRefused("file_type", refusal, hint)
        raise UploadRefused("file_type", refusal)
    if extension(name) not in ALLOWED_EXTENSIONS[kind]:
        raise UploadRefused(
            "extension_mismatch",
            Message(
                N_(
                    "文件“%(name)s”的扩展名（%(extension)s）与文件内容（%(kind)s）不符，"
                    "请确认文件无误并使用正确的扩展名（%(allowed)s）。"
                ),
                {
                    "name": name,
                    "extension": extension(name) or Message(N_("无")),
                    "kind": Message(KIND_LABELS[kind]),
                    "allowed": " / ".join(ALLOWED_EXTENSIONS[kind]),
                },
            ),
        )
    if zip_limits is not None and kind in ("docx", "xlsx", "ofd", "zip"):
        _check_office_zip(name, data, zip_limits)
    return CheckedUpload(name, kind, content_type(kind, data))


def _check_office_zip(name: str, data: bytes, limits: zipguard.ZipLimits) -> None:
    try:
        zipguard.check_zip(data, limits)
    except zipguard.ZipRefused as exc:
        raise UploadRefused(
            "zip_refused",
            Message(
                N_(
                    "文件“%(name)s”解压后过大或结构异常（可能是“压缩炸弹”），不能上传。"
                    "请用 Word 或 Excel 打开后另存为新文件再上传。"
                ),
                {"name": name},
            ),
        ) from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UploadRefused(
            "zip_refused",
            Message(N_("文件“%(name)s”已损坏，无法打开。请重新导出后再上传。"), {"name": name}),
        ) from exc
