"""Functions the tests run in a child of :mod:`gongkai.documents.isolated` (module level, so that the child
can import them; no Django, as in the child)."""

from __future__ import annotations

import os
import time

from gongkai.checker.source import UnreadableFile
from gongkai.documents import isolated


def in_child() -> bool:
    return isolated._in_child


def nested() -> tuple[bool, int, bool]:
    """Inside a child, run_isolated runs in place: same process, still a child."""
    return isolated.run_isolated(in_child), os.getpid(), isolated.run_isolated(os.getpid) == os.getpid()


def raising() -> None:
    raise UnreadableFile("坏文件")


def dying() -> None:
    os._exit(9)


def environment() -> list[str]:
    return sorted(os.environ)


def answer_of(value: object) -> object:
    return value


def peak_memory() -> str:
    with open("/proc/self/status") as status:
        return "".join(line for line in status if line.startswith(("VmPeak", "VmSize", "VmRSS")))


def sleeping(seconds: float) -> None:
    time.sleep(seconds)
