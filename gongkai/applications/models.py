"""Applications for disclosure (依申请公开): the case, its append-only events, letters and appeals.

The truth of a case is its events (:class:`CaseEvent`), appended only through
:mod:`gongkai.applications.services`. A few columns of :class:`Application` (``status``,
``receipt_date``, ``due_date``, ``outcome`` …) are kept in step with the events by those services so
that queues and report counts are database queries; they are recomputed from the events, never
edited on their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.applications.clock import CHANNEL_LABELS
from gongkai.applications.frequent import request_digest
from gongkai.applications.validators import validate_identity
from gongkai.core import storage
from gongkai.core.fields import EncryptedCharField, EncryptedTextField, lookup_digest
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
    # Identity number, phone, e-mail and address are encrypted at rest (gongkai.core.fields); the case is
    # found by its identity number through the keyed digest, kept in step by save().
    id_number = EncryptedCharField(_("证件号码"), max_length=40)
    id_number_digest = models.CharField(max_length=64, editable=False, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=40, blank=True)
    email = EncryptedCharField(_("电子邮箱"), max_length=254, blank=True, validators=[validate_email])
    address = EncryptedCharField(_("通信地址"), max_length=300, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    # The information asked for (第二十九条第二款第二、三项).
    description = models.TextField(_("所需信息的名称、文号或者便于查询的其他特征性描述"), max_length=5000)
    #: What the description asks for, as compared across cases (第四十四条; :mod:`.frequent`), kept in
    #: step by save(): the cases asking for the same information are grouped by it in the database.
    request_digest = models.CharField(max_length=64, editable=False, blank=True, default="")
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
    #: The due date was counted over a year whose holiday notice is not loaded (暂定, decisions D17);
    #: kept in step with ``due_date`` and cleared when the notice is loaded.
    due_date_provisional = models.BooleanField(_("答复期限为暂定"), default=False)
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
    #: The first answer's working days and timeliness as the clock counts them (gongkai.applications.timing):
    #: kept by the services with the columns above and again after a calendar change, so that the
    #: statistics are grouped counts. ``counted_timing`` "" is "not computed yet" (read from the events).
    counted_working_days = models.PositiveIntegerField(
        _("年报统计的答复用时（工作日）"), null=True, blank=True
    )
    counted_on_time = models.BooleanField(_("年报统计的按期答复"), null=True, blank=True)
    counted_timing = models.CharField(max_length=8, blank=True, default="", editable=False)
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
    #: The day ``gongkai pii purge`` erased the applicant's personal data (retention rule); null: kept.
    personal_data_erased_on = models.DateField(_("个人信息删除日期"), null=True, blank=True)

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
            models.Index(
                fields=["agency", "id_number_digest", "receipt_date"], name="applications_applicant_idx"
            ),
            # The queue's receipt-year choices: MIN/MAX of receipt_date per agency, read off the index.
            models.Index(fields=["agency", "receipt_date"], name="applications_receipt_idx"),
            # The statistics (gongkai.stats.selectors): the year's cases of 2,000 agencies counted by agency
            # and what the figures group by, read off the index alone (PostgreSQL's index-only scan), not the
            # table's rows.
            models.Index(
                fields=["receipt_date", "agency", "channel", "applicant_type"],
                name="applications_stats_receipt_idx",
            ),
            models.Index(
                fields=[
                    "counted_answer_on",
                    "agency",
                    "counted_outcome",
                    "counted_timing",
                    "counted_working_days",
                    "counted_on_time",
                ],
                name="applications_stats_answer_idx",
            ),
            # 第四十四条: the cases of an agency asking for the same information, grouped and counted.
            models.Index(fields=["agency", "request_digest"], name="applications_request_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.applicant_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the identity number's lookup digest in step with the number, and the request's digest
        (第四十四条) with the description."""
        self.id_number_digest = lookup_digest(self.id_number or "")
        self.request_digest = request_digest(self.description or "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            update_fields = kwargs["update_fields"] = {*update_fields, "id_number_digest"}
        if update_fields is not None and "description" in update_fields:
            kwargs["update_fields"] = {*update_fields, "request_digest"}
        super().save(*args, **kwargs)

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
    # Sign-off by the head (D15): none of them moves the clock.
    APPROVAL_REQUESTED = "approval_requested", _("提交负责人审批")
    APPROVAL_GRANTED = "approval_granted", _("负责人审批同意")
    APPROVAL_RETURNED = "approval_returned", _("负责人退回修改")
    # The case file (案卷): none of these moves the clock.
    ATTACHMENT_ADDED = "attachment_added", _("上传案卷材料")
    ATTACHMENT_REMOVED = "attachment_removed", _("移除案卷材料")
    DELIVERY_RECORDED = "delivery_recorded", _("登记送达")


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


#: The sealing contexts of the stored files: those of the columns the bytes were kept in before they moved
#: to the file storage (applications 0011), so the sealed bytes moved as they were and still open.
LETTER_SEAL_CONTEXT = "applications.letter.docx"
CASE_FILE_SEAL_CONTEXT = "applications.caseattachment.data"


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
    # The letter names the applicant and their address: text and file are encrypted at rest.
    text = EncryptedTextField(_("正文"))
    #: The .docx in the file storage (``letters/<uuid>``), sealed: :meth:`read_docx` / :meth:`store_docx`.
    file = models.FileField(
        _("Word 文件"), upload_to=storage.UnguessableName("letters"), max_length=200, blank=True
    )
    #: What the .docx prints (title, paragraphs, signature; JSON of ``letters.render.layout_of``), fixed
    #: when the letter is issued, so that the job renders exactly the letter that was issued.
    layout = EncryptedTextField(_("版式"), blank=True, default="")
    rendered_at = models.DateTimeField(_("Word 文件生成时间"), null=True, blank=True)
    #: Why the last render job failed (shown on the case page with a retry); "" once rendered.
    render_error = models.CharField(_("生成失败原因"), max_length=500, blank=True, default="")
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

    def read_docx(self) -> bytes:
        """The .docx as issued (opened from its sealed stored file; empty once erased)."""
        return storage.read_sealed(self.file, LETTER_SEAL_CONTEXT)

    def store_docx(self, data: bytes) -> None:
        """Store ``data`` sealed as the letter's file (a new name; save the row afterwards)."""
        storage.save_sealed(self.file, data, LETTER_SEAL_CONTEXT)


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


class ApprovalKind(models.TextChoices):
    ANSWER = "answer", _("作出答复")
    EXTENSION = "extension", _("延期答复")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("待负责人审批")
    APPROVED = "approved", _("负责人已同意")
    RETURNED = "returned", _("负责人已退回")


#: The keys of an answer's :attr:`Approval.data`: what the answer and its letter say.
ANSWER_FIELDS = ("outcome", "legal_basis", "reasons", "how_to_obtain", "responsible_agency")


class Approval(models.Model):
    """A step prepared by the officer that waits for the head's approval (D15): an answer (its outcome and
    the letter's text fields) or an extension (its reason). Approving performs the step, dated the approval
    day; returning sends it back with a reason. At most one is pending per case."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(_("审批事项"), max_length=20, choices=ApprovalKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    #: What the step will do: the answer's ``outcome``, ``legal_basis``, ``reasons``, ``how_to_obtain``,
    #: ``responsible_agency``; or the extension's ``reason``.
    data = models.JSONField(_("内容"), default=dict, encoder=DjangoJSONEncoder)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_label = models.CharField(_("提交人"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_label = models.CharField(_("审批人"), max_length=150, blank=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("负责人审批")
        verbose_name_plural = _("负责人审批")
        ordering = ["application", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="pending"),
                name="applications_one_pending_approval",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="applications_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_kind_display()} · {self.get_status_display()}"


# ---------------------------------------------------------------------------------------------
# The case file (案卷): attachments and the delivery (送达) of letters
# ---------------------------------------------------------------------------------------------


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", _("申请材料")
    ENCLOSURE = "enclosure", _("答复附件")
    DELIVERY_PROOF = "delivery_proof", _("送达凭证")
    OTHER = "other", _("其他")


#: The largest file a case file keeps, and the longest reason for removing one.
MAX_CASE_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_REMOVAL_REASON_CHARS = 1000


class CaseAttachment(models.Model):
    """A file of the case file (案卷), kept in the database like the catalogue's attachments.

    Never deleted: removing one from the file records who, when and why (``removed_*``), and the
    bytes stay for the record (they may be evidence in a reconsideration or a lawsuit).
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("材料类别"), max_length=20, choices=AttachmentKind.choices)
    filename = models.CharField(_("文件名"), max_length=255)
    #: Sniffed from the bytes: pdf, docx, xlsx, image.
    file_kind = models.CharField(_("文件类型"), max_length=20)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    #: Sealed in the file storage (``case-files/<uuid>``: copies of identity papers, applications with the
    #: applicant's details): :meth:`read_bytes` / :meth:`store_bytes`.
    file = models.FileField(
        _("文件"), upload_to=storage.UnguessableName("case-files"), max_length=200, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_label = models.CharField(_("上传人"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_by_label = models.CharField(_("移除人"), max_length=150, blank=True)
    removal_reason = models.TextField(_("移除理由"), blank=True, max_length=MAX_REMOVAL_REASON_CHARS)

    class Meta:
        verbose_name = _("案卷材料")
        verbose_name_plural = _("案卷材料")
        ordering = ["application", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removal_reason="")
                | Q(removed_at__isnull=False) & ~Q(removal_reason=""),
                name="applications_attachment_removal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    def read_bytes(self) -> bytes:
        """The file's plain bytes (opened from its sealed stored file; empty once erased)."""
        return storage.read_sealed(self.file, CASE_FILE_SEAL_CONTEXT)

    def store_bytes(self, data: bytes) -> None:
        """Store ``data`` sealed as this material's file (a new name; save the row afterwards)."""
        storage.save_sealed(self.file, data, CASE_FILE_SEAL_CONTEXT)


class DeliveryMethod(models.TextChoices):
    """How a letter reached its addressee (送达方式)."""

    IN_PERSON = "in_person", _("直接送达（当面领取）")
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    ONLINE = "online", _("网上平台")
    OTHER = "other", _("其他")


class LetterDelivery(models.Model):
    """The delivery (送达) of an issued letter: how, when, to whom, with an optional proof.

    Appended only (a second record, e.g. after a returned letter, is added beside the first). It never
    moves the clock: the answer's deadline is met on the day the answer is made (条例 第三十三条; D16).
    """

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField(_("送达方式"), max_length=20, choices=DeliveryMethod.choices)
    delivered_on = models.DateField(_("送达日期"))
    #: Mandatory for post (邮寄): the postal tracking number (邮件单号).
    tracking_number = models.CharField(_("邮件单号"), max_length=60, blank=True)
    recipient = EncryptedCharField(_("签收人或收件地址"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True, max_length=1000)
    proof = models.ForeignKey(
        CaseAttachment,
        verbose_name=_("送达凭证"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_label = models.CharField(_("登记人"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["letter", "delivered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="post") | ~Q(tracking_number=""),
                name="applications_delivery_post_has_tracking_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.get_method_display()} {self.delivered_on}"


class ReminderMail(models.Model):
    """One officer's daily reminder e-mail about one agency's cases (``gongkai remind``, the scheduled
    ``applications.remind`` job): written in the transaction that sends it, so a second run on the same
    day sends nothing twice."""

    day = models.DateField(_("日期"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("到期提醒邮件")
        verbose_name_plural = _("到期提醒邮件")
        constraints = [
            models.UniqueConstraint(fields=["day", "user", "agency"], name="applications_one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id} {self.agency_id}"


class QueueVersion(models.Model):
    """The version of everything the officer's queue shows (办理案件列表; D52): one row, whose
    ``version`` database triggers increment in the transaction of every statement that inserts, updates or
    deletes a row of the tables the queue reads — the cases, their approvals, the agencies, the
    memberships and the work calendar (migration ``applications.0017``). Triggers rather than calls in the
    services, so that no writer (a service, a job's bulk update, the admin site, a data migration, a
    command) can change what the queue shows without it. The queue's cached part is keyed by it
    (:mod:`gongkai.applications.queue_cache`)."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("案件列表版本")
        verbose_name_plural = _("案件列表版本")

    def __str__(self) -> str:
        return f"v{self.version}"
