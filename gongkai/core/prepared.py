"""One row of a prepared statement, read through libpq directly (PostgreSQL; docs/benchmarks.md, Session 15).

A cached public page costs one query (:func:`gongkai.core.pagecache._fetch_one`); through a psycopg cursor
that query cost about twice the CPU of the round trip itself — the cursor's generators, the prepared
statements' bookkeeping, the query's conversion, a loader looked up per column — on a hit whose whole work is
that query. :func:`fetch_one` sends it through the connection's ``pgconn`` (psycopg's documented access to
libpq, "to send low level commands … not currently wrapped by psycopg"): ``PQexecPrepared`` of a statement
prepared once per connection under a name of its own (``gongkai_`` and a digest of the statement and its
parameters' types, never one of psycopg's ``_pg3_…``), the parameters dumped and the row loaded by psycopg's
own adapters (:class:`psycopg.adapt.Transformer`, as a cursor does: the same Python values).

A statement the server does not know (a new connection; a pooler's other server; ``DEALLOCATE ALL``,
``DISCARD ALL``) is prepared and run again: one more round trip, once. Any other error raises what a cursor
raises (``psycopg.errors``' class for its SQLSTATE, with the server's message).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from typing import Any, cast

import psycopg
from psycopg import errors, pq
from psycopg.adapt import PyFormat, Transformer

#: SQLSTATE ``invalid_sql_statement_name``: the server has no prepared statement of that name.
_UNKNOWN_STATEMENT = b"26000"
#: Django's placeholders, and its escaped percent sign.
_PLACEHOLDER = re.compile(r"%%|%s")


def numbered(sql: str) -> str:
    """``sql`` with its ``%s`` placeholders numbered as PostgreSQL's (``$1``, ``$2``…) and ``%%`` made ``%``,
    as a cursor reads it."""
    count = itertools.count(1)
    return _PLACEHOLDER.sub(lambda match: "%" if match.group() == "%%" else f"${next(count)}", sql)


@functools.lru_cache(maxsize=64)
def statement_name(sql: str, types: tuple[int, ...]) -> bytes:
    """The name ``sql`` is prepared under for parameters of the PostgreSQL types ``types`` (their OIDs);
    remembered (the statements are a few constant strings)."""
    digest = hashlib.sha256(f"{sql}\0{types}".encode()).hexdigest()[:24]
    return f"gongkai_{digest}".encode()


def _failure(raw: psycopg.Connection[Any], result: pq.abc.PGresult) -> psycopg.DatabaseError:
    """The error a cursor raises for ``result`` (its class by SQLSTATE, the server's message and ``diag``):
    a ``DatabaseError`` (every class of a SQLSTATE is one)."""
    error = errors.error_from_result(result, encoding=raw.info.encoding)
    return error if isinstance(error, psycopg.DatabaseError) else psycopg.DatabaseError(str(error))


def _prepare(pgconn: pq.abc.PGconn, name: bytes, command: bytes, types: tuple[int, ...]) -> pq.abc.PGresult:
    """``PQprepare`` (apart: a test puts a pooler that loses each statement in its place)."""
    return pgconn.prepare(name, command, types)


def fetch_one(raw: psycopg.Connection[Any], sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """The first row ``sql`` (Django's ``%s`` placeholders) returns for ``params`` on the psycopg
    connection ``raw``, or ``None``: as a cursor's ``fetchone`` would give it. For a connection outside a
    transaction (the statement runs in its own)."""
    transformer = Transformer(raw)
    # A None parameter is dumped as None: libpq's NULL (what psycopg's own cursor passes; the stubs of
    # exec_prepared do not say it).
    values = cast("list[bytes]", transformer.dump_sequence(params, [PyFormat.AUTO] * len(params)))
    types = tuple(transformer.types or ())
    formats = list(transformer.formats or ())
    name = statement_name(sql, types)
    pgconn = raw.pgconn
    result = pgconn.exec_prepared(name, values, formats, pq.Format.BINARY)
    if (
        result.status == pq.ExecStatus.FATAL_ERROR
        and result.error_field(pq.DiagnosticField.SQLSTATE) == _UNKNOWN_STATEMENT
    ):
        prepared = _prepare(pgconn, name, numbered(sql).encode(), types)
        if prepared.status != pq.ExecStatus.COMMAND_OK:
            raise _failure(raw, prepared)
        result = pgconn.exec_prepared(name, values, formats, pq.Format.BINARY)
    if result.status != pq.ExecStatus.TUPLES_OK:
        raise _failure(raw, result)
    if not result.ntuples:
        return None
    transformer.set_pgresult(result)
    return transformer.load_row(0, tuple)
