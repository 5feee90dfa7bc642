"""Every append-only log refuses changes the same way (gongkai.core.models.AppendOnlyModel)."""

from __future__ import annotations

import pytest

from gongkai.applications.models import CaseEvent
from gongkai.catalogue.models import ItemEvent
from gongkai.core.models import AppendOnlyError, AppendOnlyModel, AuditEvent


@pytest.mark.django_db
@pytest.mark.parametrize("model", [AuditEvent, CaseEvent, ItemEvent])
def test_querysets_of_the_logs_refuse_update_and_delete(model: type[AppendOnlyModel]) -> None:
    with pytest.raises(AppendOnlyError):
        model.objects.all().update(pk=1)
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()


def test_an_unsaved_row_saves_but_a_saved_one_is_refused() -> None:
    event = AuditEvent(action="x.y")
    event._state.adding = False  # as if loaded from the database
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
