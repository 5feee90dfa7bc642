"""Reading one table row: a cell's value, where a row label sits, the cells between it and the next
label, and run-together digits split with the table's identities (``gongkai.checker.split``), the
plausible split first when the identities leave a choice. Also the report's prose without its table
rows (:func:`prose_of`)."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gongkai.checker import labels as L
from gongkai.checker.source import CELL
from gongkai.checker.split import Number, SumConstraint, fits, split_runs
from gongkai.reports.model import FormatVersion
from gongkai.reports.tables import Cell

#: How far (characters) the next row label may be from the previous one before it counts as missing.
ROW_WINDOW = 2500
TABLE4_WINDOW = 4000

_BLANKS = {"", "/", "／", "—", "——", "-", "－", "─", "无", "空", "\\", "、"}
_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?:万元|元|件|条|项|个|次|份|人次|起|宗|%)?$"
)
_RUN = re.compile(r"\d+(?:\.\d+)?")

Scorer = Callable[[tuple[Number, ...]], tuple[float, ...]]

#: Table 三 rows whose label spans more than one label column (no sub-label beside it).
SPANNING_LABEL_ROWS = frozenset(
    {"new_received", "carried_over", "granted", "partially_granted", "other", "total", "carried_forward"}
)

ROW_TOTAL = SumConstraint(tuple(range(6)), 6)
GROUP_TOTALS = tuple(SumConstraint(tuple(range(g * 5, g * 5 + 4)), g * 5 + 4) for g in range(3))


def parse_cell(text: str) -> Cell:
    """A cell's value: a number, ``None`` for a blank, or the text itself."""
    t = text.strip()
    if t.isdigit() and t.isascii():  # the common case, ~3× faster than the regex
        return int(t)
    if t in _BLANKS:
        return None
    m = _NUMBER.match(t)
    if m:
        raw = m.group("num").replace(",", "")
        return float(raw) if "." in raw else int(raw)
    return t


def is_number(v: Cell) -> bool:
    return isinstance(v, (int, float))


@dataclass
class Anchor:
    key: str
    start: int  # where the label's cell (or the label itself) starts
    end: int  # where the row's cells start
    label: str  # the label cell's text as written
    #: Found by similarity (a mistyped label, :func:`typo_rows`): its label is reported even in text
    #: without marked cells.
    typo: bool = False


@dataclass
class RowRead:
    key: str
    values: list[Cell]
    candidates: list[tuple[Number, ...]] = field(default_factory=list)
    squashed: bool = False
    raw: str = ""


# ---------------------------------------------------------------------------------------------------
# Locating labels
# ---------------------------------------------------------------------------------------------------


def anchor(text: str, m: re.Match[str], key: str) -> Anchor:
    ms, me = m.start(), m.end()
    line_start = text.rfind("\n", 0, ms) + 1
    line_end = text.find("\n", me)
    if line_end < 0:
        line_end = len(text)
    cell_end = text.find(CELL, me, line_end)
    if cell_end < 0:
        return Anchor(key, ms, me, m.group(0))
    prev = text.rfind(CELL, line_start, ms)
    cell_start = prev + 1 if prev >= 0 else line_start
    return Anchor(key, cell_start, cell_end + 1, text[cell_start:cell_end].strip())


def find_rows(
    text: str, keys: Sequence[str], patterns: dict[str, re.Pattern[str]], start: int, end: int
) -> list[Anchor]:
    anchors: list[Anchor] = []
    pos = start
    for key in keys:
        limit = end if not anchors else min(end, pos + ROW_WINDOW)
        m = patterns[key].search(text, pos, limit)
        if m is None:
            continue
        a = anchor(text, m, key)
        anchors.append(a)
        pos = a.end
    if anchors and len(anchors) < len(keys):
        anchors = typo_rows(text, keys, anchors, _SECTION3_LABELS, end, _SECTION3_SIZES, _keeps_row_total)
    return anchors


# ---------------------------------------------------------------------------------------------------
# A row label with a typo ("2.其他法律行政止公开"): matched to its official row by similarity and place
# ---------------------------------------------------------------------------------------------------

