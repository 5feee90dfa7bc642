"""The proactive-disclosure catalogue (主动公开目录): entries, their files, the review log, index-number
patterns and the sensitive-word list.

Entries are written only through :mod:`gongkai.catalogue.services`, which moves them through the review
workflow (先审查、后公开, 一事一审) and records an :class:`ItemEvent` and an audit event for every step.
"""

from __future__ import annotations

import uuid
from typing import IO

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.taxonomy import ARTICLE_20_CHOICES
from gongkai.core import storage
from gongkai.core.models import AppendOnlyModel
from gongkai.statute.standard_areas import STANDARD_AREAS


class Category(models.Model):
    """A 主题分类 (subject category); the defaults are the State Council's 22 (taxonomy.py)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主题分类")
        verbose_name_plural = _("主题分类")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    INFORMATION = "information", _("政府信息")
    INTERPRETATION = "interpretation", _("政策解读")
    # 第二十条（五）（六）: decisions published one by one, counted in table 二 (D9).
    LICENSING = "licensing", _("行政许可决定")
    PENALTY = "penalty", _("行政处罚决定")
    ENFORCEMENT = "enforcement", _("行政强制决定")
    ANNUAL_REPORT = "annual_report", _("政府信息公开工作年度报告")


class DocumentType(models.TextChoices):
    """For table 二 (2021 format): 规章 and 行政规范性文件 are counted by 成文日期 and 废止日期 (D9)."""

    REGULATION = "regulation", _("规章")
    NORMATIVE = "normative", _("行政规范性文件")
    OTHER = "other", _("其他文件或信息")


class Validity(models.TextChoices):
    NOT_APPLICABLE = "", _("不适用")
    IN_FORCE = "in_force", _("现行有效")
    AMENDED = "amended", _("已修改")
    REPEALED = "repealed", _("已废止")
    EXPIRED = "expired", _("已失效")


class DisclosureMode(models.TextChoices):
    """公开方式 (条例 第二十三条)."""

    WEBSITE = "website", _("政府网站")
    GAZETTE = "gazette", _("政府公报")
    PRESS = "press", _("新闻发布会")
    MEDIA = "media", _("报刊、广播、电视")
    OTHER = "other", _("其他")


class Topic(models.TextChoices):
    """A standing sub-column of the 专栏 besides the statutory catalogue's own parts."""

    NONE = "", _("无")
    #: 人大代表建议和政协提案办理结果 (the responses to deputies' suggestions and CPPCC proposals).
    PROPOSAL_RESPONSES = "proposal_responses", _("建议提案办理结果")
    #: 依申请公开转主动公开 (条例 第四十四条): information released on request that others also ask for.
    FROM_REQUESTS = "from_requests", _("依申请公开转主动公开")


#: 基层政务公开标准目录 areas (国办发〔2019〕54号), for the model field's choices.
STANDARD_AREA_CHOICES = [("", _("无")), *((code, _(name)) for code, name in STANDARD_AREAS.items())]


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待保密审查")
    REVIEWED = "reviewed", _("待领导审批")
    APPROVED = "approved", _("待发布")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")
    #: A correction draft (更正稿) whose content was published onto the entry it corrects.
    APPLIED = "applied", _("更正已发布")


class IndexPattern(models.Model):
    """How an agency's index numbers (索引号) look: prefix, separator, period, serial width.

    The national form is ``CODE/YYYY-NNNNN`` (国务院办公厅秘书局《政府信息公开目录系统实施指引（试行）》;
    docs/law.md §5.1). Serials run per agency and year and are never reused.
    """

    class Prefix(models.TextChoices):
        USCC = "uscc", _("统一社会信用代码")
        ORG_CODE = "org_code", _("组织机构代码（统一社会信用代码第9—17位）")
        CUSTOM = "custom", _("自定义")

    class Period(models.TextChoices):
        YEAR = "year", _("年（YYYY）")
        YEAR_MONTH = "year_month", _("年月（YYYYMM）")

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="index_pattern", verbose_name=_("机关")
    )
    prefix = models.CharField(_("前段码"), max_length=20, choices=Prefix.choices, default=Prefix.ORG_CODE)
    custom_prefix = models.CharField(_("自定义前段码"), max_length=30, blank=True)
    separator = models.CharField(_("前后段分隔符"), max_length=3, default="/")
    period = models.CharField(_("年度段"), max_length=20, choices=Period.choices, default=Period.YEAR)
    serial_width = models.PositiveSmallIntegerField(
        _("流水号位数"), default=5, validators=[MinValueValidator(3), MaxValueValidator(8)]
    )

    class Meta:
        verbose_name = _("索引号规则")
        verbose_name_plural = _("索引号规则")

    def __str__(self) -> str:
        return f"{self.agency} 索引号规则"


