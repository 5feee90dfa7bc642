"""Every PDF is read in a child process under hard limits: :func:`read_isolated` runs

    python -m gongkai.documents.isolated READING MEMORY_BYTES CPU_SECONDS OPTIONS_JSON

with the file on stdin, for one of :data:`gongkai.documents.pdf.READINGS`. A small PDF can make the PDF
library inflate one stream into gigabytes or spin for minutes, so no PDF is parsed in a web worker.

The child sets its limits first — the address space (``RLIMIT_AS``) and the CPU time (``RLIMIT_CPU``; the
kernel stops the process) — before anything is read or parsed; doing it in the child rather than in a
``preexec_fn`` keeps the parent safe when it runs threads. The parent waits at most
:data:`PDF_TIMEOUT_SECONDS` and kills the child then. The answer is one JSON object on stdout. Running out
of memory exits with :data:`OUT_OF_MEMORY`; any other exit status, a signal, no answer in time or an answer
that is no JSON object raises :class:`TooComplex` in the parent, which the caller words in Chinese.
No Django here.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from gongkai.documents import pdf

#: Limits of the child: address space, CPU time, and time in all (seconds). Read at each call.
PDF_MEMORY_BYTES = 768 * 2**20
PDF_CPU_SECONDS = 60
PDF_TIMEOUT_SECONDS: float = 90
#: Exit status when the memory limit was reached.
OUT_OF_MEMORY = 3
#: Exit status when the arguments are not understood.
USAGE = 2


class TooComplex(Exception):
    """The child reached a limit, failed, or gave no usable answer: the file was not read."""


def read_isolated(reading: str, data: bytes, **options: int) -> dict[str, Any]:
    """The answer of ``reading`` (``pages`` or ``layout``) for ``data``, read in a limited child process."""
    command = [
        sys.executable,
        "-m",
        "gongkai.documents.isolated",
        reading,
        str(PDF_MEMORY_BYTES),
        str(PDF_CPU_SECONDS),
        json.dumps(options),
    ]
    try:
        done = subprocess.run(
            command,
            input=data,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=PDF_TIMEOUT_SECONDS,  # the child is killed when it passes
            env=_environment(),
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError) as error:
        raise TooComplex(type(error).__name__) from error
    if done.returncode != 0:
        raise TooComplex(f"exit status {done.returncode}")
    try:
        answer = json.loads(done.stdout)
    except ValueError as error:
        raise TooComplex("no answer") from error
    if not isinstance(answer, dict):
        raise TooComplex("no answer")
    return answer


def _environment() -> dict[str, str]:
    """A small environment for the child: where this package is, and nothing secret."""
    root = str(Path(__file__).resolve().parents[2])  # the directory that holds the gongkai package
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "PYTHONDONTWRITEBYTECODE")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment["PYTHONPATH"] = root
    return environment


def set_limits(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time (soft and hard: they cannot be raised again)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # SIGXCPU (which ends the process) at the soft limit; SIGKILL at the hard one should it be caught.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def main(argv: list[str]) -> int:
    try:
        reading, memory, cpu, options_json = argv
        memory_bytes, cpu_seconds = int(memory), int(cpu)
        options = json.loads(options_json)
        if reading not in pdf.READINGS or not isinstance(options, dict):
            raise ValueError(reading)
    except ValueError:
        print("usage: isolated READING MEMORY_BYTES CPU_SECONDS OPTIONS_JSON", file=sys.stderr)
        return USAGE
    set_limits(memory_bytes, cpu_seconds)
    logging.disable(logging.CRITICAL)  # the PDF library's warnings are not the answer
    try:
        data = sys.stdin.buffer.read()
        # ASCII JSON: a lone surrogate the PDF library let through is escaped, not an encoding error.
        answer = json.dumps(pdf.run_reading(reading, data, options)).encode()
    except MemoryError:
        os._exit(OUT_OF_MEMORY)  # nothing more can be done safely without memory
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
