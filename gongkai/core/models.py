"""Shared models: the audit log (审计日志)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Action codes are "<entity>.<verb-in-past-tense>", e.g. "agency.created"; stable once released.
action_code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$",
    _("操作代码应为“对象.动作”形式，例如 agency.created。"),
    code="invalid_action_code",
)


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of an append-only log."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only")


class AppendOnlyModel(models.Model):
    """A log whose rows are only ever inserted: saving an existing row, deleting one, and the queryset's
    ``update()``/``delete()`` raise :class:`AppendOnlyError` (the audit log, case events, review logs)."""

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.label} rows are append-only")


class AuditEvent(AppendOnlyModel):
    """One write performed through a service: who did what to which object, and when.

    Append-only: rows are only ever inserted, by :func:`gongkai.core.audit.record_audit`.
    ``actor_label`` keeps the actor's username should the user later be deleted.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("所属机关"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    action = models.CharField(_("操作"), max_length=100, validators=[action_code_validator], db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象名称"), max_length=200, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True, editable=False)
    # The tamper-evident chain (gongkai.core.auditchain): the ids of the actor and the agency as recorded
    # (the foreign keys above are set null when a user or an agency is deleted; these are not), the chain
    # day and the event's place in it, the previous event's hash and this event's own (SHA-256 over a
    # canonical serialisation of every field above and these).
    actor_ref = models.BigIntegerField(null=True, blank=True, editable=False)
    agency_ref = models.BigIntegerField(null=True, blank=True, editable=False)
    chain_day = models.DateField(_("链日期"), null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(_("当日序号"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("事件哈希"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["chain_day", "sequence"], name="core_audit_chain_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}".strip()


class AuditChainHead(models.Model):
    """The head of the audit chain: one row, locked (``select_for_update``) by every append, so that
    appends from every process and host are serialised in the database. Holds the chain day, the last
    sequence number of that day and the last event's hash."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    day = models.DateField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.day} #{self.sequence} {self.last_hash[:12]}"


class PageVersion(models.Model):
    """The version of everything the public pages show (docs/deployment.md, "Page cache"): one row, whose
    ``version`` every publication, withdrawal, correction, report publication or agency change increments
    in its own transaction (:func:`gongkai.core.pagecache.bump`). Cached pages are keyed by it, so a page
    cached before a change is never served after it, by any process or host."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("公开页面版本")
        verbose_name_plural = _("公开页面版本")

    def __str__(self) -> str:
        return f"v{self.version} {self.changed_at:%Y-%m-%d %H:%M:%S}"


class StoredPage(models.Model):
    """A public page kept by the page cache (:mod:`gongkai.core.pagecache`, docs/deployment.md "Page cache")
    in the database: the row of :class:`gongkai.core.pagestore.StoredPageCache`, the page cache's backend
    unless the caches are on Redis. The page as it is sent again — status, headers, body bytes and ETag — in
    columns of their own, so that a hit reads it with no decoding (Django's database cache keeps a base64 of a
    pickle in a text column: decoding it was the largest cost of a hit on a large page). ``version``: the
    version of the public pages it was made at; a page of an older version is never served. The body is
    stored uncompressed on PostgreSQL (``STORAGE EXTERNAL``: no TOAST compression to undo at every hit).
    ``status`` 0: any other value of the cache API (pickled in ``body``). Not in backups (a cache)."""

    key = models.CharField(max_length=255, primary_key=True)
    version = models.BigIntegerField(default=-1)
    status = models.PositiveSmallIntegerField(default=0)
    headers = models.TextField(default="[]")
    etag = models.CharField(max_length=80, blank=True, default="")
    body = models.BinaryField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("缓存的公开页面")
        verbose_name_plural = _("缓存的公开页面")

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class NumberSeries(models.Model):
    """A gap-free counter per (name, agency, year): registration numbers, letter numbers …

    Incremented only by :func:`gongkai.core.sequences.next_number`, which locks the row, so numbers
    are unique and never reused when several processes issue them at once.
    """

    name = models.CharField(_("序列"), max_length=50)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [
            models.UniqueConstraint(fields=["name", "agency", "year"], name="core_number_series_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.agency_id} {self.year}: {self.last}"


class RateEvent(models.Model):
    """One counted attempt for rate limiting (kept in the database so that every process sees it)."""

    scope = models.CharField(max_length=50)
    key = models.CharField(max_length=64)  # a hash of the client address, never the address itself
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="core_rate_event_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """An in-app notice (站内通知) to one user: what waits for them, with a link to where it is done.

    The text is kept as a Chinese message id (``message``, with ``%(name)s`` placeholders) and its
    ``params``, and rendered in the reader's language when shown (:func:`gongkai.core.i18n.render`), so a
    notice written in a command reads in English for a reader who chose English. ``dedupe_key`` makes a
    notice idempotent: one per recipient and key (e.g. ``case.overdue:12:2026-12-07``, once a day).
    Core knows no app: ``agency`` points to the agency model by name, as the audit log does.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("所属机关"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("类别"), max_length=50, validators=[action_code_validator])
    message = models.CharField(_("通知内容"), max_length=300)
    params = models.JSONField(_("参数"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    #: Urgent notices are also e-mailed (by ``gongkai remind``, never from a request).
    urgent = models.BooleanField(_("紧急"), default=False)
    dedupe_key = models.CharField(_("去重键"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="core_notification_dedupe",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class StoredFile(models.Model):
    """A file kept in the database by :class:`gongkai.core.storage.DatabaseStorage` (the default storage:
    every host shares the files through the database alone). ``name`` is the storage name the model's
    ``FileField`` holds (e.g. ``catalogue/<uuid>``); the bytes are what the field's owner stored (sealed
    bytes for personal data)."""

    name = models.CharField(max_length=255, unique=True)
    #: The file's first piece (:data:`gongkai.core.storage.CHUNK_BYTES`; the whole file for most files, and
    #: for every file stored before files were kept in pieces); the rest in :class:`StoredFileChunk`.
    data = models.BinaryField(blank=True, default=b"")
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("存储的文件")
        verbose_name_plural = _("存储的文件")

    def __str__(self) -> str:
        return self.name


class StoredFileChunk(models.Model):
    """A piece of a :class:`StoredFile` after its first, in order (``number`` from 1). A file is kept in
    pieces of :data:`gongkai.core.storage.CHUNK_BYTES`: PostgreSQL takes and gives no value over 1 GB (a
    500 MiB upload sent as one ``bytea`` literal is twice that), and no statement carries a whole file."""

    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = _("存储的文件分块")
        verbose_name_plural = _("存储的文件分块")
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="core_storedfilechunk_file_number")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}#{self.number}"
