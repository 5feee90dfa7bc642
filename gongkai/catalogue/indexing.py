"""Keep entries findable: the search tokens of an entry, and the search itself (see ``search.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import strip_tags

from gongkai.catalogue.models import Item, Status
from gongkai.catalogue.search import (
    index_tokens,
    normalize,
    query_terms,
    query_tokens,
    tsquery_text,
)
from gongkai.catalogue.search import (
    is_cjk as _is_cjk,
)
from gongkai.core import pagecache


def searchable_text(item: Item, attachment_texts: Iterable[str] = ()) -> str:
    """Everything an entry is found by: title, 文号, 索引号, publisher, summary, keywords, body, files."""
    parts = [
        item.title,
        item.doc_number,
        item.index_number or "",
        item.publisher,
        item.summary,
        item.keywords,
        strip_tags(item.body),
        *attachment_texts,
    ]
    return "\n".join(p for p in parts if p)


def reindex(item: Item) -> None:
    """Store the entry's search tokens (and on PostgreSQL its ``tsvector``). Call after each change."""
    text = normalize(searchable_text(item, item.attachments.values_list("text", flat=True)))
    tokens = index_tokens(text)
    Item.objects.filter(pk=item.pk).update(search_text=text)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalogue_item SET search_vector = array_to_tsvector(string_to_array(%s, ' ')) "
                "WHERE id = %s",
                [tokens, item.pk],
            )
    if item.status in (Status.PUBLISHED, Status.WITHDRAWN):
        pagecache.bump()  # its searches find it differently: no cached page outlives the change


def rebuild_search_vectors(**kwargs: object) -> None:
    """After ``gongkai restore`` (the ``core.backup.restored`` signal): on PostgreSQL, the ``tsvector`` of
    every entry that has none — a backup made on SQLite has none to restore."""
    if connection.vendor != "postgresql":
        return
    for item in Item.objects.filter(search_vector__isnull=True).iterator():
        reindex(item)


def search(queryset: QuerySet[Item], query: str) -> QuerySet[Item]:
    """Entries of ``queryset`` containing every word of ``query`` (one, two or many characters).

    A blank query filters nothing; a query with no searchable term (punctuation or symbols only, see
    :func:`~gongkai.catalogue.search.is_searchable`) finds nothing.

    PostgreSQL narrows with the GIN index on the unigram/bigram ``tsvector``, then checks each term
    exactly; elsewhere each term is a ``LIKE`` on the stored search text.
    """
    if not query.strip():
        return queryset
    terms = query_terms(query)
    if not terms:
        # Only punctuation or symbols: nothing to look for, so nothing is found (not everything).
        return queryset.none()
    if connection.vendor != "postgresql":
        exact = Q()
        for term in terms:
            exact &= Q(search_text__icontains=term)
        return queryset.filter(exact)
    tokens = query_tokens(query)
    queryset = queryset.extra(where=["search_vector @@ %s::tsquery"], params=[tsquery_text(tokens)])
    # A unigram or bigram token matches exactly; a longer CJK run is only approximated by its bigrams
    # (信息公开 has 信息、息公、公开 — so does 公开信息公), so it is checked against the text. Latin words and
    # numbers are whole tokens.
    exact = Q()
    for term in terms:
        if len(term) > 2 and _is_cjk(term):
            exact &= Q(search_text__contains=term)
    return queryset.filter(exact)
