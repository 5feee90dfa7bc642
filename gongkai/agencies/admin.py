"""Admin for agencies, with memberships inline. Every admin write is audited too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency, Membership
from gongkai.agencies.services import (
    AGENCY_CHANGED,
    AGENCY_CREATED,
    AGENCY_DELETED,
    MEMBERSHIP_ADDED,
    MEMBERSHIP_CHANGED,
    MEMBERSHIP_REMOVED,
)
from gongkai.core.audit import record_audit


class MembershipInline(admin.TabularInline[Membership, Agency]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "short_code", "kind", "parent", "uscc"]
    list_filter = ["kind"]
    search_fields = ["name", "short_code", "uscc"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["path", "created_at", "updated_at"]
    inlines = [MembershipInline]
    # Government websites are https; also avoids Django 5.x's URLField scheme deprecation warning.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "short_code", "uscc", "kind", "parent"]}),
        (
            # 条例第十二条: 指南 contact details.
            _("指南联系信息"),
            {"fields": list(Agency.CONTACT_FIELDS)},
        ),
        (None, {"fields": ["path", "created_at", "updated_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm[Agency], change: bool) -> None:
        super().save_model(request, obj, form, change)
        # ModelAdmin.changeform_view runs inside transaction.atomic(): saved and audited together.
        if change:
            record_audit(request.user, AGENCY_CHANGED, obj, fields=sorted(form.changed_data), via="admin")
        else:
            record_audit(request.user, AGENCY_CREATED, obj, short_code=obj.short_code, via="admin")

    def delete_model(self, request: HttpRequest, obj: Agency) -> None:
        with transaction.atomic():
            _record_agency_deleted(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        with transaction.atomic():
            for agency in queryset:
                _record_agency_deleted(request, agency)
            super().delete_queryset(request, queryset)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Agency],
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            record_audit(
                request.user,
                MEMBERSHIP_REMOVED,
                membership,
                user_id=membership.user_id,
                role=membership.role,
                via="admin",
            )
            membership.delete()
        for membership in instances:
            adding = membership._state.adding
            membership.save()
            record_audit(
                request.user,
                MEMBERSHIP_ADDED if adding else MEMBERSHIP_CHANGED,
                membership,
                user_id=membership.user_id,
                role=membership.role,
                via="admin",
            )
        formset.save_m2m()


def _record_agency_deleted(request: HttpRequest, agency: Agency) -> None:
    """Recorded before the delete (the event needs the row); its memberships go with it."""
    record_audit(
        request.user,
        AGENCY_DELETED,
        agency,
        name=agency.name,
        short_code=agency.short_code,
        memberships=agency.memberships.count(),
        via="admin",
    )
