"""Split digit runs whose table cells were run together with no separator.

A crawler's innerText writes the row 23 | 0 | 0 | 0 | 0 | 0 | 23 as ``230 000023`` (the space comes from an
&nbsp; in one cell). The cells can still be recovered because the table's own identities (勾稽关系) must
hold: the row's 总计 is the sum of its six columns, each 四 group's 总计 the sum of its four results.
A number never starts with 0 unless it is 0, and a split never crosses a space.

``split_runs`` enumerates every split of the runs into ``n`` numbers that satisfies the given sum
constraints, pruning as it goes: a constrained total is not guessed but computed from the cells before it
and checked against the digits, so a row of table 三 costs about C(L, 6) steps, not C(L, 7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

Number = int | float


#: No cell of the official tables is longer than this (counts stay far below 10^12; amounts such as
#: 75394432.52 元 or 24252.311082 万元 fit). A longer run of digits is not a row of the table.
MAX_CELL_CHARS = 16
#: Steps a split may take before it gives up (the row is then reported unreadable, not guessed): a
#: pasted line of digits must not keep a web worker busy. Real rows take a few thousand at most.
MAX_STEPS = 50_000


class _TooHard(Exception):
    pass


@dataclass(frozen=True)
class SumConstraint:
    """``cells[total] == sum(cells[i] for i in terms)``; every term index is lower than ``total``."""

    terms: tuple[int, ...]
    total: int


def _to_number(s: str) -> Number:
    return float(s) if "." in s else int(s)


def _format_number(v: Number) -> str:
    if isinstance(v, float):
        return repr(v)
    return str(v)


def split_runs(
    runs: Sequence[str],
    n: int,
    constraints: Sequence[SumConstraint] = (),
    *,
    decimals_at: frozenset[int] = frozenset(),
    limit: int = 200,
) -> list[tuple[Number, ...]]:
    """All ways (up to ``limit``) to cut ``runs`` into exactly ``n`` numbers meeting ``constraints``.

    ``runs`` are strings of digits (a decimal point allowed only in cells whose index is in
    ``decimals_at``). Numbers never span two runs.
    """
    if all(set(run) == {"0"} for run in runs) and sum(len(run) for run in runs) == n:
        return [(0,) * n]  # the most common row of all: every cell 0
    if sum(len(run) for run in runs) > n * MAX_CELL_CHARS:
        return []
    if not decimals_at and any("." in run for run in runs):
        # A decimal where only whole numbers go (a typo such as 50.5 in table 三): read it as written, so
        # that the checks report the cell that is no whole number instead of the row failing.
        decimals_at = frozenset(range(n))
    try:
        return _split_runs(runs, n, constraints, decimals_at, limit)
    except _TooHard:
        return []


def _split_runs(
    runs: Sequence[str],
    n: int,
    constraints: Sequence[SumConstraint],
    decimals_at: frozenset[int],
    limit: int,
) -> list[tuple[Number, ...]]:
    steps = [0]
    if (
        len(constraints) == 1
        and constraints[0].total == n - 1
        and constraints[0].terms == tuple(range(n - 1))
        and not decimals_at
    ):
        return _split_row_with_total_last(runs, n, limit, steps)
    walk = _Walk(runs, n, constraints, decimals_at, limit, steps)
    walk.walk(0, 0)
    return walk.results


def _candidates(run: str, pos: int, index: int, decimals_at: frozenset[int]) -> Iterator[str]:
    """The numbers cell ``index`` may be if it starts at ``run[pos]``, shortest first."""
    if run[pos] == "0":
        # "0" alone, or "0.xx" where decimals are allowed.
        yield "0"
        if index in decimals_at and pos + 1 < len(run) and run[pos + 1] == ".":
            for end in range(pos + 3, len(run) + 1):
                yield run[pos:end]
        return
    if not run[pos].isdigit():
        return
    end = pos + 1
    while end <= min(len(run), pos + MAX_CELL_CHARS):
        piece = run[pos:end]
        if piece[-1] == ".":
            end += 1
            continue
        if "." in piece and index not in decimals_at:
            return
        yield piece
        end += 1


class _Walk:
    """The depth-first search of :func:`_split_runs`: ``cells`` is the split so far, ``results`` the
    complete splits found, ``steps[0]`` the steps taken."""

    def __init__(
        self,
        runs: Sequence[str],
        n: int,
        constraints: Sequence[SumConstraint],
        decimals_at: frozenset[int],
        limit: int,
        steps: list[int],
    ) -> None:
        self.runs, self.n, self.decimals_at, self.limit, self.steps = runs, n, decimals_at, limit, steps
        self.totals = {c.total: c for c in constraints}
        #: Characters from the start of each run to the end of the last one.
        self.total_chars = [0] * (len(runs) + 1)
        for i in range(len(runs) - 1, -1, -1):
            self.total_chars[i] = self.total_chars[i + 1] + len(runs[i])
        self.results: list[tuple[Number, ...]] = []
        self.cells: list[Number] = []

    def walk(self, run_i: int, pos: int) -> None:
        if len(self.results) >= self.limit:
            return
        self.steps[0] += 1
        if self.steps[0] > MAX_STEPS:
            raise _TooHard
        index = len(self.cells)
        if run_i == len(self.runs):
            if index == self.n:
                self.results.append(tuple(self.cells))
            return
        if index == self.n:
            return
        remaining_chars = self.total_chars[run_i] - pos
        if remaining_chars < self.n - index:
            return
        run = self.runs[run_i]
        constraint = self.totals.get(index)
        if constraint is not None:
            self._total(constraint, run, run_i, pos, index)
            return
        for piece in _candidates(run, pos, index, self.decimals_at):
            self._push(piece, run_i, pos)

    def _total(self, constraint: SumConstraint, run: str, run_i: int, pos: int, index: int) -> None:
        """A constrained cell: computed from the cells before it (not guessed), checked against the digits."""
        expected = sum(self.cells[t] for t in constraint.terms)
        piece = _format_number(expected)
        if run.startswith(piece, pos):
            self._push(piece, run_i, pos)
        elif isinstance(expected, float):
            for piece in _candidates(run, pos, index, self.decimals_at):
                if abs(_to_number(piece) - expected) < 1e-6:
                    self._push(piece, run_i, pos)

    def _push(self, piece: str, run_i: int, pos: int) -> None:
        self.cells.append(_to_number(piece))
        end = pos + len(piece)
        if end == len(self.runs[run_i]):
            self.walk(run_i + 1, 0)
        else:
            self.walk(run_i, end)
        self.cells.pop()


def rest_after(runs: Sequence[str], cells: Sequence[Number]) -> list[str] | None:
    """The runs left after ``cells`` written one after another (no number spanning two runs), or ``None``
    if the runs do not start with them."""
    run_i, pos = 0, 0
    for v in cells:
        if run_i == len(runs):
            return None
        text = _format_number(v)
        if not runs[run_i].startswith(text, pos):
            return None
        pos += len(text)
        if pos == len(runs[run_i]):
            run_i, pos = run_i + 1, 0
    rest = list(runs[run_i:])
    if rest and pos:
        rest[0] = rest[0][pos:]
    return rest


def fits(runs: Sequence[str], cells: Sequence[Number]) -> bool:
    """Whether ``cells`` written one after another are exactly ``runs`` (no number spanning two runs)."""
    return rest_after(runs, cells) == []


def choose(
    candidates: list[tuple[Number, ...]], score: Callable[[tuple[Number, ...]], tuple[float, ...]]
) -> tuple[tuple[Number, ...], bool]:
    """The most plausible candidate by ``score`` (higher is better; ties keep the first found) and
    whether it was the only candidate (otherwise the choice is a judgement to be reported)."""
    best = max(candidates, key=score)
    return best, len(candidates) == 1


def _split_row_with_total_last(
    runs: Sequence[str], n: int, limit: int, steps: list[int]
) -> list[tuple[Number, ...]]:
    """``split_runs`` for a row whose last cell is the sum of the others (table 三's 总计): try each
    suffix of the last run as the total, then cut the rest into numbers that are each at most the total
    and whose running sum never passes it; the last of them is the difference, checked against the
    digits. Much faster than enumerating every cut: a 25-digit row takes milliseconds, not seconds."""
    results: list[tuple[Number, ...]] = []
    last = runs[-1]
    for length in range(1, min(len(last), MAX_CELL_CHARS) + 1):
        total_text = last[len(last) - length :]
        if len(total_text) > 1 and total_text[0] == "0":
            continue
        total = int(total_text)
        rest = [*runs[:-1], last[: len(last) - length]] if length < len(last) else list(runs[:-1])
        # A number is congruent to its digit sum modulo 9, so the terms' sum is congruent to the digit sum
        # of the rest, however it is cut: most candidate totals fail this at once.
        if sum(int(d) for run in rest for d in run) % 9 != total % 9:
            continue
        for cells in _terms_summing_to(rest, n - 1, total, length, steps):
            results.append((*cells, total))
            if len(results) >= limit:
                return results
    return results


def _terms_summing_to(
    runs: Sequence[str], n: int, total: int, max_digits: int, steps: list[int]
) -> Iterator[tuple[int, ...]]:
    remaining = [0] * (len(runs) + 1)
    for i in range(len(runs) - 1, -1, -1):
        remaining[i] = remaining[i + 1] + len(runs[i])
    cells: list[int] = []

    def walk(run_i: int, pos: int, acc: int) -> Iterator[tuple[int, ...]]:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise _TooHard
        if run_i == len(runs):
            if len(cells) == n and acc == total:
                yield tuple(cells)
            return
        left = n - len(cells)
        chars = remaining[run_i] - pos
        if left == 0 or chars < left or chars > left * max_digits:
            return
        # The remaining digits make ``left`` numbers; a number of d >= 2 digits is at least 10^(d-1), and the
        # smallest sum spreads the digits evenly. If even that passes what the total still needs, stop.
        q, r = divmod(chars, left)
        least = (r * 10**q if q >= 1 else 0) + ((left - r) * 10 ** (q - 1) if q >= 2 else 0)
        if total - acc < least:
            return
        # Each remaining number has at most this many digits, so together they stay under left * 10^widest.
        widest = min(max_digits, chars - left + 1)
        if total - acc >= left * 10**widest:
            return
        run = runs[run_i]
        if left == 1:
            # The last term is what the total still needs, and it must be exactly the rest of the digits.
            need = str(total - acc)
            if total >= acc and run_i == len(runs) - 1 and run[pos:] == need:
                cells.append(total - acc)
                yield tuple(cells)
                cells.pop()
            return
        ends = [pos + 1] if run[pos] == "0" else range(pos + 1, min(len(run), pos + max_digits) + 1)
        for end in ends:
            value = int(run[pos:end])
            if acc + value > total:
                break
            cells.append(value)
            if end == len(run):
                yield from walk(run_i + 1, 0, acc + value)
            else:
                yield from walk(run_i, end, acc + value)
            cells.pop()

    yield from walk(0, 0, 0)