class Item(models.Model):
    """One catalogue entry (目录条目): a document or piece of information published proactively."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="catalogue_items", verbose_name=_("机关")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=ItemKind.choices, default=ItemKind.INFORMATION)
    #: Issued at publication, unique, never changed or reused (第十二条 目录; docs/law.md §5.1).
    index_number = models.CharField(_("索引号"), max_length=60, null=True, blank=True, unique=True)
    title = models.CharField(_("名称"), max_length=300)
    publisher = models.CharField(_("发布机构"), max_length=200, blank=True)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    written_on = models.DateField(_("成文日期"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_on = models.DateField(_("实施日期"), null=True, blank=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    document_type = models.CharField(
        _("文件类型"), max_length=20, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    validity = models.CharField(_("有效性"), max_length=20, choices=Validity.choices, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("主题分类"),
    )
    article20_item = models.PositiveSmallIntegerField(
        _("第二十条所列事项"), choices=ARTICLE_20_CHOICES, null=True, blank=True
    )
    disclosure_mode = models.CharField(
        _("公开方式"), max_length=20, choices=DisclosureMode.choices, default=DisclosureMode.WEBSITE
    )
    summary = models.TextField(_("内容概述"), max_length=500, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    #: Sanitised HTML (nh3) — never rendered unsanitised.
    body = models.TextField(_("正文"), blank=True)
    #: 政策解读 → the document it interprets.
    interprets = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interpretations",
        verbose_name=_("解读的文件"),
    )
    #: Shown in the column's 政府信息公开制度 part.
    is_ogi_rule = models.BooleanField(_("属于政府信息公开制度"), default=False)
    #: 更正稿: this draft corrects the published entry ``corrects``; it walks the same review workflow and
    #: its publication puts its content onto that entry (same 索引号), keeping the previous version.
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction_drafts",
        verbose_name=_("更正的条目"),
    )
    #: Why the entry is corrected (staff only).
    correction_reason = models.TextField(_("更正原因"), blank=True, max_length=2000)
    #: What was corrected, for the public page (no personal data; scanned and reviewed with the content).
    correction_note = models.CharField(_("更正说明"), max_length=300, blank=True)
    #: The 基层政务公开标准目录 area (国办发〔2019〕54号) the entry is filed under, "" for none.
    standard_area = models.CharField(
        _("标准目录领域"), max_length=40, choices=STANDARD_AREA_CHOICES, blank=True, default=""
    )
    #: A standing sub-column (建议提案办理结果, 依申请公开转主动公开), "" for none.
    topic = models.CharField(_("专题栏目"), max_length=30, choices=Topic.choices, blank=True, default="")
    #: 第四十四条: the application case (``applications.Application`` id) whose released information this
    #: draft proposes to publish; internal only (no foreign key: the catalogue does not import the
    #: applications app), never shown to the public.
    source_application_id = models.PositiveBigIntegerField(_("来源申请案件"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    withdrawn_reason = models.TextField(_("撤回理由"), blank=True)
    #: The day the entry was withdrawn (撤回日期), for the API and the feeds.
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    #: The entry's searchable text in its spaced form (search.entry_texts); PostgreSQL also keeps the
    #: unigram and bigram ``search_vector`` (search.index_tokens) with a GIN index.
    search_text = models.TextField(editable=False, blank=True)
    #: Title, 文号, 索引号, summary and keywords apart (search.entry_texts): ranks a search's matches.
    search_head = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("主动公开目录条目")
        verbose_name_plural = _("主动公开目录条目")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="published", index_number__isnull=False, published_on__isnull=False)
                | ~Q(status="published"),
                name="catalogue_published_has_index_number",
            ),
        ]
        indexes = [
            # The column's lists, newest first: with the id, the ids of a deep page (?page=500) are an
            # index-only scan, not 10,000 rows read from the table (selectors.RowsByIds).
            models.Index(
                fields=["agency", "status", "-published_on", "-id"], name="catalogue_agency_pubid_idx"
            ),
            models.Index(fields=["status", "-published_on"], name="catalogue_pub_idx"),
            models.Index(fields=["agency", "status", "category"], name="catalogue_category_idx"),
            # Covers the public column's cache stamp (count, newest id, latest change) as an index-only scan.
            models.Index(fields=["agency", "status", "updated_at", "id"], name="catalogue_stamp_idx"),
            # Covers the recount of an agency's column totals (catalogue.totals) as an index-only scan.
            models.Index(fields=["agency", "status", "kind", "is_ogi_rule"], name="catalogue_totals_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED


class ColumnArea(models.Model):
    """An area of the 基层政务公开标准目录 (国办发〔2019〕54号) that an agency's column shows as a standing
    sub-column; chosen by the agency's administrator."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="column_areas", verbose_name=_("机关")
    )
    area = models.CharField(_("标准目录领域"), max_length=40, choices=STANDARD_AREA_CHOICES[1:])

    class Meta:
        verbose_name = _("标准目录领域")
        verbose_name_plural = _("标准目录领域")
        ordering = ["agency", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "area"], name="catalogue_column_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.area}"


