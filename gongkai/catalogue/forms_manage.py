"""Forms of the catalogue workspace (主动公开, /manage/catalogue/).

The forms only check what a form can check (required fields, formats); the rules of an entry live in
:mod:`gongkai.catalogue.content` and the steps of :mod:`gongkai.catalogue.services`, whose
``CatalogueError`` / ``ValidationError`` is put back on the form by
:meth:`ServiceForm.add_service_error` (next to the field it is about).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue import content, scanning, services, workflow
from gongkai.catalogue.models import (
    STANDARD_AREA_CHOICES,
    Category,
    DisclosureMode,
    DocumentType,
    Item,
    ItemKind,
    Status,
    Topic,
    Validity,
)
from gongkai.catalogue.taxonomy import ARTICLE_20_CHOICES
from gongkai.core.forms import LengthCheckedForm
from gongkai.core.i18n import render_lazy
from gongkai.core.messages import N_, Message
from gongkai.statute.periods import PUBLICATION_WORKING_DAYS


class ServiceForm(LengthCheckedForm, forms.Form):
    """A form whose data goes to a service: the service's errors are shown on the form, field errors
    next to their fields, the rest on top."""

    #: Model field names the service may name → form field names, where they differ.
    field_aliases: ClassVar[Mapping[str, str]] = {}

    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                alias = self.field_aliases.get(name, name)
                messages = [m for e in errors for m in e.messages]
                self.add_error(alias if alias in self.fields else None, messages)
            return
        self.add_error(None, exc.messages)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# ---------------------------------------------------------------------------------------------
# The list's filters
# ---------------------------------------------------------------------------------------------

#: "Work to do" groups of states, besides the states themselves.
STATE_OPEN = "open"
STATE_CHOICES = [
    ("", _("全部")),
    (STATE_OPEN, _("未发布（草稿至待发布）")),
    *Status.choices,
]
OPEN_STATES = (Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED)


class ItemFilterForm(LengthCheckedForm, forms.Form):
    """GET filters of the list; every value is optional and the URL can be bookmarked."""

    status = forms.ChoiceField(label=_("状态"), choices=STATE_CHOICES, required=False)
    kind = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部"))] + list(ItemKind.choices), required=False
    )
    agency = forms.ModelChoiceField(
        label=_("机关"), queryset=Agency.objects.none(), required=False, empty_label=_("全部机关")
    )
    q = forms.CharField(
        label=_("搜索"),
        max_length=100,
        required=False,
        help_text=_("名称、文号、索引号、内容概述、关键词、正文和附件文字"),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies

    def value(self, name: str) -> Any:
        """The cleaned value of ``name``, or its empty value when the form or that field is invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None


# ---------------------------------------------------------------------------------------------
# The entry
# ---------------------------------------------------------------------------------------------


