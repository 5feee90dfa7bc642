from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongkai.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only and written by services only."""

    list_display = ["created_at", "action", "actor_label", "agency", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "actor_label", "object_repr", "object_id"]
    date_hierarchy = "created_at"
    list_select_related = ["agency"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
