"""Every outside document is read in a child process under hard limits: :func:`run_isolated` runs one
reading function (the checker's ``parse_bytes``, the catalogue's text extraction, a PDF reading) in a
child and gives back its result or re-raises its exception. A small file can make a library inflate
one stream into gigabytes (a PDF, a zip bomb inside a .docx, pathological XML) or spin for minutes, so no
outside document is parsed in a web worker, a bulk import or the ``gongkai check`` command itself.

The children come from :mod:`multiprocessing`'s **forkserver**: one server process per parent, started
on the first reading with the libraries and our reader modules already imported (:data:`PRELOAD`, plus
what :func:`preload` and each reading's own module add before it starts); each reading is a ``fork`` of
that server — a few milliseconds instead of the half second a fresh interpreter takes to import the
libraries — and safe even when the parent runs threads (the server forks, not the parent). A child
knows nothing of the parent: no settings, no database connection, no request, not even its program (the
parent's ``__main__`` is not run again in the child, :mod:`gongkai.documents.nomain`); its environment is
reduced to a few harmless variables.

The child sets its limits first — the address space (``RLIMIT_AS``) and the CPU time (``RLIMIT_CPU``; the
kernel stops the process) — before it runs the reading. The parent waits at most
:data:`TIMEOUT_SECONDS` for the answer and kills the child then. Running out of memory exits with
:data:`OUT_OF_MEMORY`; any other exit, a signal, no answer in time or an answer that cannot be read
raises :class:`TooComplex` in the parent, which the caller words in Chinese; so does a reading that
failed after its peak address space came close to the limit (a C library does not always say it ran out
of memory). An exception the reading
raises (``UnreadableFile``…) is raised again in the parent. Limits are read by the parent at each call
and passed to the child: a child never sees the parent's module state (a reading's own limits must be
passed as arguments too).

Inside a child :func:`run_isolated` runs the function in place (the child already holds the limits), so
a reading that reads a PDF with :func:`read_isolated` costs one child, not two. No Django here.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import time
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, ParamSpec, TypeVar

from gongkai.documents import pdf

#: Limits of the child: address space, CPU time, and time in all (seconds). Read at each call.
MEMORY_BYTES = 768 * 2**20
CPU_SECONDS = 60
TIMEOUT_SECONDS: float = 90
#: Exit status when the memory limit was reached.
OUT_OF_MEMORY = 3
#: Modules the fork server imports once, so that no child imports them again. Not ``__main__`` (the
#: parent's program): no child runs it (:mod:`gongkai.documents.nomain`, imported by the server first).
PRELOAD: list[str] = [
    "gongkai.documents.pdf",
    "gongkai.documents.docx",
    "gongkai.documents.sniffing",
    "pdfplumber",
    "pdfminer.pdfdocument",
    "docx",
    "lxml.etree",
    "lxml.html",
    "openpyxl",
]
#: Environment variables a child keeps (nothing secret).
KEEP_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "TMPDIR", "PYTHONDONTWRITEBYTECODE")

P = ParamSpec("P")
R = TypeVar("R")

#: True in a child: a reading there runs in place.
_in_child = False
#: The child's memory limit (0 outside a child).
_memory_limit = 0
#: In a child: when the parent stops waiting for it (``time.monotonic``); 0 outside a child.
_deadline = 0.0


class TooComplex(Exception):
    """The child reached a limit, failed, or gave no usable answer: the file was not read."""


def preload(*modules: str) -> None:
    """Have the fork server import ``modules`` (effective until it has started: call it at start-up)."""
    for module in modules:
        if module not in PRELOAD:
            PRELOAD.append(module)


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["gongkai.documents.nomain", *PRELOAD, "gongkai.documents.frozen"])
    return context


def run_isolated(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``function(*args, **kwargs)`` run in a limited child process (in place when already in one).

    ``function`` must be a module-level function of an importable module (not of the running program:
    a child does not run it, :mod:`gongkai.documents.nomain`) and its arguments and result picklable.
    Raises what ``function`` raised, or :class:`TooComplex`.
    """
    if _in_child:
        return function(*args, **kwargs)
    if getattr(function, "__module__", None) in ("__main__", "__mp_main__"):
        raise TypeError(f"{function!r}: a child runs only functions of importable modules, not the program's")
    preload(function.__module__)
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sender, function, args, kwargs, MEMORY_BYTES, CPU_SECONDS, TIMEOUT_SECONDS),
        daemon=True,
        name="gongkai-isolated",
    )
    try:
        child.start()
    except OSError as error:
        receiver.close()
        sender.close()
        raise TooComplex(type(error).__name__) from error
    sender.close()  # the child holds the sending end: when it dies, the receiver sees the end
    try:
        answer = _receive(receiver, child)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
    succeeded, value = answer
    if succeeded:
        return value  # type: ignore[no-any-return]
    if isinstance(value, Exception):
        raise value
    raise TooComplex("no answer")


