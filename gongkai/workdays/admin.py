"""Admin for the working-day calendar.

Loaded years are listed with their days read-only. Every write goes through the services: adding or
replacing years through the page "载入放假安排（CSV）" (upload or paste, preview, confirm), deleting
through :func:`delete_year`. "查看年度日历" shows any year in force, built-in years included. Only
superusers and holders of Role.ADMINISTRATOR (who must also be staff to enter the admin) get in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongkai.core.formatting import weekday_name
from gongkai.workdays.calendar import CalendarNotLoaded
from gongkai.workdays.forms import CalendarLoadForm, rows_as_csv
from gongkai.workdays.models import CalendarDay, CalendarYear, DayType
from gongkai.workdays.selectors import redating_in_progress
from gongkai.workdays.services import (
    CalendarFileError,
    CalendarRow,
    DayEntry,
    YearChange,
    can_manage_calendar,
    delete_year,
    load_calendar,
    preview_load,
)
from gongkai.workdays.store import current_calendar, stored_years, year_source


def _allowed(request: HttpRequest) -> bool:
    """``can_manage_calendar`` once per request (the admin asks many times per page)."""
    cached: bool | None = getattr(request, "_gongkai_can_manage_calendar", None)
    if cached is None:
        cached = can_manage_calendar(request.user)
        setattr(request, "_gongkai_can_manage_calendar", cached)  # noqa: B010
    return cached


class CalendarDayInline(admin.TabularInline[CalendarDay, CalendarYear]):
    model = CalendarDay
    fields = ["date", "weekday", "type", "name"]
    readonly_fields = ["date", "weekday", "type", "name"]
    extra = 0
    can_delete = False

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return weekday_name(obj.date)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "source", "holiday_count", "workday_count", "loaded_by", "loaded_at"]
    list_select_related = ["loaded_by"]
    search_fields = ["source"]
    fields = ["year", "source", "loaded_by", "loaded_at", "updated_at", "calendar_links"]
    readonly_fields = ["year", "source", "loaded_by", "loaded_at", "updated_at", "calendar_links"]
    inlines = [CalendarDayInline]
    change_list_template = "admin/workdays/calendaryear/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        years: QuerySet[CalendarYear] = super().get_queryset(request)
        return years.annotate(
            holidays=Count("days", filter=Q(days__type=DayType.HOLIDAY)),
            workdays=Count("days", filter=Q(days__type=DayType.WORKDAY)),
        )

    @admin.display(description=_("放假日"), ordering="holidays")
    def holiday_count(self, obj: CalendarYear) -> int:
        return int(getattr(obj, "holidays", 0))

    @admin.display(description=_("调休上班日"), ordering="workdays")
    def workday_count(self, obj: CalendarYear) -> int:
        return int(getattr(obj, "workdays", 0))

    @admin.display(description=_("操作"))
    def calendar_links(self, obj: CalendarYear) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:workdays_calendaryear_show", args=[obj.year]),
            gettext("查看年度日历"),
            reverse("admin:workdays_calendaryear_load"),
            gettext("载入放假安排（CSV）"),
        )

    # --- Permissions: superusers and administrators only; writes go through the services --------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Changing is loading a new file: the change page is read-only.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        # Each deletion recomputes deadlines and may be refused: one year at a time, from its page.
        actions.pop("delete_selected", None)
        return actions

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return redirect("admin:workdays_calendaryear_load")

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        delete_year(actor=request.user, year=obj.year)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for year in queryset.values_list("year", flat=True):
            delete_year(actor=request.user, year=year)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except CalendarNotLoaded as exc:
            # A calendar_changed receiver could not recompute a deadline: nothing was deleted.
            self.message_user(request, gettext("没有删除：%(error)s") % {"error": exc}, messages.ERROR)
            return redirect("admin:workdays_calendaryear_changelist")

    # --- Custom pages ---------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path("load/", self.admin_site.admin_view(self.load_view), name="workdays_calendaryear_load"),
            path(
                "show/<int:year>/",
                self.admin_site.admin_view(self.show_view),
                name="workdays_calendaryear_show",
            ),
        ]
        return custom + super().get_urls()

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title}

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        calendar = current_calendar()
        stored = set(stored_years())
        years = [
            {
                "year": year,
                "stored": year in stored,
                "holidays": len(info.holidays),
                "workdays": len(info.workdays),
                "working_days": calendar.working_days_in(year),
            }
            for year, info in sorted(calendar.years.items(), reverse=True)
        ]
        context = {"calendar_years": years, "redating": redating_in_progress(), **(extra_context or {})}
        return super().changelist_view(request, context)

    def load_view(self, request: HttpRequest) -> HttpResponse:
        if not _allowed(request):
            raise PermissionDenied
        context = self._context(request, gettext("载入放假安排（CSV）"))
        if request.method == "POST":
            form = CalendarLoadForm(request.POST, request.FILES)
            if form.is_valid():
                rows, source = form.cleaned_data["rows"], form.cleaned_data["source"]
                try:
                    if "confirm" in request.POST:
                        changes = load_calendar(actor=request.user, rows=rows, source=source)
                        for change in changes:
                            self.message_user(request, change.summary(), messages.SUCCESS)
                        return redirect("admin:workdays_calendaryear_changelist")
                    changes = preview_load(rows=rows, source=source)
                except (CalendarFileError, CalendarNotLoaded) as exc:
                    form.add_error(None, exc.errors if isinstance(exc, CalendarFileError) else str(exc))
                else:
                    context.update(
                        preview=[_preview_year(change, rows) for change in changes],
                        csv_text=rows_as_csv(rows),
                        source=source,
                    )
        else:
            form = CalendarLoadForm()
        context["form"] = form
        return TemplateResponse(request, "admin/workdays/calendaryear/load.html", context)

    def show_view(self, request: HttpRequest, year: int) -> HttpResponse:
        if not _allowed(request):
            raise PermissionDenied
        calendar = current_calendar()
        context = self._context(request, gettext("%(year)d年工作日历") % {"year": year})
        context["loaded_years"] = sorted(calendar.loaded_years, reverse=True)
        context["year"] = year
        try:
            info = calendar.year_calendar(year)
        except CalendarNotLoaded as exc:
            context["not_loaded"] = str(exc)
            return TemplateResponse(request, "admin/workdays/calendaryear/show.html", context)
        entries = sorted(
            _entries_of(info.holidays, DayType.HOLIDAY) + _entries_of(info.workdays, DayType.WORKDAY)
        )
        context.update(
            source=year_source(year),
            stored=CalendarYear.objects.filter(year=year).first(),
            months=[
                {
                    "month": month,
                    "working_days": calendar.working_days_in(year, month),
                    "entries": [_entry_row(e) for e in entries if e.date.month == month],
                }
                for month in range(1, 13)
            ],
            working_days=calendar.working_days_in(year),
            holidays=len(info.holidays),
            workdays=len(info.workdays),
        )
        return TemplateResponse(request, "admin/workdays/calendaryear/show.html", context)


def _entries_of(days: Any, kind: DayType) -> list[DayEntry]:
    return [DayEntry(day, kind.value, name) for day, name in days.items()]


def _entry_row(entry: DayEntry, status: str = "") -> dict[str, Any]:
    return {
        "date": entry.date,
        "weekday": weekday_name(entry.date),
        "type": DayType(entry.type).label,
        "is_holiday": entry.type == DayType.HOLIDAY,
        "name": entry.name,
        "status": status,
    }


def _preview_year(change: YearChange, rows: list[CalendarRow]) -> dict[str, Any]:
    """One year of the preview: the days being loaded (new ones marked) and the days removed."""
    added = set(change.added)
    entries = sorted(DayEntry(r.date, r.type, r.name.strip()) for r in rows if r.date.year == change.year)
    days = [_entry_row(entry, "added" if entry in added else "") for entry in entries]
    days += [_entry_row(entry, "removed") for entry in change.removed]
    return {"change": change, "days": sorted(days, key=lambda row: row["date"])}
