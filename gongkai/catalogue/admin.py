"""Admin for the catalogue.

Entries, their files and their review log are read-only here: they change only through the workspace
(/manage/catalogue/), whose services keep the review log, the index numbers, the search index and the
audit log in step. Administrators configure the index-number patterns, the subject categories and the
site-wide sensitive words (changes audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue import index_numbers, permissions
from gongkai.catalogue.models import Attachment, Category, IndexPattern, Item, ItemEvent, SensitiveWord
from gongkai.core.audit import record_audit


class ReadOnlyAdminMixin:
    """No adding, changing or deleting: the admin only shows."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline[Attachment, Item]):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ("filename", "kind", "content_type", "size", "sha256", "extraction_problem", "created_at")
    readonly_fields = fields


class ItemEventInline(ReadOnlyAdminMixin, admin.TabularInline[ItemEvent, Item]):
    model = ItemEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_status", "to_status", "actor_label", "note", "data")
    readonly_fields = fields
    ordering = ["at", "id"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Item]):
    list_display = ["title", "agency", "kind", "status", "index_number", "written_on", "published_on"]
    list_filter = ["status", "kind", "document_type"]
    search_fields = ["title", "index_number", "doc_number"]
    list_select_related = ["agency"]
    date_hierarchy = "written_on"
    exclude = ["search_text", "search_head", "search_vector"]
    inlines = [AttachmentInline, ItemEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Item]:
        # Staff users see only what they would see in the workspace.
        return permissions.items_visible_to(request.user).select_related("agency")


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Every change made here goes into the audit log."""

    audit_name = ""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        super().save_model(request, obj, form, change)
        verb = "changed" if change else "added"
        changed = list(form.changed_data) if change else []
        record_audit(request.user, f"catalogue.{self.audit_name}_{verb}", obj, fields=changed, value=str(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_audit(request.user, f"catalogue.{self.audit_name}_deleted", obj, value=str(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            record_audit(request.user, f"catalogue.{self.audit_name}_deleted", obj, value=str(obj))
        super().delete_queryset(request, queryset)


@admin.register(IndexPattern)
class IndexPatternAdmin(AuditedAdmin):
    audit_name = "index_pattern"
    list_display = ["agency", "prefix", "custom_prefix", "separator", "period", "serial_width", "example"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]

    @admin.display(description=_("示例"))
    def example(self, obj: IndexPattern) -> str:
        try:
            return index_numbers.pattern_for(obj.agency).example()
        except ValueError:
            return ""


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    audit_name = "category"
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(SensitiveWord)
class SensitiveWordAdmin(AuditedAdmin):
    audit_name = "sensitive_word"
    list_display = ["word", "agency", "note"]
    list_filter = [("agency", admin.EmptyFieldListFilter)]
    search_fields = ["word", "note", "agency__name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
