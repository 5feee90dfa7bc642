"""Admin for letter templates (edit, preview as .docx, restore the default) and letter-number settings.

Only superusers and administrators (``Role.ADMINISTRATOR``) see these pages
(:mod:`gongkai.letters.permissions`). Every save and delete goes through
:mod:`gongkai.letters.services`, inside the admin's transaction, and is audited.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.core.responses import serve_file
from gongkai.letters.agency_context import agency_fields, letter_warnings
from gongkai.letters.compose import LetterRenderError
from gongkai.letters.context import SAMPLE_OUTCOME_BY_GROUP, LetterContext, variable_labels
from gongkai.letters.defaults import DEFAULTS
from gongkai.letters.engine import EXTRA_VARIABLES
from gongkai.letters.kinds import LetterKind
from gongkai.letters.lookup import effective_template
from gongkai.letters.models import AgencyLetterSettings, LetterTemplate
from gongkai.letters.numbering import format_letter_number, number_prefix
from gongkai.letters.permissions import can_manage_letters, manageable_agencies
from gongkai.letters.render import RenderedLetter, render_letter
from gongkai.letters.services import (
    delete_letter_settings,
    delete_letter_template,
    save_letter_settings,
    save_letter_template,
)
from gongkai.letters.source import TemplateOrigin, TemplateSource
from gongkai.letters.template_library import ALLOWED_TAGS
from gongkai.statute.outcomes import GROUP_LABELS

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXTRA_VARIABLE_LABELS = {"remedy": _("救济途径告知（行政复议、行政诉讼），按答复结果和日期自动生成")}


def variables_help() -> SafeString:
    """The help text under the body field: syntax, and every variable with its meaning."""
    rows = [(name, label) for name, label in variable_labels()]
    rows += [(name, _EXTRA_VARIABLE_LABELS.get(name, "")) for name in EXTRA_VARIABLES]
    return format_html(
        "<p>{}</p><p>{}</p><details><summary>{}</summary><ul>{}</ul><p>{}</p></details>",
        _(
            '正文使用 Django 模板语法，例如 {{ applicant_name }}、{{ receipt_date|date:"Y年n月j日" }}、'
            "{% if reasons %}…{% endif %}。段落之间空一行；以“# ”开头的行居中作小标题，以“< ”开头的行顶格"
            "（如称呼），以“> ”开头的行右对齐。落款机关和日期自动加在文末。"
        ),
        _("过滤器 sentence 使承办人填写的文字以句号结尾，例如 {{ reasons|sentence }}。"),
        _("可以使用的变量"),
        format_html_join("", "<li><code>{}</code>：{}</li>", rows),
        _("可以使用的标签：") + "、".join(ALLOWED_TAGS),
    )


class LetterTemplateForm(forms.ModelForm[LetterTemplate]):
    class Meta:
        model = LetterTemplate
        fields = ["kind", "outcome_group", "agency", "title", "body"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 28, "cols": 110, "spellcheck": "false"}),
            "title": forms.TextInput(attrs={"size": 60}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].help_text = variables_help()


def docx_response(letter: RenderedLetter) -> HttpResponse:
    return serve_file(letter.docx, filename=letter.filename, content_type=DOCX_CONTENT_TYPE)


def sample_context(kind: str, outcome_group: str, agency: Agency | None = None) -> LetterContext:
    """The sample letter of ``kind``; with ``agency`` (an agency's own template), with that agency's name,
    contact details and 行政复议机关, so the preview shows what its letters will print — and lack."""
    outcome_key = SAMPLE_OUTCOME_BY_GROUP.get(outcome_group) if kind == LetterKind.ANSWER else None
    context = LetterContext.sample(kind, outcome_key)
    if agency is not None:
        context = dataclasses.replace(context, **agency_fields(agency))
    return context


class LetterPermissionsMixin:
    """Superusers and administrators only; non-superusers only for site-wide rows and their agencies."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_letters(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Site-wide templates may be read (to copy from) by every letter administrator.
        if obj is not None and getattr(obj, "agency_id", None) is None:
            return can_manage_letters(request.user)
        return self._may_edit(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_letters(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        if not can_manage_letters(request.user):
            return False
        if getattr(request.user, "is_superuser", False):
            return True
        if obj is None:
            return True  # the list; rows are limited by get_queryset and the checks below
        agency_id = getattr(obj, "agency_id", None)
        if agency_id is None:
            # Site-wide templates print every agency's letters: superusers only.
            return False
        return manageable_agencies(request.user).filter(pk=agency_id).exists()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agency":
            kwargs["queryset"] = manageable_agencies(request.user).order_by("name")
            if not getattr(request.user, "is_superuser", False):
                # Only superusers write site-wide rows; an agency administrator must pick an agency.
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(LetterPermissionsMixin, admin.ModelAdmin[LetterTemplate]):
    form = LetterTemplateForm
    list_display = ["kind", "group_display", "agency_display", "title", "updated_by", "updated_at"]
    list_filter = ["kind", "outcome_group"]
    search_fields = ["title", "body", "agency__name"]
    list_select_related = ["agency", "updated_by"]
    readonly_fields = ["updated_by", "updated_at"]
    fields = ["kind", "outcome_group", "agency", "title", "body", "updated_by", "updated_at"]
    change_form_template = "admin/letters/lettertemplate/change_form.html"
    change_list_template = "admin/letters/lettertemplate/change_list.html"
    delete_confirmation_template = "admin/letters/lettertemplate/delete_confirmation.html"

    @admin.display(description=_("答复结果分组"), ordering="outcome_group")
    def group_display(self, obj: LetterTemplate) -> str:
        return str(obj.get_outcome_group_display()) if obj.outcome_group else "—"

    @admin.display(description=_("适用范围"), ordering="agency__name")
    def agency_display(self, obj: LetterTemplate) -> str:
        return obj.agency.name if obj.agency is not None else str(_("全站通用"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[LetterTemplate]:
        queryset = super().get_queryset(request)
        if getattr(request.user, "is_superuser", False):
            return queryset
        return queryset.filter(Q(agency__isnull=True) | Q(agency__in=manageable_agencies(request.user)))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """``?kind=…&outcome_group=…&agency=…`` starts a new template from the text now in effect."""
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        kind = request.GET.get("kind", "")
        if kind in LetterKind.values:
            group = request.GET.get("outcome_group", "") if kind == LetterKind.ANSWER else ""
            agency_id = _int(request.GET.get("agency"))
            agency = manageable_agencies(request.user).filter(pk=agency_id).first() if agency_id else None
            source = effective_template(kind, group, agency)
            initial.setdefault("title", source.title)
            initial.setdefault("body", source.body)
        return initial

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        custom = [
            path(
                "default-preview/",
                self.admin_site.admin_view(self.default_preview_view),
                name="{}_{}_default_preview".format(*info),
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
        ]
        return custom + super().get_urls()

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """预览: the saved template rendered from the sample context, as a .docx download."""
        template = self.get_object(request, unquote(object_id))
        if template is None:
            raise Http404
        if not self.has_view_permission(request, template):
            raise PermissionDenied
        context = sample_context(template.kind, template.outcome_group, template.agency)
        try:
            return docx_response(render_letter(context, template=template.as_source()))
        except LetterRenderError as exc:
            self.message_user(request, str(exc), level="error")
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[template.pk])
            )

    def default_preview_view(self, request: HttpRequest) -> HttpResponse:
        """The shipped default (``?kind=…&outcome_group=…``) rendered from the sample context."""
        if not can_manage_letters(request.user):
            raise PermissionDenied
        kind = request.GET.get("kind", "")
        group = request.GET.get("outcome_group", "")
        if (kind, group) not in DEFAULTS:
            raise Http404
        default = DEFAULTS[(kind, group)]
        source = TemplateSource(default.title, default.body, TemplateOrigin.DEFAULT)
        return docx_response(render_letter(sample_context(kind, group), template=source))

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The "预览（不保存）" button: a valid form is rendered as a .docx and nothing is saved.

        An invalid form falls through to the normal view, which shows the errors (and, being invalid,
        saves nothing either).
        """
        if request.method == "POST" and "_preview" in request.POST:
            obj = self.get_object(request, unquote(object_id)) if object_id else None
            if object_id and obj is None:
                raise Http404
            allowed = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
            if not allowed:
                raise PermissionDenied
            form_class = self.get_form(request, obj, change=obj is not None)
            form = form_class(request.POST, request.FILES, instance=obj)
            if form.is_valid():
                template: LetterTemplate = form.instance
                context = sample_context(template.kind, template.outcome_group, template.agency)
                source = TemplateSource(template.title, template.body, TemplateOrigin.SITE)
                try:
                    return docx_response(render_letter(context, template=source))
                except LetterRenderError as exc:
                    self.message_user(request, str(exc), level="error")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """An agency's template: warn, before it is previewed or used, what its letters will lack."""
        template = self.get_object(request, unquote(object_id))
        warnings = letter_warnings(template.agency) if template is not None and template.agency else []
        extra_context = {**(extra_context or {}), "letter_warnings": warnings}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "letter_defaults": self._defaults_table(request)}
        return super().changelist_view(request, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "title": _("恢复默认：删除这份已编辑的模板？"),
            "letters_revert_note": _(
                "删除后，这种文书改用上一级的模板：机关模板删除后使用全站通用模板，"
                "全站通用模板删除后使用系统内置的默认文本。删除前的文本保存在审计日志中。"
            ),
        }
        return super().delete_view(request, object_id, extra_context)

    def save_model(
        self, request: HttpRequest, obj: LetterTemplate, form: forms.ModelForm[LetterTemplate], change: bool
    ) -> None:
        # ModelAdmin.changeform_view runs inside transaction.atomic(): saved and audited together.
        save_letter_template(
            actor=request.user,
            template=obj,
            changed_fields=form.changed_data if change else None,
            via="admin",
        )

    def delete_model(self, request: HttpRequest, obj: LetterTemplate) -> None:
        delete_letter_template(actor=request.user, template=obj, via="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[LetterTemplate]) -> None:
        with transaction.atomic():
            for template in queryset:
                delete_letter_template(actor=request.user, template=template, via="admin")

    def _defaults_table(self, request: HttpRequest) -> list[dict[str, Any]]:
        """One row per shipped default: the site-wide override if any, and links to preview or edit."""
        overrides = {(t.kind, t.outcome_group): t for t in LetterTemplate.objects.filter(agency__isnull=True)}
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        add = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_add")
        rows = []
        for kind, group in DEFAULTS:
            override = overrides.get((kind, group))
            query = f"kind={kind}&outcome_group={group}"
            rows.append(
                {
                    "kind": LetterKind(kind).label,
                    "group": GROUP_LABELS.get(group, "") if group else "",  # type: ignore[call-overload]
                    "override": override,
                    "override_url": (
                        reverse(
                            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[override.pk]
                        )
                        if override
                        else ""
                    ),
                    "add_url": f"{add}?{query}",
                    "preview_url": f"{changelist}default-preview/?{query}",
                }
            )
        return rows


@admin.register(AgencyLetterSettings)
class AgencyLetterSettingsAdmin(LetterPermissionsMixin, admin.ModelAdmin[AgencyLetterSettings]):
    list_display = ["agency", "number_prefix", "example_number", "reconsideration_body", "court"]
    search_fields = ["agency__name", "number_prefix"]
    list_select_related = ["agency"]
    fields = ["agency", "number_prefix", "example_number", "reconsideration_body", "court"]
    readonly_fields = ["example_number"]

    @admin.display(description=_("编号示例"))
    def example_number(self, obj: AgencyLetterSettings) -> str:
        if obj.agency_id is None:
            return "—"
        prefix = obj.number_prefix.strip() or number_prefix(obj.agency)
        return format_letter_number(prefix, 2026, 1)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgencyLetterSettings]:
        queryset = super().get_queryset(request)
        if getattr(request.user, "is_superuser", False):
            return queryset
        return queryset.filter(agency__in=manageable_agencies(request.user))

    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        # Settings always belong to an agency.
        if obj is None:
            return can_manage_letters(request.user)
        if not can_manage_letters(request.user):
            return False
        if getattr(request.user, "is_superuser", False):
            return True
        return manageable_agencies(request.user).filter(pk=obj.agency_id).exists()

    def save_model(
        self,
        request: HttpRequest,
        obj: AgencyLetterSettings,
        form: forms.ModelForm[AgencyLetterSettings],
        change: bool,
    ) -> None:
        save_letter_settings(actor=request.user, settings=obj, via="admin")

    def delete_model(self, request: HttpRequest, obj: AgencyLetterSettings) -> None:
        delete_letter_settings(actor=request.user, settings=obj, via="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AgencyLetterSettings]) -> None:
        with transaction.atomic():
            for settings in queryset:
                delete_letter_settings(actor=request.user, settings=settings, via="admin")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
