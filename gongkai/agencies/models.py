"""Agencies (行政机关) and the people who work for them.

Hierarchy storage
-----------------
Agencies form a tree (county government → departments and townships → ...). Each row stores a
materialised ``path``: the primary keys of its ancestors, root first, each followed by ``/``
(a root has ``"/"``, a child of agency 1 has ``"/1/"``, a grandchild ``"/1/5/"``). All
descendants of agency *A* are then found with ONE query, ``path LIKE '<A.path><A.pk>/%'``
(indexed; on PostgreSQL Django adds a ``varchar_pattern_ops`` index for it), however deep and
wide the tree. The path is maintained in :meth:`Agency.save`: on insert it is derived from the
parent, and when an agency is moved to another parent its whole subtree is rewritten with one
``UPDATE``. We chose this over a recursive CTE (not expressible in the ORM) and over a
per-level BFS (one query per level) because reads (permission checks on every request) vastly
outnumber moves.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.validators import normalize_uscc, validate_uscc

postcode_validator = RegexValidator(r"^\d{6}$", _("邮政编码应为6位数字。"), code="invalid_postcode")
short_code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("简称代码只能包含小写字母、数字和连字符，例如 demo-county。"),
    code="invalid_short_code",
)


#: Path segments that sit beside agency short codes in URLs (/reports/supervise/, /gk/api/ …).
RESERVED_SHORT_CODES: frozenset[str] = frozenset({"supervise", "open", "api", "monitor", "search"})


class AgencyKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府部门")
    TOWNSHIP = "township", _("乡镇街道")
    OTHER = "other", _("其他")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def subtree_of(self, agency: Agency, *, include_self: bool = True) -> AgencyQuerySet:
        """``agency`` and everything below it (or only below it), in one query."""
        below = Q(path__startswith=agency.descendant_path_prefix)
        return self.filter(below | Q(pk=agency.pk)) if include_self else self.filter(below)

    def subtrees_of(self, agencies: list[Agency]) -> AgencyQuerySet:
        """The given agencies and everything below any of them, in one query."""
        if not agencies:
            return self.none()
        condition = Q(pk__in=[a.pk for a in agencies])
        for agency in agencies:
            condition |= Q(path__startswith=agency.descendant_path_prefix)
        return self.filter(condition)


class Agency(models.Model):
    """An administrative body that discloses government information (条例第十条、第二十七条)."""

    #: The contact details the 政府信息公开指南 must give (条例第十二条).
    CONTACT_FIELDS: ClassVar[tuple[str, ...]] = (
        "office_name",
        "office_address",
        "office_hours",
        "phone",
        "fax",
        "website",
        "email",
        "postcode",
    )

    name = models.CharField(_("机关名称"), max_length=200)
    # Used on the command line (gongkai check --agency demo-county); never changes meaning.
    short_code = models.CharField(
        _("简称代码"),
        max_length=50,
        unique=True,
        validators=[short_code_validator],
        help_text=_("小写字母、数字和连字符，用于命令行和网址，例如 demo-county。"),
    )
    # 统一社会信用代码 (GB 32100-2015): 18 characters; unique when given.
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc])
    kind = models.CharField(_("机关类型"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Ancestors' primary keys, root first, "/"-terminated; see the module docstring.
    path = models.CharField(_("层级路径"), max_length=255, default="/", editable=False, db_index=True)

    # Contact details the 政府信息公开指南 must give (条例第十二条): 工作机构的名称、办公地址、
    # 办公时间、联系电话、传真号码、互联网联系方式.
    office_name = models.CharField(_("信息公开工作机构名称"), max_length=200, blank=True)
    office_address = models.CharField(_("办公地址"), max_length=300, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    fax = models.CharField(_("传真号码"), max_length=50, blank=True)
    website = models.URLField(_("网站"), blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True, validators=[postcode_validator])
    #: Where the agency publishes its annual reports on its website: its 年报 column (or its 政府信息公开
    #: column); the 政务公开办's monitoring (gongkai.monitoring) fetches it.
    report_column_url = models.URLField(
        _("年报栏目网址"),
        max_length=500,
        blank=True,
        help_text=_(
            "本机关网站上公开年度报告的栏目（或政府信息公开栏目）的网址，政务公开办据此监测年度报告的公开情况。"
        ),
    )

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects: ClassVar[AgencyQuerySet] = AgencyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("机关")
        verbose_name_plural = _("机关")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~Q(uscc=""),
                name="agencies_agency_uscc_unique_when_set",
                violation_error_message=_("已有机关使用该统一社会信用代码。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        new_path = self._path_from_parent()
        old_prefix: str | None = None
        if not self._state.adding and self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
            if stored is not None and stored != new_path:
                old_prefix = f"{stored}{self.pk}/"
                if new_path.startswith(old_prefix):
                    raise ValueError("an agency cannot be moved below itself")
        self.path = new_path
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "parent" in update_fields:
            kwargs["update_fields"] = {*update_fields, "path"}
        super().save(*args, **kwargs)
        if old_prefix is not None:
            # Move the whole subtree with one UPDATE: replace the old prefix by the new one.
            type(self).objects.filter(path__startswith=old_prefix).update(
                path=Concat(Value(self.descendant_path_prefix), Substr("path", len(old_prefix) + 1))
            )

    def clean_fields(self, exclude: Any = None) -> None:
        self.uscc = normalize_uscc(self.uscc)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        if self.short_code in RESERVED_SHORT_CODES:
            raise ValidationError(
                {
                    "short_code": _("“%(code)s”是系统保留的网址，不能用作简称代码。")
                    % {"code": self.short_code}
                },
                code="reserved_short_code",
            )
        if self.parent_id is not None and self.pk is not None:
            parent = self.parent
            assert parent is not None
            if parent.pk == self.pk or parent.path.startswith(self.descendant_path_prefix):
                raise ValidationError({"parent": _("上级机关不能是本机关或其下级机关。")}, code="cycle")

    def _path_from_parent(self) -> str:
        if self.parent_id is None:
            return "/"
        # Read the parent's path from the database: an in-memory parent may be stale.
        parent_path = type(self).objects.filter(pk=self.parent_id).values_list("path", flat=True).get()
        return f"{parent_path}{self.parent_id}/"

    @property
    def descendant_path_prefix(self) -> str:
        """The ``path`` prefix shared by every descendant of this agency."""
        if self.pk is None:
            raise ValueError("an unsaved agency has no descendants")
        return f"{self.path}{self.pk}/"

    @property
    def depth(self) -> int:
        """0 for a root agency, 1 for its children, ..."""
        return self.path.count("/") - 1

    def descendants(self, *, include_self: bool = False) -> AgencyQuerySet:
        return type(self).objects.subtree_of(self, include_self=include_self)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Role(models.TextChoices):
    INFORMATION_OFFICER = "information_officer", _("信息员")
    REVIEWER = "reviewer", _("审核人")
    LEADER = "leader", _("分管领导")
    # 政府信息公开工作机构负责人: approves extensions of the answer period (条例 第三十三条第二款).
    OFFICE_HEAD = "office_head", _("信息公开工作机构负责人")
    # 政务公开办: the office that supervises OGI work of its agency and the agencies below it.
    SUPERVISOR = "supervisor", _("政务公开办")
    ADMINISTRATOR = "administrator", _("管理员")
    # 三员分立 (等保 2.0, docs/decisions.md D21): the 系统管理员 is the 管理员 above (and superusers, for
    # setup only); these two hold no other power. Held at an agency, they reach its whole subtree; held at a
    # root agency, the whole deployment.
    # 安全管理员: unlocks accounts, resets second factors, reads the login and lockout events.
    SECURITY_ADMINISTRATOR = "security_administrator", _("安全管理员")
    # 审计管理员: reads and exports the audit log, changes nothing.
    AUDIT_ADMINISTRATOR = "audit_administrator", _("审计管理员")


class Membership(models.Model):
    """A user holds a role at an agency. A user may hold several roles at several agencies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                name="agencies_membership_unique_role",
                violation_error_message=_("该用户在该机关已有此角色。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"


class SignOff(models.TextChoices):
    """How an act of the agency is signed off (签发方式)."""

    OFFICER = "officer", _("经办人直接办理")
    HEAD = "head", _("负责人审批")


class ExtensionConsent(models.TextChoices):
    """How the head consents to an extension (条例 第三十三条第二款: 经政府信息公开工作机构负责人同意).

    The law requires the head's consent, so "the officer alone" is not a choice (docs/decisions.md D15).
    """

    IN_SYSTEM = "in_system", _("负责人在系统中审批")
    ON_PAPER = "on_paper", _("经办人登记负责人的书面同意（负责人姓名、同意日期）")


class SignOffPolicy(models.Model):
    """The agency's sign-off setting for answers, extensions and the annual report (D15).

    An agency without a row has the defaults (:meth:`for_agency`): answers and the annual report by the
    officer alone, extensions with the head's consent recorded from paper, as before the setting existed.
    """

    agency = models.OneToOneField(
        Agency, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="signoff_policy"
    )
    #: 作出答复.
    answers = models.CharField(_("作出答复"), max_length=10, choices=SignOff.choices, default=SignOff.OFFICER)
    #: 延期答复 (第三十三条第二款).
    extensions = models.CharField(
        _("延期答复"), max_length=10, choices=ExtensionConsent.choices, default=ExtensionConsent.ON_PAPER
    )
    #: 年度报告发布 (第四十九条).
    annual_report = models.CharField(
        _("年度报告发布"), max_length=10, choices=SignOff.choices, default=SignOff.OFFICER
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("签发设置")
        verbose_name_plural = _("签发设置")

    def __str__(self) -> str:
        return f"{self.agency} · {self._meta.verbose_name}"

    @classmethod
    def for_agency(cls, agency: Agency) -> SignOffPolicy:
        """The agency's setting, or the defaults (unsaved) when it never changed them."""
        return cls.objects.filter(agency=agency).first() or cls(agency=agency)

    @property
    def answers_need_approval(self) -> bool:
        return self.answers == SignOff.HEAD

    @property
    def extensions_in_system(self) -> bool:
        return self.extensions == ExtensionConsent.IN_SYSTEM

    @property
    def annual_report_needs_approval(self) -> bool:
        return self.annual_report == SignOff.HEAD
