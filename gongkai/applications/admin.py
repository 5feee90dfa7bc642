"""Admin for applications: read-only. Cases change only through the officer workspace (/cases/),
whose services keep the events, the letters and the audit log in step.

The applicant's personal data is masked here; the workspace shows it to the agency's staff, audited.
Staff users see only the cases they could see in the workspace.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongkai.applications import permissions
from gongkai.applications.amendments import PERSONAL_FIELDS
from gongkai.applications.models import Appeal, Application, CaseEvent, Letter
from gongkai.applications.validators import mask_id, mask_phone

_HIDDEN = "***"


class ReadOnlyAdminMixin:
    """No adding, changing or deleting: the admin only shows."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(ReadOnlyAdminMixin, admin.TabularInline[CaseEvent, Application]):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("seq", "kind", "occurred_on", "recorded_at", "actor_label", "note", "masked_data")
    readonly_fields = fields
    ordering = ["seq"]

    @admin.display(description=_("内容"))
    def masked_data(self, obj: CaseEvent) -> str:
        """The event's data with a correction's personal values hidden (they are sealed at rest)."""
        data = dict(obj.data)
        for side in ("old", "new"):
            if isinstance(data.get(side), dict):
                data[side] = {
                    field: (_HIDDEN if field in PERSONAL_FIELDS and value else value)
                    for field, value in data[side].items()
                }
        return json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Application]):
    list_display = [
        "reference",
        "agency",
        "applicant_name",
        "applicant_type",
        "masked_id_number",
        "channel",
        "status",
        "receipt_date",
        "due_date",
        "outcome",
    ]
    list_filter = ["status", "applicant_type", "channel"]
    search_fields = ["reference", "applicant_name"]
    list_select_related = ["agency"]
    date_hierarchy = "receipt_date"
    inlines = [CaseEventInline]
    # The raw personal fields (id_number, phone, email, address, postcode, contact_person) and the
    # secrets are left out; their masked forms are shown instead.
    fields = (
        "agency",
        "reference",
        "tracking_code",
        "applicant_type",
        "applicant_name",
        "id_type",
        "masked_id_number",
        "masked_phone",
        "masked_email",
        "description",
        "requested_form",
        "delivery",
        "channel",
        "arrived_at",
        "confirmed_on",
        "pieces",
        "status",
        "receipt_date",
        "due_date",
        "clock_problem",
        "waiting_on",
        "outcome",
        "answered_on",
        "parent",
        "created_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=permissions.cases_visible_to(request.user).values("pk"))
        )

    @admin.display(description=_("证件号码"))
    def masked_id_number(self, obj: Application) -> str:
        return mask_id(obj.id_number)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Application) -> str:
        return mask_phone(obj.phone) if obj.phone else ""

    @admin.display(description=_("电子邮箱"))
    def masked_email(self, obj: Application) -> str:
        local, _at, domain = obj.email.partition("@")
        return f"{local[:1]}***@{domain}" if domain else ""


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Letter]):
    list_display = ["number", "title", "application", "issued_on", "for_applicant"]
    list_filter = ["kind", "for_applicant"]
    search_fields = ["number", "title", "application__reference"]
    list_select_related = ["application"]
    # The text and the .docx name the applicant and their address: download them from the workspace.
    fields = ("application", "kind", "title", "number", "issued_on", "issued_by", "filename", "for_applicant")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Letter]:
        visible = permissions.cases_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(application__in=visible)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Appeal]):
    list_display = ["application", "kind", "body", "case_number", "filed_on", "result", "concluded_on"]
    list_filter = ["kind", "result"]
    search_fields = ["application__reference", "body", "case_number"]
    list_select_related = ["application"]
    readonly_fields = (
        "application",
        "agency",
        "kind",
        "after_reconsideration",
        "filed_on",
        "body",
        "case_number",
        "result",
        "concluded_on",
        "note",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appeal]:
        visible = permissions.cases_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(application__in=visible)