class Reading(models.TextChoices):
    """An attachment's text extraction and scan (run as a job after the upload answers)."""

    PENDING = "pending", _("正在读取")
    DONE = "done", _("已读取")


class Attachment(models.Model):
    """A file of an entry (PDF, Word, Excel, image), kept in the file storage (:mod:`gongkai.core.storage`:
    the database or an object store) so every host serves it; read it with :meth:`read_bytes`."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("文件类型"), max_length=20)  # sniffed: pdf, docx, xlsx, image …
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    #: The stored file (``catalogue/<uuid>``): its bytes through :meth:`read_bytes` / :meth:`store_bytes`.
    file = models.FileField(_("文件"), upload_to=storage.UnguessableName("catalogue"), max_length=200)
    #: Text extracted for the privacy scan and search ("" for images).
    text = models.TextField(blank=True)
    #: What could not be checked, in Chinese ("" when all was): the flag that the scan counts, and the
    #: text shown for files stored before :attr:`extraction_problems` existed.
    extraction_problem = models.CharField(max_length=300, blank=True)
    #: The same as messages (``{"template", "params"}``, :func:`gongkai.core.messages.message_to_json`),
    #: shown in the reader's language.
    extraction_problems = models.JSONField(default=list, blank=True)
    #: Whether the text has been extracted and scanned: a file is read after the upload answers, by the
    #: job ``catalogue.extract_attachment`` (:mod:`gongkai.catalogue.jobs`); until then it is unread and
    #: blocks the review (:func:`gongkai.catalogue.workflow.unread_files_refusal`).
    reading = models.CharField(
        _("读取状态"), max_length=10, choices=Reading.choices, default=Reading.DONE, db_default=Reading.DONE
    )
    #: The job reading the file (``gongkai.jobs`` Job id; no foreign key, the job may be cleaned up).
    reading_job = models.UUIDField(null=True, blank=True)
    #: The file as uploaded, sealed for the record once the file has been redacted (涂黑/更正,
    #: :mod:`gongkai.catalogue.services.redaction`): never served, kept with its digest; ``file`` is
    #: then the redacted copy, the one reviewed and published.
    original_file = models.FileField(
        _("原始文件（已封存）"),
        upload_to=storage.UnguessableName("catalogue-sealed"),
        max_length=200,
        blank=True,
    )
    original_sha256 = models.CharField(max_length=64, blank=True, default="")
    #: Each redaction: who, when, what (masked values), the digests before and after.
    redactions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.filename

    def read_bytes(self) -> bytes:
        """The file's bytes, wherever they are stored."""
        return storage.read_bytes(self.file)

    def open_file(self) -> IO[bytes]:
        """The stored file open for reading (to send it in blocks); ``FileNotFoundError`` if it is gone."""
        return self.file.storage.open(self.file.name, "rb")  # type: ignore[no-any-return]

    def store_bytes(self, data: bytes) -> None:
        """Store ``data`` as this attachment's file (a new name; save the row afterwards)."""
        storage.save_bytes(self.file, data)


