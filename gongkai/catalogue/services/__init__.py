"""Every step of a catalogue entry, one function each: permission-checked, validated, audited, atomic.

Each step locks the entry's row (``select_for_update``) so that two people acting at once are
serialised, checks the step against the workflow table (:mod:`gongkai.catalogue.workflow`) and the
separation of duties (:func:`gongkai.catalogue.selectors.decide`) for the entry's state and the person's
roles at its agency, changes the entry, appends an :class:`ItemEvent` (from/to state, actor, note,
data), records an audit event in the same transaction, and refreshes the entry's search index
(:func:`gongkai.catalogue.indexing.reindex`).

The privacy scan (:mod:`gongkai.catalogue.scanning`) runs when the entry is submitted and again when it
is published; publishing with unresolved hits needs an explicit reason, recorded on the event and in the
audit log. Events and audit details keep the masked form of a hit, never the personal data itself.

The steps, by seam: :mod:`.drafting`, :mod:`.files`, :mod:`.masking`, :mod:`.review`,
:mod:`.publication`, :mod:`.corrections` (更正 of a published entry through a correction draft),
:mod:`.acknowledging` (the findings acknowledged at submission and at review), :mod:`.redaction` (涂黑 of
a file, its original sealed) and :mod:`.words`; what they share is in :mod:`.common`. The rules of the content
are in :mod:`gongkai.catalogue.content`, the reads in :mod:`gongkai.catalogue.selectors`.

Errors a user can fix raise :class:`~gongkai.catalogue.content.CatalogueError` (a ``ValidationError``
with a Chinese message); a user without the right raises ``PermissionDenied``.
"""

from gongkai.catalogue.services.acknowledging import acknowledge
from gongkai.catalogue.services.areas import set_column_areas
from gongkai.catalogue.services.common import actor_label
from gongkai.catalogue.services.corrections import start_correction
from gongkai.catalogue.services.drafting import create_draft, update_draft
from gongkai.catalogue.services.files import (
    ALLOWED_EXTENSIONS,
    CONTENT_TYPES,
    KIND_LABELS,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    add_attachment,
    check_file,
    clean_filename,
    remove_attachment,
)
from gongkai.catalogue.services.masking import mask_hit
from gongkai.catalogue.services.publication import publish, withdraw
from gongkai.catalogue.services.reading import reread_attachment
from gongkai.catalogue.services.redaction import preview_redaction, redact_attachment
from gongkai.catalogue.services.review import (
    approve,
    approve_return,
    perform,
    publish_return,
    review_pass,
    review_return,
    submit,
)
from gongkai.catalogue.services.words import WORD_MAX_CHARS, add_sensitive_word, delete_sensitive_word

__all__ = [
    "set_column_areas",
    "ALLOWED_EXTENSIONS",
    "CONTENT_TYPES",
    "KIND_LABELS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "WORD_MAX_CHARS",
    "acknowledge",
    "actor_label",
    "add_attachment",
    "add_sensitive_word",
    "approve",
    "approve_return",
    "check_file",
    "clean_filename",
    "create_draft",
    "delete_sensitive_word",
    "mask_hit",
    "perform",
    "publish",
    "preview_redaction",
    "redact_attachment",
    "reread_attachment",
    "publish_return",
    "remove_attachment",
    "review_pass",
    "review_return",
    "start_correction",
    "submit",
    "update_draft",
    "withdraw",
]
