"""The fork server's children do not run the parent's program again: imported by the fork server of
:mod:`gongkai.documents.isolated` (one of its preloads), before it forks any child.

``multiprocessing`` prepares every child of a fork server as it would a child of the parent process: it
runs the parent's ``__main__`` again in the child, under the name ``__mp_main__``
(``multiprocessing.spawn.prepare``, from ``init_main_from_path`` or ``init_main_from_name``), so that
functions defined there can be unpickled. (Naming ``"__main__"`` among the server's preloads does not
spare it on Python 3.11: the server is never given the parent's path.) A child of ours runs only
module-level functions of importable modules — :func:`~gongkai.documents.isolated.run_isolated` refuses
any other — so the parent's program is never needed there, and it can be heavy: a script that sets Django
up at its top cost each child 0.8–0.95 s; the installed ``gongkai`` script (``gongkai worker``, ``gongkai
serve``'s workers, ``gongkai check``), ``manage.py`` or pytest's, milliseconds to tens of them
(docs/benchmarks.md). Here the preparation is the same less that step: the parent's ``sys.path``,
``sys.argv``, working directory and authentication key are still applied.

Importing this module anywhere else changes nothing: ``prepare`` runs only in a process started by
``multiprocessing``'s spawn or fork server machinery, never in the process that imported it. No Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from multiprocessing import spawn
from typing import Any

#: The preparation data that makes a child run the parent's ``__main__`` again.
MAIN_KEYS = frozenset({"init_main_from_path", "init_main_from_name"})

_prepare = spawn.prepare


def prepare_without_main(data: Mapping[str, Any]) -> None:
    """``multiprocessing.spawn.prepare`` of ``data`` without running the parent's ``__main__``."""
    _prepare({key: value for key, value in data.items() if key not in MAIN_KEYS})


spawn.prepare = prepare_without_main