class ItemEvent(AppendOnlyModel):
    """One step of an entry's review and life (who decided what, when). Append-only."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("意见或理由"), blank=True, max_length=5000)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"


class ItemVersion(AppendOnlyModel):
    """A correction (更正) of a published entry: the previous version's fields, what changed and why.

    Written when a correction draft is published onto the entry (same 索引号). The previous version's
    files are kept on the correction draft (``draft``), which holds them after the swap. Append-only.
    """

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions", verbose_name=_("条目"))
    #: 1 for the first correction, 2 for the next …; the version before correction ``n`` is version ``n``.
    number = models.PositiveIntegerField(_("更正序号"))
    corrected_on = models.DateField(_("更正日期"))
    draft = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("更正稿（保存更正前的附件）")
    )
    #: The names of the fields changed (content.EDITABLE_FIELDS), and "attachments" when the files changed.
    fields = models.JSONField(_("更正的项目"), default=list, encoder=DjangoJSONEncoder)
    #: Every editable field of the entry before the correction (JSON values; ids for foreign keys).
    previous = models.JSONField(_("更正前的内容"), default=dict, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("更正原因"), max_length=2000)
    public_note = models.CharField(_("更正说明"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("条目更正记录")
        verbose_name_plural = _("条目更正记录")
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalogue_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} 更正 {self.number}"


class SensitiveWord(models.Model):
    """错敏词: words the scanner flags before review and publication (agency's own, or site-wide)."""

    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sensitive_words",
        verbose_name=_("机关（空为全站通用）"),
    )
    word = models.CharField(_("词语"), max_length=50)
    #: The right wording the reviewer is shown and 更正 writes in the word's place ("" = none known).
    correction = models.CharField(_("建议改为"), max_length=50, blank=True, default="")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("错敏词")
        verbose_name_plural = _("错敏词")
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "word"], name="catalogue_sensitive_word_unique"),
            models.UniqueConstraint(
                fields=["word"], condition=Q(agency__isnull=True), name="catalogue_sensitive_word_site_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.word


class ImportOutcome(models.TextChoices):
    """What an import did with one row (or crawled entry); a dry run says what it would do."""

    CREATED = "created", _("新增并发布")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("无变化")
    #: Imported as a draft: the privacy scan found hits; listed for review, not published.
    HELD = "held", _("有隐私检查命中，保存为草稿待审核")
    INVALID = "invalid", _("有错误，未导入")


class ImportRecord(models.Model):
    """One row of an import job (spreadsheet or crawl): its outcome, errors and the scan's masked hits.

    Written in the same transaction as the row's entry (the job's step), so a worker killed mid-import
    leaves each row either imported and recorded or neither; the import's result page reads these.
    """

    #: The import's job (``gongkai.jobs`` Job id; no foreign key, as ``Attachment.reading_job``).
    job = models.UUIDField(db_index=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    #: The spreadsheet's line number, or the crawled entry's order.
    position = models.PositiveIntegerField()
    #: "第 N 行" or the page's URL.
    source = models.CharField(max_length=500)
    index_number = models.CharField(_("索引号"), max_length=60, blank=True)
    title = models.CharField(_("名称"), max_length=300, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=ImportOutcome.choices)
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    #: The row's errors, as messages (``core.messages.message_to_json``).
    errors = models.JSONField(default=list, blank=True)
    #: The scan's masked hits (``scanning.Finding.summary``), for a held entry.
    hits = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    #: The fields an update changed.
    fields = models.JSONField(default=list, blank=True)
    dry_run = models.BooleanField(default=False)
    #: A crawled entry's cells (label → text) and its files' URLs, kept between the crawl's two passes.
    cells = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="catalogue_import_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.position} {self.outcome}"


class ColumnTotals(models.Model):
    """How many entries an agency has published (its column's front page): in all, 制度 and annual reports.

    Counted again, under this row's lock, in the transaction of every change of a published or withdrawn
    entry (:mod:`gongkai.catalogue.totals`), so the front page reads one row instead of counting
    every published entry of the agency."""

    agency = models.OneToOneField(
        "agencies.Agency",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("机关"),
    )
    total = models.PositiveIntegerField(_("已公开"), default=0)
    rules = models.PositiveIntegerField(_("制度"), default=0)
    reports = models.PositiveIntegerField(_("年报"), default=0)
    #: A new random value at every count (every change of a published or withdrawn entry of the agency counts
    #: them again): the key of the column's cached browsing counts (selectors.cached_facet_counts). Random,
    #: not a time, so that no two counts share it, whatever the clock does (tests freeze it).
    stamp = models.UUIDField(_("统计版本"), default=uuid.uuid4, editable=False)
    #: The browsing counts of the agency's whole catalogue (by category, 第二十条 item, kind, document type
    #: and year: ``selectors.FacetCounts.as_json``) as of this ``stamp``: emptied (``NULL``) by every count,
    #: filled by the first reader of the catalogue after it (only while the stamp is the one it read) and by
    #: :func:`gongkai.catalogue.totals.rebuild` for every agency in one grouped count.
    facets = models.JSONField(_("分类浏览计数"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("公开栏目统计")
        verbose_name_plural = _("公开栏目统计")

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.total}"
