"""Applications for disclosure (依申请公开): the case, its append-only events, letters and appeals.

The truth of a case is its events (:class:`CaseEvent`), appended only through
:mod:`gongkai.applications.services`. A few columns of :class:`Application` (``status``,
``receipt_date``, ``due_date``, ``outcome`` …) are kept in step with the events by those services so
that queues and report counts are database queries; they are recomputed from the events, never
edited on their own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.applications.clock import CHANNEL_LABELS
from gongkai.applications.validators import validate_identity
from gongkai.core.models import AppendOnlyModel
from gongkai.statute.outcomes import OUTCOMES


class ApplicantType(models.TextChoices):
    """The applicant columns of table 三 (申请人情况); keys are the report model's column keys."""

    NATURAL_PERSON = "natural_person", _("自然人")
    COMMERCIAL = "commercial", _("商业企业")
    RESEARCH = "research", _("科研机构")
    SOCIAL_WELFARE = "social_welfare", _("社会公益组织")
    LEGAL_SERVICE = "legal_service", _("法律服务机构")
    OTHER_ORG = "other_org", _("其他组织")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    USCC = "uscc", _("统一社会信用代码")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    OTHER = "other", _("其他证件")


class RequestedForm(models.TextChoices):
    PAPER = "paper", _("纸质文本")
    ELECTRONIC = "electronic", _("电子文件")
    INSPECT = "inspect", _("当场查阅、抄录")
    OTHER = "other", _("其他")


class Delivery(models.TextChoices):
    COLLECT = "collect", _("自行领取")
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    ONLINE = "online", _("网上平台下载")
    FAX = "fax", _("传真")


#: The channels of 条例 第三十一条, defined once in the clock.
CHANNEL_CHOICES = [(channel.value, label) for channel, label in CHANNEL_LABELS.items()]


