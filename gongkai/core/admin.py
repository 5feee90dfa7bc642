from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongkai.core.models import AuditEvent, NumberSeries

# The admin's front page says that superuser accounts are for setup only (三员分立; their use is audited by
# gongkai.core.middleware.SuperuserAuditMiddleware).
admin.site.index_template = "core/admin_index.html"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
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


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin[NumberSeries]):
    """Read-only: numbers are taken only by ``gongkai.core.sequences.next_number``; editing one could
    reuse a number already printed on a letter or a receipt."""

    list_display = ["name", "agency", "year", "last"]
    list_filter = ["name", "year"]
    search_fields = ["agency__name"]
    list_select_related = ["agency"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
