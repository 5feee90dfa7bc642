"""Proving the audit chain (``gongkai audit verify``): every event's hash recomputed from its fields, every
link to the event before it, the day's sequence without a gap, and the chain's last event equal to the
chain head; or the first broken link named."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core import auditchain
from gongkai.core.models import AuditChainHead, AuditEvent

#: The action recorded when old events are archived and deleted; its ``last_hash`` is where the events
#: that remain start.
ARCHIVED = "audit.archived"


@dataclass(frozen=True)
class Break:
    """The first broken link: which event, when, and what differs."""

    event_id: int | None
    created_at: datetime.datetime | None
    chain_day: datetime.date | None
    sequence: int | None
    problem: str

    def describe(self) -> str:
        # In the site's time zone (Beijing time), as the audit log's pages show it.
        when = timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M:%S") if self.created_at else "—"
        where = f"{self.chain_day} #{self.sequence}" if self.chain_day else "—"
        return _("审计链在事件 %(id)s（时间 %(when)s，链位置 %(where)s）处断开：%(problem)s") % {
            "id": self.event_id if self.event_id is not None else "—",
            "when": when,
            "where": where,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class Verification:
    checked: int
    first_day: datetime.date | None
    last_day: datetime.date | None
    last_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _break(event: AuditEvent, problem: str) -> Break:
    return Break(event.pk, event.created_at, event.chain_day, event.sequence, problem)


def archived_starts() -> set[str]:
    """Where the chain may start: the genesis value, or the last hash of an archive taken away."""
    starts = {auditchain.GENESIS}
    for details in AuditEvent.objects.filter(action=ARCHIVED).values_list("details", flat=True):
        if isinstance(details, dict) and isinstance(details.get("last_hash"), str):
            starts.add(details["last_hash"])
    return starts


def _content_problem(event: AuditEvent) -> str | None:
    if event.actor_id is not None and event.actor_id != event.actor_ref:
        return _("操作人（%(now)s）与记录时的操作人（%(then)s）不同。") % {
            "now": event.actor_id,
            "then": event.actor_ref,
        }
    if event.agency_id is not None and event.agency_id != event.agency_ref:
        return _("所属机关（%(now)s）与记录时的机关（%(then)s）不同。") % {
            "now": event.agency_id,
            "then": event.agency_ref,
        }
    recomputed = auditchain.event_hash(event)
    if recomputed != event.hash:
        return _("事件内容在记录后被改动：按现有内容重算的哈希 %(now)s 与记录的哈希 %(then)s 不符。") % {
            "now": recomputed[:16],
            "then": (event.hash or "—")[:16],
        }
    return None


def _link_problem(event: AuditEvent, previous: AuditEvent | None, starts: set[str]) -> str | None:
    if previous is None:
        if event.prev_hash not in starts:
            return _("链的第一个事件没有接在链首或已归档的最后一个事件之后（前部事件被删除？）。")
    elif event.prev_hash != previous.hash:
        return _("记录的前一事件哈希与事件 %(id)s 的哈希不符（其间的事件被删除或改动）。") % {
            "id": previous.pk
        }
    expected = (
        1 if previous is None or previous.chain_day != event.chain_day else (previous.sequence or 0) + 1
    )
    if event.sequence != expected:
        return _("当日序号应为 %(expected)s，记录的是 %(found)s（事件被删除或插入）。") % {
            "expected": expected,
            "found": event.sequence,
        }
    return None


def _walk(
    events: Iterable[AuditEvent], previous: AuditEvent | None, starts: set[str]
) -> tuple[int, AuditEvent | None, Break | None]:
    checked = 0
    for event in events:
        if event.chain_day is None or not event.hash:
            return checked, previous, _break(event, _("事件不在审计链中（没有链位置或哈希）。"))
        problem = _content_problem(event) or _link_problem(event, previous, starts)
        if problem:
            return checked, previous, _break(event, problem)
        checked += 1
        previous = event
    return checked, previous, None


def _head_problem(last: AuditEvent | None) -> Break | None:
    head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON).first()
    if head is None or not head.last_hash:
        if last is None:
            return None
        return _break(last, _("审计链头缺失。"))
    if last is None or (head.day, head.sequence, head.last_hash) != (
        last.chain_day,
        last.sequence,
        last.hash,
    ):
        problem = _("链头记录的最后事件是 %(day)s #%(sequence)s，与链尾不符（链尾被删除？）。") % {
            "day": head.day,
            "sequence": head.sequence,
        }
        if last is None:
            return Break(None, None, head.day, head.sequence, problem)
        return _break(last, problem)
    return None


def verify(from_day: datetime.date | None = None, to_day: datetime.date | None = None) -> Verification:
    """Verify the chain over the days ``from_day`` … ``to_day`` (both included; the whole chain by default).
    A range that starts after the chain's first day starts from the stored hash of the event before it."""
    unchained = AuditEvent.objects.filter(chain_day__isnull=True).order_by("created_at", "id").first()
    if unchained is not None:
        return Verification(0, None, None, "", _break(unchained, _("事件不在审计链中（没有链位置或哈希）。")))
    events = AuditEvent.objects.order_by("chain_day", "sequence")
    previous: AuditEvent | None = None
    starts = archived_starts()
    if from_day is not None:
        events = events.filter(chain_day__gte=from_day)
        previous = (
            AuditEvent.objects.filter(chain_day__lt=from_day).order_by("-chain_day", "-sequence").first()
        )
    if to_day is not None:
        events = events.filter(chain_day__lte=to_day)
    checked, last, broken = _walk(events.iterator(chunk_size=2000), previous, starts)
    if broken is None and to_day is None:
        broken = _head_problem(last)
    first = events.first()
    return Verification(
        checked=checked,
        first_day=first.chain_day if first else None,
        last_day=last.chain_day if last else None,
        last_hash=last.hash if last else "",
        broken=broken,
    )
