"""The child process that reads a PDF for :mod:`gongkai.catalogue.extract`, under hard limits.

A small PDF can make the PDF library inflate one stream into gigabytes or spin for minutes, so PDF text
is never extracted in the web server's own process: :func:`gongkai.catalogue.extract.extract_text` runs

    python -m gongkai.catalogue.extract_worker MEMORY_BYTES CPU_SECONDS MAX_PAGES MAX_CHARS

with the PDF on stdin. The limits are set here first — the address space (``RLIMIT_AS``) and the CPU
time (``RLIMIT_CPU``; the kernel stops the process) — before anything is read or parsed; doing it in the
child rather than in a ``preexec_fn`` keeps the parent safe when it runs threads. The answer is one JSON
object on stdout: ``{"text", "pages", "problem", "page_starts"}``. Running out of memory exits with
:data:`OUT_OF_MEMORY`; any other exit status, a signal, or no answer in time means the file was not
checked, and the parent says so. No Django here.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys

#: Exit status when the memory limit was reached.
OUT_OF_MEMORY = 3
#: Exit status when the arguments are not understood.
USAGE = 2


def set_limits(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time (soft and hard: they cannot be raised again)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # SIGXCPU (which ends the process) at the soft limit; SIGKILL at the hard one should it be caught.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def main(argv: list[str]) -> int:
    try:
        memory_bytes, cpu_seconds, max_pages, max_chars = (int(arg) for arg in argv)
    except ValueError:
        print("usage: extract_worker MEMORY_BYTES CPU_SECONDS MAX_PAGES MAX_CHARS", file=sys.stderr)
        return USAGE
    set_limits(memory_bytes, cpu_seconds)
    logging.disable(logging.CRITICAL)  # the PDF library's warnings are not the answer
    try:
        data = sys.stdin.buffer.read()
        from gongkai.catalogue import extract

        extract.MAX_PAGES, extract.MAX_CHARS = max_pages, max_chars
        result = extract.pdf_in_this_process(data)
        answer = json.dumps(
            {
                "text": result.text,
                "pages": result.pages,
                "problem": result.problem,
                "page_starts": list(result.page_starts),
            },
            ensure_ascii=False,
        ).encode()
    except MemoryError:
        os._exit(OUT_OF_MEMORY)  # nothing more can be done safely without memory
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
