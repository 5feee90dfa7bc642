"""The attachments of an import, matched by file name: a folder (the command line) or a ``.zip`` (the
command line and the workspace's upload), held to the zip guard's limits before anything is read.

Names are matched without their folder, case-insensitively, after Unicode NFC normalisation; a zip
written by Chinese Windows without the UTF-8 flag has its names decoded as GB18030. Pure: no Django.
"""

from __future__ import annotations

import unicodedata
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from gongkai.core.messages import N_, Message
from gongkai.documents import zipguard

#: The limits of an attachments archive: many files, but not a bomb.
ZIP_LIMITS = zipguard.ZipLimits(max_members=20_000, max_total_bytes=4 * 2**30, max_ratio=200.0)

MSG_NOT_FOUND = N_("找不到附件文件夹或压缩包：%(path)s。")
MSG_BAD_ZIP = N_("附件压缩包已损坏或不是 .zip 文件，无法读取：请重新压缩后再导入。")
MSG_ZIP_LIMIT = N_(
    "附件压缩包超出限制（文件数最多 %(members)s 个，解压后最多 %(gb)s GB，且不能是“压缩炸弹”）："
    "请拆分后分别导入。"
)
MSG_DUPLICATE = N_("附件压缩包或文件夹中有多个同名文件“%(name)s”：请改名，使每个附件的文件名唯一。")


class FilesUnreadable(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.template)
        self.message = message


def name_key(name: str) -> str:
    """How a name in the 附件 column meets a file: its last part, NFC, case-folded, trimmed."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return unicodedata.normalize("NFC", base).strip().casefold()


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:  # zipfile decoded it as cp437: the bytes as written were probably GBK
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


class FileSource(ABC):
    """Files by name: ``names()`` lists them (as written), ``read(name)`` gives the bytes or None."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._duplicates: set[str] = set()

    def _add(self, name: str, handle: str) -> None:
        key = name_key(name)
        if not key or key.startswith("."):
            return
        if key in self._names:
            self._duplicates.add(key)
        self._names[key] = handle

    def display_name(self, name: str) -> str:
        handle = self._names.get(name_key(name), name)
        return handle.replace("\\", "/").rsplit("/", 1)[-1]

    def has(self, name: str) -> bool:
        return name_key(name) in self._names

    def duplicate(self, name: str) -> Message | None:
        key = name_key(name)
        return Message(MSG_DUPLICATE, {"name": name}) if key in self._duplicates else None

    def __len__(self) -> int:
        return len(self._names)

    def read(self, name: str) -> bytes | None:
        handle = self._names.get(name_key(name))
        return None if handle is None else self._read(handle)

    @abstractmethod
    def _read(self, handle: str) -> bytes:
        """The bytes of the file a name was added with (each kind of source reads its own handles)."""

    def close(self) -> None:  # noqa: B027 - most sources hold nothing open; the zip's closes its archive
        """Release what the source holds open."""

    def __enter__(self) -> FileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NoFiles(FileSource):
    """No folder and no archive was given."""

    def _read(self, handle: str) -> bytes:  # pragma: no cover - holds no names
        raise KeyError(handle)


class FolderSource(FileSource):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self._add(path.name, str(path))

    def _read(self, handle: str) -> bytes:
        return Path(handle).read_bytes()


class ZipSource(FileSource):
    def __init__(self, source: bytes | IO[bytes]) -> None:
        super().__init__()
        self._handle = None if isinstance(source, bytes) else source
        try:
            infos = zipguard.check_zip(source, ZIP_LIMITS)
            if not isinstance(source, bytes):
                source.seek(0)
            self._zip = zipguard.open_zip(source)
        except zipguard.ZipRefused as exc:
            self.close()
            raise FilesUnreadable(
                Message(
                    MSG_ZIP_LIMIT,
                    {"members": ZIP_LIMITS.max_members, "gb": ZIP_LIMITS.max_total_bytes // 2**30},
                )
            ) from exc
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            self.close()
            raise FilesUnreadable(Message(MSG_BAD_ZIP)) from exc
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir():
                continue
            name = _member_name(info)
            self._infos[name] = info
            self._add(name, name)

    def _read(self, handle: str) -> bytes:
        return self._zip.read(self._infos[handle])

    def close(self) -> None:
        if getattr(self, "_zip", None) is not None:
            self._zip.close()
        if self._handle is not None:
            self._handle.close()


def open_source(path: str | None) -> FileSource:
    """The files at ``path`` (a folder or a .zip), or none; :class:`FilesUnreadable` when unreadable."""
    if not path:
        return NoFiles()
    target = Path(path)
    if target.is_dir():
        return FolderSource(target)
    if not target.is_file():
        raise FilesUnreadable(Message(MSG_NOT_FOUND, {"path": path}))
    return ZipSource(target.open("rb"))


def iter_names(source: FileSource) -> Iterator[str]:
    yield from source._names


class MemorySource(FileSource):
    """Files held in memory (a crawled entry's attachments, fetched by name)."""

    def __init__(self) -> None:
        super().__init__()
        self._data: dict[str, bytes] = {}

    def put(self, name: str, data: bytes) -> None:
        self._data[name] = data
        self._add(name, name)

    def _read(self, handle: str) -> bytes:
        return self._data[handle]
