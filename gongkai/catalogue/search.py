"""Chinese full-text search without a word segmenter: character unigrams and bigrams (pure Python).

Chinese has no spaces between words, so a catalogue entry is indexed as the overlapping two-character
pieces of each run of CJK characters plus every single character (``政府信息公开`` → ``政 府 信 息 公 开
政府 府信 信息 息公 公开``), and each other word — a run of letters and digits of any other script: Latin,
numbers, kana, Cyrillic, Greek … — as itself. CJK covers the unified ideographs with every extension
(A–I, including the supplementary planes: ``𠮷``) and the compatibility ideographs; punctuation, symbols
and spaces only separate runs. A query is turned into the same pieces: one character looks for the
character, two for the bigram, a longer run for all its bigrams (``信息公开`` → ``信息 & 息公 & 公开``).
A query with nothing but punctuation, symbols or spaces finds nothing. On PostgreSQL the pieces go into
a ``tsvector`` with the ``simple`` configuration and a GIN index; the database then checks the exact
phrase (``LIKE``) only on the entries the index found. SQLite, the embedded default, searches with
``LIKE`` alone.

**Phrases.** The text an entry is matched against (``Item.search_text``) is its *spaced* form
(:func:`spaced`): the runs above joined by one space, so punctuation of any kind (〔〕, [], （）, -, /, …)
and the change from Chinese to digits or letters all become one space: ``示自然资规〔2026〕7号`` is stored as
``示自然资规 2026 7 号``. Each word of a query (words are separated by spaces) is turned into the same form
and must occur in it as a whole (:func:`words`): a word made of one Chinese run (``信息公开``) anywhere,
as before; a word with digits, letters or punctuation as a phrase whose numbers and Latin words are whole
— so ``7号`` (`` 7 号``) finds ``〔2026〕7号`` but not ``17号`` or ``27号``, ``资源局2025`` finds
``自然资源局2025年`` but not ``资源局20251``, and ``示自然资规[2026]7号`` finds the 文号 typed with 〔〕.

**Ranking.** The title, 文号 and 索引号 (the *head*) and the summary and keywords are also kept apart
(``Item.search_head``, :func:`entry_texts`), between separator characters that no spaced text contains, so
that one ``LIKE`` tells where a phrase occurs: a field equal to the query, a head field containing it, the
summary or keywords, or only the body, files and publisher (:func:`rank_patterns`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: CJK ideographs: Ext A, the URO, compatibility; Ext B–F and I (U+20000–U+2EE5F), the compatibility
#: supplement (U+2F800–U+2FA1F), Ext G–H (U+30000–U+323AF).
_CJK = (
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\U00020000-\U0002ee5f\U0002f800-\U0002fa1f\U00030000-\U000323af"
)
#: A run of CJK ideographs, or a word: letters and digits of any other script (not ``_``). 〇 (U+3007)
#: stays a separator as it always was, so that Chinese text (二〇二五年) keeps the tokens it is stored with.
_RUNS = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}\u3007]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
#: Longest text indexed per entry (characters); the rest is still shown, just not searchable.
MAX_INDEXED_CHARS = 20_000


def normalize(text: str) -> str:
    """Full-width to half-width, lower case (NFKC folds ０-９ Ａ-Ｚ and full-width punctuation)."""
    return unicodedata.normalize("NFKC", text).lower()


def is_cjk(run: str) -> bool:
    """Whether a run found by the tokenizer is Chinese (else a word of another script or a number)."""
    return bool(_IS_CJK.match(run))


def _pieces(run: str) -> list[str]:
    if not _IS_CJK.match(run):
        return [run]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


#: The longest token indexed (UTF-8 bytes): PostgreSQL refuses a lexeme of 2,048 bytes or more (the whole
#: entry could not be saved), and the agency's keys (``<agency id>~<token>``, migration
#: ``catalogue.0019``) add a few more. A word that long — a run of letters or digits without a space or
#: punctuation — is never searched for (a public query is at most 100 characters); the stored text still
#: holds it, so SQLite's ``LIKE`` and PostgreSQL's phrase check still see it.
MAX_TOKEN_BYTES = 1_000


def index_tokens(text: str, limit: int | None = MAX_INDEXED_CHARS) -> str:
    """The space-separated tokens an entry is indexed under (unigrams, bigrams, other words), from the
    first ``limit`` characters of ``text`` (all of it when ``None``); none longer than
    :data:`MAX_TOKEN_BYTES`."""
    tokens: set[str] = set()
    for run in _RUNS.findall(normalize(text if limit is None else text[:limit])):
        if len(run.encode()) > MAX_TOKEN_BYTES and not _IS_CJK.match(run):
            continue  # a Chinese run is indexed by its characters and pairs, never whole
        tokens.update(_pieces(run))
        if _IS_CJK.match(run):
            tokens.update(run)
    return " ".join(sorted(tokens))


def query_tokens(query: str) -> list[str]:
    """The tokens every matching entry must have, in query order, without repeats."""
    seen: dict[str, None] = {}
    for run in _RUNS.findall(normalize(query)):
        for piece in _pieces(run):
            seen.setdefault(piece, None)
    return list(seen)


def query_terms(query: str) -> list[str]:
    """The runs of the query (CJK or other words) for the exact check; punctuation and spaces split them."""
    return _RUNS.findall(normalize(query))


def is_searchable(query: str) -> bool:
    """Whether ``query`` has anything to search for (not only punctuation, symbols or spaces)."""
    return bool(_RUNS.search(normalize(query)))


def tsquery_text(tokens: list[str]) -> str:
    """A ``tsquery`` input of quoted lexemes joined by ``&`` (no parsing, no stemming)."""
    return " & ".join("'" + token.replace("\\", "\\\\").replace("'", "''") + "'" for token in tokens)


# --- Phrases, the stored texts and their ranking ------------------------------------------------

#: Around each field of the head (title, 文号, 索引号) in ``search_head`` and ``search_text``.
HEAD_MARK = "\x1f"
#: Around the summary and the keywords.
SUMMARY_MARK = "\x1e"
#: Before each of the other texts (publisher, body, each file's text).
REST_MARK = "\x1d"
#: Where the head ends and the summary begins: found once in a stored text.
_HEAD_END = HEAD_MARK + SUMMARY_MARK

#: A separator between runs (anything that is not part of a run: punctuation, symbols, spaces, ``_``, 〇).
_SEP = r"[\W_\u3007]"
_WORD_CHAR = rf"[^\W_{_CJK}\u3007]"


def spaced(text: str) -> str:
    """``text`` normalised with its runs joined by one space (``示自然资规〔２０２６〕7号`` →
    ``示自然资规 2026 7 号``): what phrases are matched against."""
    return " ".join(_RUNS.findall(normalize(text)))


def _field(text: str) -> str:
    return f" {spaced(text)} "


@dataclass(frozen=True)
class EntryTexts:
    """What an entry is stored with for search (``Item.search_head``, ``search_text``, ``search_vector``)."""

    #: Title, 文号 and 索引号, then the summary and keywords, between marks: ranks a match.
    head: str
    #: The head and then the publisher, body and files' texts (at most :data:`MAX_INDEXED_CHARS` of those):
    #: every word of a query must occur in it.
    text: str
    #: The unigram/bigram tokens of ``text`` (:func:`index_tokens`), space-separated.
    tokens: str


def entry_texts(
    *, title: str, doc_number: str, index_number: str, summary: str, keywords: str, rest: Sequence[str]
) -> EntryTexts:
    """The stored texts of an entry (``rest``: the publisher, the body without tags, the files' texts).

    The head keeps all of its fields; the rest is cut at the last space before
    :data:`MAX_INDEXED_CHARS` characters (never in the middle of a number or word): what comes after is
    still shown, just not searchable — on SQLite and PostgreSQL alike.
    """
    head = (
        HEAD_MARK
        + HEAD_MARK.join(_field(value) for value in (title, doc_number, index_number))
        + _HEAD_END
        + SUMMARY_MARK.join(_field(value) for value in (summary, keywords))
        + SUMMARY_MARK
    )
    others = "".join(REST_MARK + _field(value) for value in rest if value)
    if len(others) > MAX_INDEXED_CHARS:
        others = others[: others.rfind(" ", 0, MAX_INDEXED_CHARS) + 1]
    text = head + others
    return EntryTexts(head=head, text=text, tokens=index_tokens(text, limit=None))


@dataclass(frozen=True)
class Word:
    """One word of a query (the query split at spaces), as it is matched."""

    #: Its runs, normalised.
    runs: tuple[str, ...]
    #: What the stored text must contain (``LIKE '%pattern%'``): the runs joined by a space, with a space
    #: before a leading and after a trailing number or Latin word, so that those match whole.
    pattern: str
    #: The index tokens every match has (the GIN index narrows by them).
    tokens: tuple[str, ...]

    @property
    def exact(self) -> str:
        """A stored field equal to this word (a head field is kept as ``" " + spaced + " "``)."""
        return f" {' '.join(self.runs)} "

    @property
    def tokens_suffice(self) -> bool:
        """Whether having the tokens proves the match: one number or Latin word, or one Chinese run of
        one or two characters; anything longer is checked against the text (PostgreSQL)."""
        return len(self.runs) == 1 and (not is_cjk(self.runs[0]) or len(self.runs[0]) <= 2)


def _word(runs: Sequence[str]) -> Word:
    core = " ".join(runs)
    lead = "" if is_cjk(runs[0]) else " "
    tail = "" if is_cjk(runs[-1]) else " "
    tokens: dict[str, None] = {}
    for run in runs:
        for piece in _pieces(run):
            tokens.setdefault(piece, None)
    return Word(tuple(runs), f"{lead}{core}{tail}", tuple(tokens))


def words(query: str) -> list[Word]:
    """The words of ``query`` (separated by spaces), each a phrase; words with nothing to search for
    (punctuation only) are left out, and so are repeats."""
    seen: dict[str, Word] = {}
    for part in normalize(query).split():
        runs = _RUNS.findall(part)
        if runs:
            word = _word(runs)
            seen.setdefault(word.pattern, word)
    return list(seen.values())


def adjacent(query: str) -> Word | None:
    """The whole query as one phrase, its words next to each other (``甲县 预算`` → ``甲县预算``):
    entries that have the words together rank higher. ``None`` for a query of one word or none."""
    parts = words(query)
    if len(parts) < 2:
        return None
    runs: list[str] = []
    for word in parts:
        if runs and is_cjk(runs[-1]) and is_cjk(word.runs[0]):
            runs[-1] += word.runs[0]
            runs.extend(word.runs[1:])
        else:
            runs.extend(word.runs)
    return _word(runs)


def like_escape(text: str) -> str:
    """``text`` as a literal inside a ``LIKE ... ESCAPE '\\'`` pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: The tiers of a match, best first (:func:`rank_patterns`).
EXACT, IN_HEAD, IN_SUMMARY, ELSEWHERE = 3, 2, 1, 0


def rank_patterns(word: Word) -> tuple[str, str, str]:
    """``LIKE`` patterns over ``search_head`` for the tiers :data:`EXACT` (the title, 文号 or 索引号 is the
    word), :data:`IN_HEAD` (one of them contains it) and :data:`IN_SUMMARY` (the summary or keywords
    contain it); an entry matching none has it in the body, files or publisher (:data:`ELSEWHERE`)."""
    pattern = like_escape(word.pattern)
    return (
        f"%{HEAD_MARK}{like_escape(word.exact)}{HEAD_MARK}%",
        f"%{pattern}%{_HEAD_END}%",
        f"%{pattern}%",
    )


# --- Highlighting ------------------------------------------------------------------------------


def _word_regex(word: Word) -> str:
    parts = []
    if not is_cjk(word.runs[0]):
        parts.append(f"(?<!{_WORD_CHAR})")
    for i, run in enumerate(word.runs):
        if i:
            same_kind = is_cjk(run) == is_cjk(word.runs[i - 1])
            parts.append(f"{_SEP}+" if same_kind else f"{_SEP}*")
        parts.append(re.escape(run))
    if not is_cjk(word.runs[-1]):
        parts.append(f"(?!{_WORD_CHAR})")
    return "".join(parts)


@functools.lru_cache(maxsize=256)
def _highlight_pattern(query: str) -> re.Pattern[str] | None:
    """The regular expression of :func:`highlight` for ``query`` (``None``: no word), made once per query
    (a page of results highlights three fields of each of its 20 rows)."""
    parts = words(query)
    if not parts:
        return None
    return re.compile(
        "|".join(f"(?:{_word_regex(word)})" for word in sorted(parts, key=lambda w: -len(w.pattern)))
    )


#: Each character as :func:`normalize` folds it alone, as :func:`highlight` reads a text (a page folds ~800).
_FOLDED: dict[str, str] = {}


def _fold(char: str) -> str:
    folded = _FOLDED.get(char)
    if folded is None:
        if len(_FOLDED) > 65_536:
            _FOLDED.clear()
        folded = _FOLDED[char] = normalize(char)
    return folded


class _Folds(dict[int, str]):
    """Each character (by code point) as :func:`normalize` folds it alone, for ``str.translate``: the whole
    text folded in C, each character folded once per process (at most 65,536 kept)."""

    #: Whether some character folded to nothing (none does in Python 3.11's Unicode; checked all the same).
    vanishing = False

    def __missing__(self, code: int) -> str:
        folded = normalize(chr(code))
        if not folded:
            _Folds.vanishing = True
        if len(self) > 65_536:
            self.clear()
        self[code] = folded
        return folded


_FOLDS = _Folds()


def highlight(text: str, query: str) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each marked ``True`` where a word of ``query`` matches (as the search
    matches it: normalised, punctuation of any kind between runs, numbers and Latin words whole)."""
    pattern = _highlight_pattern(query) if text else None
    if pattern is None:
        return [(text, False)] if text else []
    origin: Sequence[int]
    haystack = text.translate(_FOLDS)
    if len(haystack) == len(text) and not _Folds.vanishing:
        # Each character folds to one (Chinese, Latin, digits, full-width punctuation …): each match is where
        # it is in the text. (No character folds to nothing, so the same length means one for one.)
        origin = range(len(text))
    else:
        folds = [_fold(char) for char in text]
        folded: list[str] = []
        positions: list[int] = []
        for i, out in enumerate(folds):
            for piece in out:
                folded.append(piece)
                positions.append(i)
        haystack, origin = "".join(folded), positions
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(haystack):
        if match.end() > match.start():
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
