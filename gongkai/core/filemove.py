"""Moving every stored file from one storage to the other (``gongkai files move --to database|s3``).

The rows keep their names: a file ``catalogue/<uuid>`` is copied under the same name, the copy read back
and compared by SHA-256 with the original, and only then is the original deleted. Each file is one step
committed on its own, so a move stopped half-way (a crash, a lost connection) is finished by running it
again: a file already in the target with the right bytes is not copied twice, one with other bytes (a
copy cut short) is written again, one already gone from the source is counted as moved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from gongkai.core.storage import read_stored, stored_names

#: ``progress(done, total, name, outcome)`` after each file.
Progress = Callable[[int, int, str, str], None]

COPIED, ALREADY, MISSING, FAILED, WOULD_COPY = "copied", "already", "missing", "failed", "would_copy"


@dataclass
class MoveResult:
    total: int = 0
    copied: int = 0
    already: int = 0
    would_copy: int = 0
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "copied": self.copied,
            "already": self.already,
            "would_copy": self.would_copy,
            "missing": len(self.missing),
            "failed": len(self.failed),
        }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _target_digest(target: Storage, name: str) -> str | None:
    try:
        return _sha256(read_stored(target, name))
    except FileNotFoundError:
        return None


def move_one(source: Storage, target: Storage, name: str, *, dry_run: bool = False) -> str:
    """Move one file; returns what happened (:data:`COPIED`, :data:`ALREADY`, ...)."""
    try:
        data = read_stored(source, name)
    except FileNotFoundError:
        # Not (or no longer) in the source: moved by an earlier run if the target has it.
        return ALREADY if target.exists(name) else MISSING
    if dry_run:
        return WOULD_COPY
    digest = _sha256(data)
    existing = _target_digest(target, name) if target.exists(name) else None
    if existing is not None and existing != digest:
        target.delete(name)  # a copy cut short by an earlier run
    if existing != digest:
        saved = target.save(name, ContentFile(data))
        if saved != name:  # the target gave it another name: not ours to keep
            target.delete(saved)
            return FAILED
    if _target_digest(target, name) != digest:
        return FAILED
    source.delete(name)
    return COPIED


def move_files(
    source: Storage, target: Storage, *, dry_run: bool = False, progress: Progress | None = None
) -> MoveResult:
    """Move every file the rows refer to from ``source`` to ``target`` (see the module docstring)."""
    names = stored_names()
    result = MoveResult(total=len(names))
    for done, name in enumerate(names, start=1):
        outcome = move_one(source, target, name, dry_run=dry_run)
        if outcome == COPIED:
            result.copied += 1
        elif outcome == ALREADY:
            result.already += 1
        elif outcome == WOULD_COPY:
            result.would_copy += 1
        elif outcome == MISSING:
            result.missing.append(name)
        else:
            result.failed.append(name)
        if progress is not None:
            progress(done, len(names), name, outcome)
    return result
