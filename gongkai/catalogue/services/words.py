"""The sensitive-word lists (错敏词): the agency's own and the site-wide one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue import permissions
from gongkai.catalogue.content import CatalogueError, one_line
from gongkai.catalogue.models import SensitiveWord
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit

WORD_MAX_CHARS = 50


def add_sensitive_word(
    *, actor: Actor, agency: Agency | None, word: str, note: str = "", correction: str = ""
) -> SensitiveWord:
    """Add a word to the agency's list (``agency=None``: the site-wide list, superusers only), with the
    wording to suggest instead (``correction``: shown to the reviewer, written by 更正)."""
    if actor is None or not permissions.can_manage_words(actor, agency):
        raise PermissionDenied(_("您没有维护该错敏词表的权限。"))
    word = one_line(word)
    note = one_line(note)[:200]
    correction = one_line(correction)
    if len(correction) > WORD_MAX_CHARS:
        raise CatalogueError(
            {"correction": [_("建议改为的词语不能超过 %(max)s 个字。") % {"max": WORD_MAX_CHARS}]},
            code="too_long",
        )
    if correction and correction == word:
        raise CatalogueError({"correction": [_("建议改为的词语与原词相同。")]}, code="same")
    if not word:
        raise CatalogueError({"word": [_("请填写词语。")]}, code="required")
    if len(word) > WORD_MAX_CHARS:
        raise CatalogueError(
            {"word": [_("词语不能超过 %(max)s 个字。") % {"max": WORD_MAX_CHARS}]}, code="too_long"
        )
    with transaction.atomic():
        exists = SensitiveWord.objects.filter(word=word)
        if exists.filter(agency__isnull=True).exists():
            raise CatalogueError(
                {"word": [_("“%(word)s”已在全站通用的错敏词表中。") % {"word": word}]}, code="duplicate"
            )
        if agency is not None and exists.filter(agency=agency).exists():
            raise CatalogueError(
                {"word": [_("“%(word)s”已在本机关的错敏词表中。") % {"word": word}]}, code="duplicate"
            )
        try:
            with transaction.atomic():
                entry = SensitiveWord.objects.create(
                    agency=agency, word=word, note=note, correction=correction
                )
        except IntegrityError as exc:
            raise CatalogueError(
                {"word": [_("“%(word)s”已在错敏词表中。") % {"word": word}]}, code="duplicate"
            ) from exc
        record_audit(
            actor,
            "catalogue.sensitive_word_added",
            entry,
            agency=agency,
            word=word,
            note=note,
            correction=correction,
        )
    return entry


def delete_sensitive_word(*, actor: Actor, word: SensitiveWord) -> None:
    if actor is None or not permissions.can_manage_words(actor, word.agency):
        raise PermissionDenied(_("您没有维护该错敏词表的权限。"))
    with transaction.atomic():
        record_audit(actor, "catalogue.sensitive_word_deleted", word, agency=word.agency, word=word.word)
        word.delete()
