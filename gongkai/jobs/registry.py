"""The kinds of job: a name, a label and the function that does the work (its handler).

Each app declares its own in its ``jobs.py`` (imported at start by :class:`gongkai.jobs.apps.JobsConfig`)::

    @job_kind("annual.bulk_import", label=_("批量导入年报"))
    def bulk_import(run: JobRun) -> dict[str, object]: ...

The registry is code, the same in every process: it holds no state of any job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

#: A handler takes the :class:`gongkai.jobs.runner.JobRun` (typed ``Any`` here: the runner imports this
#: module) and returns the job's JSON result.
Handler = Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    handler: Handler


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label: str | Promise) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of jobs of kind ``name``."""

    def register(handler: Handler) -> Handler:
        existing = _KINDS.get(name)
        if existing is not None and existing.handler is not handler:
            qualname = f"{handler.__module__}.{handler.__qualname__}"
            if f"{existing.handler.__module__}.{existing.handler.__qualname__}" != qualname:
                raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(name=name, label=label, handler=handler)
        return handler

    return register


def get(name: str) -> JobKind:
    """The kind called ``name``; ``KeyError`` when no app declares it."""
    return _KINDS[name]


def label(name: str) -> str | Promise:
    kind = _KINDS.get(name)
    return kind.label if kind is not None else name


def names() -> list[str]:
    return sorted(_KINDS)
