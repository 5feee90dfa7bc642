"""Making a letter's .docx again after its render job failed (the letter's record stays as issued)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications import letter_files, lettering
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, Letter
from gongkai.applications.services.common import require_act
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit


def retry_letter_render(*, actor: Actor, application: Application, letter: Letter) -> Any:
    """Start the render job of ``letter`` again (an officer of the case's agency); returns the job."""
    require_act(actor, application)
    if letter.application_id != application.pk:
        raise PermissionDenied(_("该文书不属于本申请。"))
    if letter_files.is_ready(letter):
        raise CaseError(_("这份文书的 Word 文件已经生成，无需重新生成。"), code="letter_ready")
    with transaction.atomic():
        job = lettering.start_render(letter, actor=actor)
        record_audit(
            actor,
            "application.letter_render_retried",
            letter,
            agency=application.agency,
            kind=letter.kind,
            number=letter.number,
        )
    return job