class ItemForm(ServiceForm):
    """All the fields of an entry (services.create_draft / update_draft)."""

    agency = forms.ModelChoiceField(label=_("发布机关"), queryset=Agency.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=ItemKind.choices,
        initial=ItemKind.INFORMATION,
        help_text=_("行政许可、处罚、强制决定逐件作为单独的类别发布，年度报告表二按件统计。"),
    )
    title = forms.CharField(label=_("名称"), max_length=300)
    publisher = forms.CharField(
        label=_("发布机构"),
        max_length=200,
        required=False,
        help_text=_("写全称，不用简称；不填则为本机关名称。联合发文的，为发文字号所属机关。"),
    )
    doc_number = forms.CharField(
        label=_("文号"), max_length=100, required=False, help_text=_("例如：甲政发〔2026〕12号")
    )
    written_on = forms.DateField(
        label=_("成文日期"),
        widget=_date_widget(),
        help_text=render_lazy(
            Message(
                N_(
                    "文件的签发日期；数据类信息为其形成之日。自该日起%(days)s个工作日内公开（条例第二十六条）。"
                ),
                {"days": PUBLICATION_WORKING_DAYS},
            )
        ),
    )
    effective_on = forms.DateField(label=_("实施日期"), widget=_date_widget(), required=False)
    repealed_on = forms.DateField(label=_("废止日期"), widget=_date_widget(), required=False)
    document_type = forms.ChoiceField(
        label=_("文件类型"),
        choices=DocumentType.choices,
        initial=DocumentType.OTHER,
        help_text=_("规章和行政规范性文件须注明有效性，年度报告表二按成文日期和废止日期统计。"),
    )
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices, required=False)
    category = forms.ModelChoiceField(
        label=_("主题分类"),
        queryset=Category.objects.order_by("order", "name"),
        required=False,
        empty_label=_("（请选择）"),
        help_text=_("提交审查前必须选择。"),
    )
    article20_item = forms.TypedChoiceField(
        label=_("第二十条所列事项"),
        choices=[("", _("（不属于或暂不选择）"))] + list(ARTICLE_20_CHOICES),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("许可决定默认为第五项，处罚、强制决定默认为第六项。"),
    )
    disclosure_mode = forms.ChoiceField(
        label=_("公开方式"), choices=DisclosureMode.choices, initial=DisclosureMode.WEBSITE
    )
    summary = forms.CharField(
        label=_("内容概述"),
        max_length=content.SUMMARY_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("约100字，概括信息的主要内容，不要照抄其他项目。提交审查前必须填写。"),
    )
    keywords = forms.CharField(
        label=_("关键词"), max_length=200, required=False, help_text=_("多个关键词用空格或逗号分隔。")
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        max_length=500_000,
        # data-rich-editor: static/catalogue/editor.js puts the editor in its place (the text area stays
        # without JavaScript).
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "data-rich-editor": "true"}),
        help_text=_(
            "可以像在 Word 中一样编辑，或从 Word 直接粘贴：标题、加粗、列表、表格和链接会保留，字体、颜色等"
            "样式会去掉。不使用脚本时，可以粘贴文字（每行为一段）或简单的 HTML。保存时会自动清理，"
            "脚本、样式和其他标签会被删除。"
        ),
    )
    interprets = forms.CharField(
        label=_("解读的文件（索引号）"),
        max_length=60,
        required=False,
        help_text=_("仅“政策解读”填写：所解读文件的索引号（该文件须已发布）。"),
    )
    is_ogi_rule = forms.BooleanField(
        label=_("属于政府信息公开制度"),
        required=False,
        help_text=_("勾选后显示在“政府信息公开制度”栏目中。"),
    )

    standard_area = forms.ChoiceField(
        label=_("基层政务公开标准目录领域"),
        choices=STANDARD_AREA_CHOICES,
        required=False,
        help_text=_(
            "国办发〔2019〕54号的26个试点领域之一；本机关专栏选用了该领域的，条目列入该领域的子栏目。"
        ),
    )
    topic = forms.ChoiceField(
        label=_("专题栏目"),
        choices=Topic.choices,
        required=False,
        help_text=_("人大代表建议、政协提案的办理结果，或依申请公开后转为主动公开的信息（条例第四十四条）。"),
    )

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency] | None = None, item: Item | None = None, **kwargs: Any
    ) -> None:
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(item)
        super().__init__(*args, **kwargs)
        self.item = item
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        if item is not None:
            # The agency of an entry never changes.
            del self.fields["agency"]
        else:
            field.queryset = agencies if agencies is not None else Agency.objects.none()
            if not self.is_bound and agencies is not None:
                only = list(agencies[:2])
                if len(only) == 1:
                    self.initial["agency"] = only[0].pk

    def clean_interprets(self) -> Item | None:
        value = (self.cleaned_data.get("interprets") or "").strip()
        if not value:
            return None
        found = Item.objects.filter(index_number=value, status=Status.PUBLISHED).first()
        if found is None:
            raise ValidationError(_("没有找到索引号为“%(number)s”的已发布条目。") % {"number": value})
        return found

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in content.EDITABLE_FIELDS}
        data["validity"] = data["validity"] or ""
        return data


def initial_for(item: Item) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(item, name) for name in content.EDITABLE_FIELDS}
    initial["category"] = item.category_id
    initial["interprets"] = item.interprets.index_number if item.interprets else ""
    return initial


