"""A gunicorn configuration file for the benchmarks' servers: each worker writes every full collection of the
cyclic garbage collector (generation 2) to ``$BENCH_GC_LOG-<pid>.log``, one line each, "<wall ms> <CPU ms>".

A full collection stops the worker: every request it holds waits (docs/benchmarks.md, "The warm tail").
``bench_public.py`` gives it to every server it starts and prints, per server, how many there were and the
longest. Nothing else of gunicorn's configuration is set here (the command line sets the rest).
"""

from __future__ import annotations

import gc
import os
import time
from typing import Any


def post_fork(server: Any, worker: Any) -> None:
    prefix = os.environ.get("BENCH_GC_LOG")
    if not prefix:
        return
    log = open(f"{prefix}-{os.getpid()}.log", "a", buffering=1)  # noqa: SIM115 - open for the worker's life
    started: dict[str, float] = {}

    def record(phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started["wall"], started["cpu"] = time.perf_counter(), time.process_time()
        elif started:
            wall = (time.perf_counter() - started["wall"]) * 1000
            cpu = (time.process_time() - started["cpu"]) * 1000
            log.write(f"{wall:.2f} {cpu:.2f}\n")

    gc.callbacks.append(record)
