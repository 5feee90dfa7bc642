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
"""

from __future__ import annotations

import re
import unicodedata

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


def index_tokens(text: str) -> str:
    """The space-separated tokens an entry is indexed under (unigrams, bigrams, other words)."""
    tokens: set[str] = set()
    for run in _RUNS.findall(normalize(text[:MAX_INDEXED_CHARS])):
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