class AttachmentForm(ServiceForm):
    file = forms.FileField(
        label=_("附件"),
        help_text=_("PDF、Word（.docx）、Excel（.xlsx）或图片，每个不超过 20 MB，每个条目最多 20 个。"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > services.MAX_ATTACHMENT_BYTES:
            raise ValidationError(_("文件超过 20 MB，不能上传。"), code="too_large")
        return upload


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------

#: The label of each step's text field, and whether it must be filled in.
NOTE_LABELS: dict[str, Any] = {
    workflow.SUBMIT: _("说明"),
    workflow.REVIEW_PASS: _("审查意见"),
    workflow.REVIEW_RETURN: _("退回理由"),
    workflow.APPROVE: _("审批意见"),
    workflow.APPROVE_RETURN: _("退回理由"),
    workflow.PUBLISH_RETURN: _("退回理由"),
    workflow.PUBLISH: _("有未处理的检查结果时，发布的理由"),
    workflow.WITHDRAW: _("撤回理由"),
}
NOTE_HELP: dict[str, Any] = {
    workflow.REVIEW_PASS: _("例如：经审查，不涉及国家秘密、工作秘密、商业秘密和个人隐私，同意公开。"),
    workflow.PUBLISH: _(
        "隐私检查仍有未遮盖的结果时必须填写，例如：所列电话为本机关对外公布的办公电话。理由记入审核记录和审计日志。"
    ),
    workflow.WITHDRAW: _("撤回后，公众只能看到名称、索引号、“已撤回”和撤回理由，看不到正文和附件。"),
}


class StepForm(ServiceForm):
    """One step of the workflow; ``note`` is the opinion, the reason or the override reason."""

    field_aliases = {"override_reason": "note", "reason": "note"}

    note = forms.CharField(
        max_length=content.NOTE_MAX_CHARS, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.action = action
        note = self.fields["note"]
        note.label = NOTE_LABELS[action]
        note.required = action in workflow.REASON_REQUIRED
        note.help_text = NOTE_HELP.get(action, "")

    @property
    def needs_confirmation(self) -> bool:
        return self.action == workflow.WITHDRAW


class MaskForm(forms.Form):
    source = forms.ChoiceField(choices=[(s, s) for s in scanning.TEXT_SOURCES])
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    kind = forms.CharField(max_length=30)


class AcknowledgeForm(forms.Form):
    """The findings ticked as looked at (their keys), or all of them."""

    acknowledge = forms.MultipleChoiceField(required=False)
    everything = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keys = self.data.getlist("acknowledge") if hasattr(self.data, "getlist") else []
        field = self.fields["acknowledge"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(k, k) for k in keys if isinstance(k, str) and 0 < len(k) <= 64]


class RedactForm(forms.Form):
    """One hit of a file to redact (its place in the file's text), or every hit of the file."""

    start = forms.IntegerField(min_value=0, required=False)
    end = forms.IntegerField(min_value=0, required=False)
    kind = forms.CharField(max_length=30, required=False)
    everything = forms.BooleanField(required=False)
    #: Given on the confirmation page of a file that becomes a PDF (an irreversible change of format).
    confirmed = forms.BooleanField(required=False)


class SensitiveWordForm(ServiceForm):
    agency = forms.ModelChoiceField(label=_("机关"), queryset=Agency.objects.none(), empty_label=None)
    word = forms.CharField(label=_("词语"), max_length=services.WORD_MAX_CHARS)
    correction = forms.CharField(
        label=_("建议改为"),
        max_length=services.WORD_MAX_CHARS,
        required=False,
        help_text=_("审核时显示，点“更正”即以此替换该词；不填则遮盖。"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        if not self.is_bound:
            only = list(agencies[:2])
            if len(only) == 1:
                self.initial["agency"] = only[0].pk


class CorrectionForm(ServiceForm):
    """Start a correction (更正) of a published entry: why (staff only) and what, for the public."""

    field_aliases = {"public_note": "correction_note", "reason": "correction_reason"}

    correction_reason = forms.CharField(
        label=_("更正原因"),
        max_length=content.NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("为什么更正（仅工作人员可见，记入审核记录和审计日志）。"),
    )
    correction_note = forms.CharField(
        label=_("更正说明（公开）"),
        max_length=300,
        help_text=_(
            "在公开页面上显示，告诉公众更正了什么，例如“更正了第三条中的日期”。不要写个人信息；"
            "更正说明与更正后的内容一起经过隐私检查和保密审查。"
        ),
    )


class ColumnAreasForm(ServiceForm):
    """The 基层政务公开标准目录 areas (国办发〔2019〕54号) an agency's column shows."""

    field_aliases = {"areas": "areas"}

    areas = forms.MultipleChoiceField(
        label=_("标准目录领域"),
        choices=STANDARD_AREA_CHOICES[1:],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选与本机关职责有关的领域；每个领域在专栏中成为一个子栏目，列出归入该领域的条目。"),
    )