#: How alike (``difflib`` ratio of the labels without numbering, spaces and punctuation) a label must be
#: to the official label of the row missing at its place; a row whose cells also keep the table's
#: identity (表三: 自然人 … 其他 = 总计) needs less.
LABEL_SIMILARITY = 0.6
LABEL_SIMILARITY_WITH_IDENTITY = 0.45
_LABEL_NUMBERING = re.compile(r"^(?:[(（]?[一二三四五六七八九十]{1,2}[)）、.．]|\d{1,2}[.、．)）])")
_LABEL_NOISE = re.compile(r"[\s\x1f()（）“”\"'、,，.．:：;；]")
#: A piece of unmarked text that may be a row label: a run without digits or line breaks holding an
#: ideograph (its list number, "2.", is a digit run of its own just before it).
_TEXT_PIECE = re.compile(r"[^\d\n\x1f]*[\u4e00-\u9fff][^\d\n\x1f]*")
#: Prose, not a label: sentence punctuation inside the piece.
_SENTENCE_MARK = re.compile(r"[。；;！!？?]")

#: Whether the cells after a candidate label keep the table's identity (stronger evidence of the row).
IdentityTest = Callable[[list[str]], bool]


def _official_section3_labels() -> dict[str, str]:
    from gongkai.reports.model import FORMATS  # the model: pure, imported here to keep rows.py light

    return {row.key: row.label for fmt in FORMATS.values() for row in fmt.section3_rows}


_SECTION3_LABELS = _official_section3_labels()
_SECTION3_SIZES = dict.fromkeys(_SECTION3_LABELS, 7)


def canonical_label(text: str) -> str:
    """A label without its list number, spaces, brackets and punctuation (what similarity compares)."""
    t = text.strip()
    for _ in range(2):  # "(三)不予公开" group label and "1." item number
        t = _LABEL_NUMBERING.sub("", t.strip())
    t = re.sub(r"[(（]区分处理[^)）]*[)）]", "", t)
    return _LABEL_NOISE.sub("", t)


def label_similarity(written: str, official: str) -> float:
    return difflib.SequenceMatcher(None, canonical_label(written), canonical_label(official)).ratio()


