"""Edited letter templates, and the letter-number series of each agency.

Shipped default texts live in code (:mod:`gongkai.letters.defaults`); the database holds only the
templates an administrator has edited: site-wide ones (``agency`` NULL) and an agency's own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.letters.compose import LetterRenderError, render_blocks
from gongkai.letters.context import LetterContext
from gongkai.letters.engine import validate_template
from gongkai.letters.kinds import LetterKind
from gongkai.letters.source import TemplateOrigin, TemplateSource
from gongkai.statute.outcomes import GROUP_LABELS, OUTCOMES

OUTCOME_GROUP_CHOICES: list[tuple[str, Any]] = [(group.value, label) for group, label in GROUP_LABELS.items()]


class LetterTemplate(models.Model):
    """An edited letter template: a title and a body in Django template syntax (docs/letters.md)."""

    kind = models.CharField(_("文书种类"), max_length=20, choices=LetterKind.choices)
    # Answer letters may have a template per outcome group; blank = any group (and every other kind).
    outcome_group = models.CharField(
        _("答复结果分组"),
        max_length=20,
        choices=OUTCOME_GROUP_CHOICES,
        blank=True,
        help_text=_("仅用于答复书：留空表示适用于所有答复结果。"),
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("机关"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="letter_templates",
        help_text=_("留空表示全站通用模板；指定机关后仅该机关使用，优先于全站通用模板。"),
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文模板"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["kind", "outcome_group", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "outcome_group", "agency"],
                condition=Q(agency__isnull=False),
                name="letters_template_unique_per_agency",
                violation_error_message=_("该机关已有此种文书（及答复结果分组）的模板。"),
            ),
            # NULLs are distinct in a unique index: the site-wide templates need their own constraint.
            models.UniqueConstraint(
                fields=["kind", "outcome_group"],
                condition=Q(agency__isnull=True),
                name="letters_template_unique_site_wide",
                violation_error_message=_("已有此种文书（及答复结果分组）的全站通用模板。"),
            ),
            models.CheckConstraint(
                condition=Q(kind=LetterKind.ANSWER) | Q(outcome_group=""),
                name="letters_template_group_only_for_answers",
                violation_error_message=_("只有答复书可以按答复结果分组设置模板。"),
            ),
        ]

    def __str__(self) -> str:
        parts = [self.get_kind_display()]
        if self.outcome_group:
            parts.append(str(self.get_outcome_group_display()))
        parts.append(self.agency.name if self.agency_id and self.agency else str(_("全站通用")))
        return " · ".join(parts)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[ValidationError]] = {}
        if self.outcome_group and self.kind != LetterKind.ANSWER:
            errors.setdefault("outcome_group", []).append(
                ValidationError(_("只有答复书可以按答复结果分组设置模板。"), code="group_not_answer")
            )
        for field_name in ("title", "body"):
            try:
                validate_template(getattr(self, field_name))
            except ValidationError as exc:
                errors.setdefault(field_name, []).extend(exc.error_list)
        # Without a valid kind (the field's own error says so) there is nothing to render a sample of.
        if not errors and self.kind in LetterKind.values:
            problem = self.render_problem()
            if problem:
                errors.setdefault("body", []).append(ValidationError(problem, code="render_failed"))
        if errors:
            raise ValidationError(errors)

    def as_source(self) -> TemplateSource:
        """This template as the text a letter is rendered from."""
        origin = TemplateOrigin.AGENCY if self.agency_id is not None else TemplateOrigin.SITE
        return TemplateSource(self.title, self.body, origin, self)

    def render_problem(self) -> str:
        """A Chinese message if the template fails when rendered with a sample of every case it serves."""
        if self.kind == LetterKind.ANSWER:
            keys = [o.key for o in OUTCOMES if not self.outcome_group or o.group == self.outcome_group]
        else:
            keys = [""]
        source = TemplateSource(self.title, self.body, TemplateOrigin.SITE)
        for key in keys:
            try:
                render_blocks(source, LetterContext.sample(self.kind, key or None))
            except LetterRenderError as exc:
                return str(_("按示例数据生成文书时出错：%(error)s") % {"error": exc})
        return ""


class AgencyLetterSettings(models.Model):
    """An agency's letter settings: its letter-number prefix and the bodies its remedy notice names."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="letter_settings"
    )
    number_prefix = models.CharField(
        _("文书编号前缀"),
        max_length=60,
        blank=True,
        help_text=_(
            "例如“县政府办依申公”。留空时使用“机关名称＋依申请公开”。"
            "编号格式：前缀〔年份〕序号“号”，例如“某某依申请公开〔2026〕12号”。"
        ),
    )

    reconsideration_body = models.CharField(
        _("行政复议机关"),
        max_length=200,
        blank=True,
        help_text=_(
            "印在答复书救济途径告知中，例如“甲县人民政府”。留空时按机关层级确定（《中华人民共和国行政复议法》"
            "第二十四条：政府部门由本级人民政府管辖，人民政府、乡镇街道由上一级人民政府管辖）；层级不能确定时印"
            "“上一级行政机关”。实行垂直领导的机关（第二十七条）、省级人民政府等请在此填写。"
        ),
    )
    court = models.CharField(
        _("管辖法院"),
        max_length=200,
        blank=True,
        help_text=_("印在救济途径告知中，例如“甲县人民法院”。留空时印“人民法院”。"),
    )

    class Meta:
        verbose_name = _("机关文书设置")
        verbose_name_plural = _("机关文书设置")

    def __str__(self) -> str:
        return str(self.agency)
