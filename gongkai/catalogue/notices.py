"""Who is told that an entry waits for them (站内通知): the role that takes the next step of the workflow.

Called by the review services inside their transaction: an entry submitted for review notifies the agency's
审核人, an entry that passed the confidentiality review notifies its 分管领导 (先审查、后公开).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

from gongkai.catalogue import workflow
from gongkai.catalogue.models import Item
from gongkai.core.messages import N_
from gongkai.core.notifications import notify

#: action taken → (the role that acts next, notice kind, the notice's text).
NEXT: dict[str, tuple[str, str, str]] = {
    workflow.SUBMIT: (workflow.REVIEWER, "catalogue.submitted", N_("“%(title)s”已提交，等待您的保密审查。")),
    workflow.REVIEW_PASS: (
        workflow.LEADER,
        "catalogue.reviewed",
        N_("“%(title)s”已通过保密审查，等待您审批。"),
    ),
}


def announce(item: Item, action: str) -> None:
    """Notify the agency's people who take the step after ``action`` (nothing for other actions)."""
    if action not in NEXT:
        return
    role, kind, message = NEXT[action]
    recipients = User.objects.filter(
        memberships__agency_id=item.agency_id, memberships__role=role, is_active=True
    ).distinct()
    notify(
        recipients,
        kind=kind,
        message=message,
        params={"title": item.title},
        link=reverse("catalogue_manage:detail", kwargs={"pk": item.pk}),
        agency=item.agency,
    )