class Status(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


OUTCOME_CHOICES = [(o.key, o.label) for o in OUTCOMES]


class Application(models.Model):
    """One application (one case; a split multi-item application is one case per part, D7)."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="applications"
    )
    #: Registration number within the agency, e.g. ``2026-00042`` (year of registration).
    reference = models.CharField(_("登记编号"), max_length=20)
    # Applicant (第二十九条第二款第一项).
    applicant_type = models.CharField(_("申请人类型"), max_length=20, choices=ApplicantType.choices)
    applicant_name = models.CharField(_("申请人姓名或名称"), max_length=200)
    id_type = models.CharField(_("身份证明类型"), max_length=20, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=40)
    contact_person = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    # The information asked for (第二十九条第二款第二、三项).
    description = models.TextField(_("所需信息的名称、文号或者便于查询的其他特征性描述"), max_length=5000)
    requested_form = models.CharField(_("获取信息的形式"), max_length=20, choices=RequestedForm.choices)
    delivery = models.CharField(_("获取信息的方式"), max_length=20, choices=Delivery.choices)
    # Arrival and receipt (第三十一条; D2).
    channel = models.CharField(_("提交方式"), max_length=20, choices=CHANNEL_CHOICES)
    arrived_at = models.DateTimeField(_("申请到达时间"))
    confirmed_on = models.DateField(_("确认收到日期"), null=True, blank=True)
    #: 件数 under 一事一申请, counted for the 按件 fee tiers (国办函〔2020〕109号).
    pieces = models.PositiveSmallIntegerField(_("件数"), default=1)
    # Kept in step with the events by the services (see module docstring).
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    receipt_date = models.DateField(_("收到申请之日"), null=True, blank=True, db_index=True)
    due_date = models.DateField(_("答复期限"), null=True, blank=True)
    #: Why the due date cannot be computed (e.g. a year's calendar not loaded); empty when it can.
    clock_problem = models.CharField(_("期限无法计算的原因"), max_length=300, blank=True)
    waiting_on = models.CharField(_("等待事项"), max_length=20, blank=True)
    #: Start of the earliest pause still running (consultation, fee); the due date moves while it runs.
    paused_since = models.DateField(_("暂停计时起始日"), null=True, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=40, choices=OUTCOME_CHOICES, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True, db_index=True)
    #: The first answer (or withdrawal) and its outcome: what the annual report counts, once (D7). A case
    #: reopened after a reconsideration decision or a judgment keeps them; its new answer is in the events.
    counted_answer_on = models.DateField(_("年报统计的答复日期"), null=True, blank=True, db_index=True)
    counted_outcome = models.CharField(
        _("年报统计的办理结果"), max_length=40, choices=OUTCOME_CHOICES, blank=True
    )
    # Public access (依申请公开 online): the code is printed on the receipt, the secret shown once.
    tracking_code = models.CharField(_("查询码"), max_length=20, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("拆分自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "reference"], name="applications_reference_unique"),
            models.CheckConstraint(
                condition=Q(status="open", outcome="", answered_on__isnull=True)
                | Q(status="closed", answered_on__isnull=False) & ~Q(outcome=""),
                name="applications_closed_has_outcome",
            ),
            models.CheckConstraint(condition=Q(pieces__gte=1), name="applications_pieces_positive"),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_date"], name="applications_queue_idx"),
            models.Index(fields=["status", "due_date"], name="applications_due_idx"),
            models.Index(fields=["agency", "id_number", "receipt_date"], name="applications_applicant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.applicant_name}"

    def clean(self) -> None:
        super().clean()
        errors = validate_identity(self.applicant_type, self.id_type, self.id_number)
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("登记申请")
    SUBMITTED_ONLINE = "submitted_online", _("网上提交申请")
    RECEIPT_CONFIRMED = "receipt_confirmed", _("确认收到申请")
    CORRECTION_REQUESTED = "correction_requested", _("告知补正")
    CORRECTION_RECEIVED = "correction_received", _("收到补正")
    CONSULTATION_STARTED = "consultation_started", _("开始征求意见")
    CONSULTATION_ENDED = "consultation_ended", _("征求意见结束")
    EXTENSION_GRANTED = "extension_granted", _("批准延期答复")
    FEE_NOTICE_ISSUED = "fee_notice_issued", _("发出收费通知")
    FEE_PAID = "fee_paid", _("缴纳信息处理费")
    ANSWERED = "answered", _("作出答复")
    WITHDRAWN = "withdrawn", _("申请人撤回申请")
    REOPENED = "reopened", _("根据复议决定或判决重新办理")
    DUE_DATE_RECOMPUTED = "due_date_recomputed", _("工作日历变更，重新计算期限")
    LETTER_ISSUED = "letter_issued", _("出具文书")
    APPEAL_RECORDED = "appeal_recorded", _("登记行政复议或诉讼")
    APPEAL_CONCLUDED = "appeal_concluded", _("行政复议或诉讼审结")
    #: 更正: a correction of what was recorded; the event keeps the previous and the new values.
    DETAILS_CORRECTED = "details_corrected", _("更正登记信息")
    OUTCOME_CORRECTED = "outcome_corrected", _("更正答复")
    NOTE = "note", _("备注")


class CaseEvent(AppendOnlyModel):
    """One step of a case. Append-only: written once by a service, never changed or deleted."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    #: The legal date of the fact (e.g. the day the correction arrived), which may precede recording.
    occurred_on = models.DateField(_("发生日期"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("经办人"), max_length=150, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("说明"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["application", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["application", "seq"], name="applications_event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.seq} {self.get_kind_display()}"


class Letter(models.Model):
    """A letter issued on a case (.docx kept as issued; numbers per agency and year)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("文书类型"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=100)
    issued_on = models.DateField(_("出具日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("正文"))
    docx = models.BinaryField(_("Word 文件"))
    filename = models.CharField(_("文件名"), max_length=200)
    #: Whether the applicant may download it from the public status page.
    for_applicant = models.BooleanField(_("发给申请人"), default=True)
    #: The letter that replaced this one after a correction of the answer (更正); the old one is kept.
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("被更正后的文书取代"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION = "litigation", _("行政诉讼")


class AppealResult(models.TextChoices):
    UPHELD = "upheld", _("结果维持")
    CORRECTED = "corrected", _("结果纠正")
    OTHER = "other", _("其他结果")


class Appeal(models.Model):
    """A reconsideration or lawsuit about an OGI decision of a case (table 四, D8)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("类型"), max_length=20, choices=AppealKind.choices)
    #: A lawsuit filed after a reconsideration (复议后起诉) points at that reconsideration.
    after_reconsideration = models.ForeignKey(
        "self",
        verbose_name=_("复议后起诉：所针对的行政复议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lawsuits",
    )
    filed_on = models.DateField(_("申请或起诉日期"))
    body = models.CharField(_("复议机关或人民法院"), max_length=200)
    case_number = models.CharField(_("案号"), max_length=100, blank=True)
    result = models.CharField(_("结果"), max_length=20, choices=AppealResult.choices, blank=True)
    concluded_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("行政复议、行政诉讼")
        verbose_name_plural = _("行政复议、行政诉讼")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="", concluded_on__isnull=True)
                | (~Q(result="") & Q(concluded_on__isnull=False)),
                name="applications_appeal_result_with_date",
            ),
            models.CheckConstraint(
                condition=Q(after_reconsideration__isnull=True) | Q(kind="litigation"),
                name="applications_appeal_only_suits_follow_reconsideration",
            ),
        ]
        indexes = [models.Index(fields=["agency", "concluded_on"], name="applications_appeal_year_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number or self.filed_on}"

    @property
    def group(self) -> str:
        """The table-四 group key (gongkai.reports.model.SECTION4_GROUPS)."""
        if self.kind == AppealKind.RECONSIDERATION:
            return "reconsideration"
        return "litigation_after_reconsideration" if self.after_reconsideration_id else "litigation_direct"