def _receive(receiver: Connection, child: Any) -> tuple[bool, Any]:
    if not receiver.poll(TIMEOUT_SECONDS):
        raise TooComplex("TimeoutExpired")  # the child is killed by the caller
    try:
        answer = receiver.recv()
    except EOFError as error:  # the child died without an answer: its exit status says why
        child.join()
        raise TooComplex(f"exit status {child.exitcode}") from error
    except Exception as error:  # an answer that cannot be unpickled
        raise TooComplex("no answer") from error
    if not (isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[0], bool)):
        raise TooComplex("no answer")
    return answer


def set_limits(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time (soft and hard: they cannot be raised again)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # SIGXCPU (which ends the process) at the soft limit; SIGKILL at the hard one should it be caught.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def _child(
    sender: Connection,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    memory_bytes: int,
    cpu_seconds: int,
    timeout: float,
) -> None:
    """The child: limits first, then the reading; its result or exception sent back."""
    global _in_child, _memory_limit, _deadline
    _deadline = time.monotonic() + timeout
    _in_child = True
    _memory_limit = memory_bytes
    set_limits(memory_bytes, cpu_seconds)
    for name in [name for name in os.environ if name not in KEEP_ENVIRONMENT]:
        del os.environ[name]
    logging.disable(logging.CRITICAL)  # the libraries' warnings are not the answer
    answer: tuple[bool, Any]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            answer = (True, function(*args, **kwargs))
    except BaseException as error:
        if pdf.out_of_memory(error) or _reached(memory_bytes):
            os._exit(OUT_OF_MEMORY)  # nothing more can be done safely without memory
        answer = (False, error)
    try:
        sender.send(answer)
    except MemoryError:
        os._exit(OUT_OF_MEMORY)
    except Exception:  # an answer that cannot be pickled
        sender.send((False, None))
    sender.close()
    os._exit(0)  # done: skip the interpreter's and multiprocessing's clean-up of a copy of the server


#: How close to the memory limit the child's peak address space must come to count as having reached it.
MEMORY_MARGIN_BYTES = 32 * 2**20


def seconds_left() -> float:
    """In a child: the seconds before the parent stops waiting for it (a long reading — OCR — stops
    before, to say why); outside a child: :data:`TIMEOUT_SECONDS`, what a child would be given."""
    return _deadline - time.monotonic() if _in_child else TIMEOUT_SECONDS


def out_of_memory() -> bool:
    """In a child: whether it came close to its memory limit (a reading that swallows its errors asks, and
    raises again: the child then ends as out of memory). Always False outside a child."""
    return _in_child and _reached(_memory_limit)


def _reached(memory_bytes: int) -> bool:
    """Whether this process's peak address space came within :data:`MEMORY_MARGIN_BYTES` of the limit.

    A C library that runs out of memory does not always say so (libxml2 raises "unknown error", which
    python-docx reports as a broken file): the peak tells.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024 >= memory_bytes - MEMORY_MARGIN_BYTES
    except (OSError, ValueError, IndexError):
        pass
    return False


def read_isolated(reading: str, data: bytes, **options: Any) -> dict[str, Any]:
    """The answer of the PDF ``reading`` (``pages``, ``layout`` or ``ocr``,
    :data:`gongkai.documents.pdf.READINGS`) for ``data``, read in a limited child process; raises
    :class:`TooComplex`."""
    if reading not in pdf.READINGS:
        raise ValueError(reading)
    answer = run_isolated(pdf.run_reading, reading, data, options)
    if not isinstance(answer, dict):
        raise TooComplex("no answer")
    return answer