def _cell_spans(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Every marked cell in ``text[start:end]``: (start, end after its separator, text)."""
    spans: list[tuple[int, int, str]] = []
    pos = start
    while pos < end:
        sep = text.find(CELL, pos, end)
        if sep < 0:
            break
        line_start = text.rfind("\n", pos, sep) + 1
        cell_start = max(pos, line_start)
        spans.append((cell_start, sep + 1, text[cell_start:sep]))
        pos = sep + 1
    return spans


def _keeps_row_total(cells: list[str]) -> bool:
    """Table 三: the seven cells after a label add up (自然人 … 其他 = 总计); in unmarked text, the digits
    after it split into seven cells that do (``cells`` is then its digit runs)."""
    if len(cells) != 7:
        runs = [r for c in cells for r in _RUN.findall(c)]
        return 0 < len(runs) < 7 and bool(split_runs(runs, 7, (ROW_TOTAL,), limit=1))
    values = [parse_cell(c) for c in cells]
    numbers = [float(v) for v in values if isinstance(v, (int, float))]
    if len(numbers) != 7:
        return False
    return abs(sum(numbers[:6]) - numbers[6]) < 1e-9


def _marked_candidates(text: str, start: int, end: int) -> list[tuple[int, int, str, list[str]]]:
    """Text cells of ``text[start:end]`` that may be a row label: (start, end, text, the cells after it)."""
    spans = _cell_spans(text, start, end)
    out: list[tuple[int, int, str, list[str]]] = []
    for j, (cell_start, cell_end, cell) in enumerate(spans):
        value = parse_cell(cell)
        if not isinstance(value, str) or L.is_label_like(value):
            continue
        after = [s[2] for s in spans[j + 1 :] if not isinstance(parse_cell(s[2]), str)][:7]
        out.append((cell_start, cell_end, cell.strip(), after))
    return out


def _unmarked_candidates(
    text: str, start: int, end: int, official: str, n: int
) -> list[tuple[int, int, str, list[str]]]:
    """Pieces of unmarked text in ``text[start:end]`` that may be the label of the row ``official``
    followed by its digits ("2.其他法律行政止公开 3 0 0 0 0 0 3", "…0000002.其他法律行政止公开3000003"):
    (start, end, the label with its list number when that is the official one, the cells after it —
    seven when spaced apart, else the digit runs — up to the next piece). In text run together, the
    header words before a label are in the same piece ("本年处理决定数量行政许刻"): its ends about as long
    as the official label are candidates too."""
    numbering = _LABEL_NUMBERING.match(official)
    digits = numbering.group(0).rstrip(".、．") if numbering and numbering.group(0)[:1].isdigit() else ""
    size = len(canonical_label(official))
    pieces = list(_TEXT_PIECE.finditer(text, start, end))
    out: list[tuple[int, int, str, list[str]]] = []
    for i, m in enumerate(pieces):
        raw = m.group(0)
        label = raw.strip()
        if not label or _SENTENCE_MARK.search(label):
            continue
        after = text[m.end() : pieces[i + 1].start() if i + 1 < len(pieces) else end]
        runs = _RUN.findall(after)
        if sum(len(r) for r in runs) < n:
            continue  # a row label is followed by its row's digits, at least one per cell
        tokens = after.split()
        cells = tokens if len(tokens) == 7 else runs
        cell_start = m.start() + len(raw) - len(raw.lstrip())
        cell_end = m.start() + len(raw.rstrip())
        if len(label) <= 2 * size + 4 and not L.is_label_like(label):
            whole_start, whole = cell_start, label
            # The official list number ("2" of "2.") just before the label belongs to it, not to the
            # previous row's digits.
            if (
                digits
                and label[:1] in ".、．"
                and cell_start - len(digits) >= start
                and text[cell_start - len(digits) : cell_start] == digits
            ):
                whole_start, whole = cell_start - len(digits), digits + label
            out.append((whole_start, cell_end, whole, cells))
        for length in range(max(2, size - 1), size + 3):
            if length < len(label):
                out.append((cell_end - length, cell_end, label[-length:], cells))
    return out


def typo_rows(
    text: str,
    keys: Sequence[str],
    anchors: list[Anchor],
    officials: dict[str, str],
    end: int,
    sizes: dict[str, int],
    identity: IdentityTest | None = None,
) -> list[Anchor]:
    """Rows whose label the patterns missed (a typo), found by similarity at their place.

    A key missing between two rows that were found (or after the last one, up to ``end``, the end of
    the table) is looked for among the labels between them — text cells, or in unmarked text the pieces
    of text followed by digits — and the one most like its official label (:data:`LABEL_SIMILARITY`;
    less when the cells after it keep the table's ``identity``) becomes its label. Only labels between
    its neighbours are looked at, so a typo never takes another row's place or cells. Its cells are then
    read like any row's, and the label, as written, gives one ``label.nonstandard`` finding instead of
    "row missing" plus "extra row". Keys without an official label (captions) are never looked for; in
    unmarked text a label must be followed by at least one digit per cell of its row (``sizes``), so a
    sentence about the row ("其他法律行政法规禁止公开的2件") is not taken for it."""
    found = {a.key: a for a in anchors}
    order = list(keys)
    out: list[Anchor] = []
    for i, key in enumerate(order):
        if key in found:
            out.append(found[key])
            continue
        official = officials.get(key)
        if official is None or not out:
            continue
        following = next((found[k] for k in order[i + 1 :] if k in found), None)
        prev_end = out[-1].end
        gap_end = following.start if following is not None else min(end, prev_end + ROW_WINDOW)
        if CELL in text[prev_end:gap_end]:
            candidates = _marked_candidates(text, prev_end, gap_end)
        else:
            candidates = _unmarked_candidates(text, prev_end, gap_end, official, sizes.get(key, 1))
        best: tuple[float, tuple[int, int, str, list[str]]] | None = None
        for cand in candidates:
            score = label_similarity(cand[2], official)
            if best is not None and score <= best[0]:
                continue
            if score >= LABEL_SIMILARITY or (
                score >= LABEL_SIMILARITY_WITH_IDENTITY and identity is not None and identity(cand[3])
            ):
                best = (score, cand)
        if best is None:
            continue
        cell_start, cell_end, label, _ = best[1]
        out.append(Anchor(key, cell_start, cell_end, label.strip(), typo=True))
    return out


# ---------------------------------------------------------------------------------------------------
# Reading the cells of one row
# ---------------------------------------------------------------------------------------------------


def cells_of_region(region: str, n: int, ends_at_label: bool = True) -> tuple[list[Cell], list[str]]:
    """Values of a region with marked cells, and any unofficial extra rows' labels found after them."""
    values: list[Cell] = []
    extra_rows: list[str] = []
    lines = region.split("\n")
    if len(lines) > 1 and ends_at_label:
        # The region ends where the next label's cell starts: the cells before it on its line (group
        # labels, fillers) belong to the next row.
        lines.pop()
    for idx, line in enumerate(lines):
        if CELL not in line:
            if idx == 0 and not values:
                values.extend(_plain_cells(line))  # "行政许可 97": a row written as a line of text
            elif values and line.strip():
                break  # prose after the table row
            continue
        pieces = line.split(CELL)[:-1]
        if len(values) >= n:
            texts = [p.strip() for p in pieces if p.strip()]
            if (
                texts
                and not is_number(parse_cell(texts[0]))
                and any(is_number(parse_cell(p)) for p in texts[1:])
            ):
                extra_rows.append(texts[0])
            continue
        for piece in pieces:
            value = parse_cell(piece)
            if isinstance(value, str) and L.is_label_like(value):
                continue
            values.append(value)
    return values, extra_rows


def _plain_cells(line: str) -> list[Cell]:
    """The cells of the rest of a label's line when it holds only numbers and blanks ("行政许可 97",
    "1.属于国家秘密 0 0 0 0 0 0 0"), else none."""
    tokens = line.split()
    cells = [parse_cell(t) for t in tokens]
    if not any(is_number(c) for c in cells) or any(isinstance(c, str) for c in cells):
        return []
    return cells


def _fit(values: list[Cell], n: int, label_filler: bool = False) -> tuple[list[Cell], list[Cell]]:
    """Trim fillers to ``n`` cells; returns (cells, extra non-blank values dropped).

    ``label_filler``: the table writes an empty filler cell after a label that spans two columns, so a
    blank right after such a label is that filler, not the first column.
    """
    vals = list(values)
    if label_filler and vals and vals[0] is None:
        vals.pop(0)
    while len(vals) > n and vals[-1] is None:
        vals.pop()
    while len(vals) > n and vals[0] is None:
        vals.pop(0)
    extra: list[Cell] = [v for v in vals[n:] if v is not None]
    return vals[:n], extra


def _runs(region: str) -> list[str]:
    return [m.group(0) for m in _RUN.finditer(region)]


def _split(
    runs: list[str], n: int, constraints: Sequence[SumConstraint], decimals_at: frozenset[int]
) -> list[tuple[Number, ...]]:
    """The splits of ``runs`` meeting the identities; if none does (the report's own arithmetic is
    wrong), the one split there is when the digits allow only one (e.g. seven digits in seven cells),
    so that the checks report the wrong sum rather than an unreadable row."""
    cands = split_runs(runs, n, constraints, decimals_at=decimals_at)
    if cands or not constraints:
        return cands
    forced = split_runs(runs, n, (), decimals_at=decimals_at, limit=2)
    return forced if len(forced) == 1 else []


def read_row(
    region: str,
    key: str,
    n: int,
    constraints: Sequence[SumConstraint],
    decimals_at: frozenset[int],
    label_filler: bool = False,
    ends_at_label: bool = True,
    hint: tuple[Number, ...] | None = None,
) -> tuple[RowRead, list[str], list[Cell]]:
    """Read one row's cells. Returns the row, unofficial rows seen after it, and extra values.

    ``hint``: the cells the other rows' identities imply; used for run-together digits when the digits
    are exactly those cells (it is then the only reading consistent with the table).
    """
    if CELL in region:
        values, extra_rows = cells_of_region(region, n, ends_at_label)
        cells, extra = _fit(values, n, label_filler)
        if len(cells) < n:
            # Cells with several numbers separated by spaces ("0 0 0"), or run together.
            runs: list[str] = []
            ok = True
            for v in cells:
                if v is None:
                    ok = False
                    break
                s = str(v) if is_number(v) else v
                assert isinstance(s, str)
                if not re.fullmatch(r"[\d.\s]+", s):
                    ok = False
                    break
                runs.extend(_runs(s))
            if ok and runs:
                cands = _split(runs, n, constraints, decimals_at)
                if cands:
                    return (
                        RowRead(key, list(cands[0]), cands, squashed=True, raw=" ".join(runs)),
                        extra_rows,
                        [],
                    )
        return RowRead(key, cells), extra_rows, extra
    plain = _plain_cells(region.split("\n", 1)[0])
    if len(plain) == n:  # "行政许可 5 -28 231": a row written as a line of text, cells apart
        return RowRead(key, plain), [], []
    runs = _runs(region)
    if not runs:
        return RowRead(key, [], raw=region.strip()), [], []
    raw = " ".join(runs)
    if hint is not None and fits(runs, hint):
        return RowRead(key, list(hint), [hint], squashed=True, raw=raw), [], []
    cands = _split(runs, n, constraints, decimals_at)
    if not cands and constraints:
        # The report's own arithmetic is wrong: the identities cannot guide the split.
        return RowRead(key, [], [], squashed=True, raw=raw), [], []
    first: list[Cell] = list(cands[0]) if cands else []
    return RowRead(key, first, cands, squashed=True, raw=raw), [], []


def table4_data_rows(region: str) -> str:
    """The rows of table 四 (marked cells) that hold its 15 cells, from its first header row on.

    A header row (text, no number) is dropped wherever it is: the official layout has one header
    above one data row, but agencies also stack the three groups each under its own header, or (one
    cell per line without row separators) run the header's last cells and the data into one row. In a
    row with numbers, the text cells before the first number (group labels, header cells) are dropped.
    Rows after the 15th cell are kept as they are (unofficial extra rows are reported from them). Lines
    of prose between the rows that hold the 15 cells (each group as a table of its own, under its own
    heading) are dropped.
    """
    kept: list[str] = []
    count = 0
    lines = region.split("\n")
    last_row = max((i for i, line in enumerate(lines) if CELL in line), default=-1)
    for i, line in enumerate(lines):
        if CELL not in line and count < 15 and i < last_row:
            continue  # a heading between the groups' tables ("**行政诉讼**" between Markdown tables)
        if CELL not in line or count >= 15:
            kept.append(line)
            continue
        pieces = line.split(CELL)[:-1]
        values = [parse_cell(piece) for piece in pieces]
        first = next((i for i, v in enumerate(values) if is_number(v)), None)
        if first is None:
            if any(isinstance(v, str) for v in values):
                continue  # a header row
        else:
            texts = [i for i, v in enumerate(values[:first]) if isinstance(v, str)]
            if texts:
                pieces, values = pieces[texts[-1] + 1 :], values[texts[-1] + 1 :]
        count += sum(1 for v in values if not (isinstance(v, str) and L.is_label_like(v)))
        kept.append(CELL.join(pieces) + CELL)
    return "\n".join(kept)


_TABLE4_PLAIN_ROW = re.compile(r"^\s*([^\d\n\x1f]*[\u4e00-\u9fff][^\d\n\x1f]*?)\s*((?:\d+\s+){4}\d+)\s*$")


def table4_row_labels(region: str) -> list[str]:
    """The row labels of a table 四 written with one row per group ("行政复议 | 0 | 1 | 0 | 0 | 1", or as a
    line of text "行政复议 0 1 0 0 1"): the text before each row's five numbers, in order; empty when the
    rows have no labels (the official layout: one row of fifteen cells under the header)."""
    labels: list[str] = []
    for line in region.split("\n"):
        if CELL not in line:
            m = _TABLE4_PLAIN_ROW.match(line)
            if m:
                labels.append(m.group(1).strip())
            continue
        values = [parse_cell(piece) for piece in line.split(CELL)[:-1]]
        first = next((i for i, v in enumerate(values) if is_number(v)), None)
        if first is None:
            continue
        texts = [v for v in values[:first] if isinstance(v, str)]
        if texts and sum(1 for v in values[first:] if v is not None) == 5:
            labels.append(texts[-1].strip())
    return labels


# ---------------------------------------------------------------------------------------------------
# Plausibility of a split when the identities leave a choice (reported as parse.ambiguous_split)
# ---------------------------------------------------------------------------------------------------


def _digits(v: Number) -> int:
    return len(str(int(abs(v)))) if v else 1


def _balance(c: tuple[Number, ...]) -> float:
    lengths = [_digits(v) for v in c]
    mean = sum(lengths) / len(lengths)
    return -sum((x - mean) ** 2 for x in lengths)


def _zeros(c: tuple[Number, ...]) -> float:
    return float(sum(1 for v in c if v == 0))


def score_section2(key: str, fmt: FormatVersion, prose_numbers: set[int]) -> Scorer:
    def score(c: tuple[Number, ...]) -> tuple[float, ...]:
        stated = 0.0
        if key in ("regulations", "normative_documents"):
            stated = float(sum(1 for v in c if isinstance(v, int) and v >= 10 and v in prose_numbers))
        if fmt == "2021" and len(c) == 3:
            issued, abolished, in_force = c
            return (stated, float(in_force >= issued), _balance(c), float(abolished <= issued))
        if fmt == "2019" and key in ("regulations", "normative_documents") and len(c) == 3:
            made, published, total = c
            return (stated, float(made == published), float(total >= published), _balance(c))
        if fmt == "2019" and key == "procurement" and len(c) == 2:
            items, amount = c
            # A 政府集中采购 item typically costs around 10^5.5 元; the run has no other clue.
            per_item = math.log10(max(float(amount), 1.0) / max(float(items), 1.0))
            return (stated, -abs(per_item - 5.5))
        if fmt == "2019" and len(c) >= 2:
            return (stated, float(c[1] == 0), _balance(c))
        return (stated, _balance(c))

    return score


def score_counts(c: tuple[Number, ...]) -> tuple[float, ...]:
    return (_zeros(c), float(c[0] == max(c)), _balance(c))


_PROSE_NUMBER = re.compile(r"(?<![\d.])(\d{2,8})(?![\d.])")
_DOCUMENT_WORD = re.compile(r"规范性文件|规章")
_CLAUSE_END = re.compile(r"[,，。；;\n]")


def stated_document_counts(prose: str) -> set[int]:
    """Numbers the prose states in clauses about 规章/规范性文件 (they help split squashed table 二)."""
    numbers: set[int] = set()
    for word in _DOCUMENT_WORD.finditer(prose):
        start = max(word.start() - 40, 0)
        before = prose[start : word.start()]
        cut = max(before.rfind(c) for c in ",，。；;\n")
        clause_start = start + cut + 1
        after = _CLAUSE_END.search(prose, word.end(), word.end() + 40)
        clause = prose[clause_start : after.start() if after else min(len(prose), word.end() + 40)]
        for n in _PROSE_NUMBER.finditer(clause):
            if not clause.startswith("年", n.end()):
                numbers.add(int(n.group(1)))
    return numbers


# ---------------------------------------------------------------------------------------------------
# The prose: the text without table rows
# ---------------------------------------------------------------------------------------------------


def prose_of(text: str) -> str:
    """The text without table rows; a row with a single non-empty cell (a heading or note that a
    converter wrote as a table cell) is kept as a line of prose."""
    lines = []
    for line in text.split("\n"):
        if CELL not in line:
            lines.append(line)
            continue
        cells = [c for c in line.split(CELL) if c.strip()]
        if len(cells) == 1 and parse_cell(cells[0]) is not None and not is_number(parse_cell(cells[0])):
            lines.append(cells[0].strip())
    return "\n".join(lines)
