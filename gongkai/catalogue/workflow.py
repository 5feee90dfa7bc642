"""The review workflow of a catalogue entry as a table (pure Python, no database).

先审查、后公开, 一事一审: an entry is drafted by the agency's 信息员, passes the confidentiality review
(保密审查) of its 审核人, the approval of its 分管领导, and is then published by the 信息员::

    draft ──submit──▶ submitted ──review_pass──▶ reviewed ──approve──▶ approved ──publish──▶ published
      ▲                  │ review_return           │ approve_return      │ publish_return      │ withdraw
      │                  ▼                         ▼                     ▼                     ▼
      └──(edit)── returned ◀────────────────────────┴─────────────────────┘                 withdrawn

A returned entry is edited like a draft and submitted again. A withdrawn entry is kept (with its index
number and the reason) and is never published again.

A published entry is corrected (更正) through a correction draft (更正稿): the officer's ``correct`` makes a
draft copy of the entry that walks this same table — edit, submit, confidentiality review, approval,
publish — and whose publication puts its content onto the entry in place (same index number); the
draft then ends as ``applied`` (更正已发布).

Every combination of state × action is defined here, either as a transition (the next state and the
roles that may take it) or as a refusal with its reason in Chinese, so that the services, the buttons
on the entry page and the tests all read the same table (:data:`RULES`). :func:`decide` adds the person:
their roles at the entry's agency, whether they are a superuser, and whether they submitted the entry
(the submitter may not pass its confidentiality review — separation of duties — unless superuser).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.core.messages import N_, Message

# The states (``catalogue.models.Status`` values; the tests check they agree).
DRAFT = "draft"
SUBMITTED = "submitted"
REVIEWED = "reviewed"
APPROVED = "approved"
PUBLISHED = "published"
RETURNED = "returned"
WITHDRAWN = "withdrawn"
APPLIED = "applied"
STATES: tuple[str, ...] = (DRAFT, SUBMITTED, REVIEWED, APPROVED, PUBLISHED, RETURNED, WITHDRAWN, APPLIED)

# The roles that act on entries (``agencies.models.Role`` values).
OFFICER = "information_officer"
REVIEWER = "reviewer"
LEADER = "leader"
ROLE_LABELS: dict[str, str] = {OFFICER: N_("信息员"), REVIEWER: N_("审核人"), LEADER: N_("分管领导")}

# Actions (the service function of the same name performs each one).
EDIT = "edit"  # change the fields, add or remove files (also: create)
MASK = "mask"  # one-click mask of a scanner hit in the title, summary or body
SUBMIT = "submit"
REVIEW_PASS = "review_pass"
REVIEW_RETURN = "review_return"
APPROVE = "approve"
APPROVE_RETURN = "approve_return"
PUBLISH_RETURN = "publish_return"
PUBLISH = "publish"
WITHDRAW = "withdraw"
CORRECT = "correct"  # start a correction draft of a published entry (更正)

ACTION_LABELS: dict[str, str] = {
    EDIT: N_("修改"),
    MASK: N_("遮盖"),
    SUBMIT: N_("提交审查"),
    REVIEW_PASS: N_("保密审查通过"),
    REVIEW_RETURN: N_("保密审查退回"),
    APPROVE: N_("领导审批同意"),
    APPROVE_RETURN: N_("领导审批退回"),
    PUBLISH_RETURN: N_("发布前退回"),
    PUBLISH: N_("发布"),
    WITHDRAW: N_("撤回"),
    CORRECT: N_("更正"),
}
ACTIONS: tuple[str, ...] = tuple(ACTION_LABELS)
#: The context of an action's name where it is the action (a button, a refusal): "发布" is "Publish" there,
#: and "Publication" in the entry's log (``ACTION_LABELS`` without context).
ACTION_CONTEXT = "catalogue action"


def action_message(action: str) -> Message:
    """The name of ``action`` as an action, to render in the reader's language."""
    return Message(ACTION_LABELS[action], context=ACTION_CONTEXT)


#: The actions that move an entry from one state to another (shown as buttons on the entry page).
STEPS: tuple[str, ...] = (
    SUBMIT,
    REVIEW_PASS,
    REVIEW_RETURN,
    APPROVE,
    APPROVE_RETURN,
    PUBLISH_RETURN,
    PUBLISH,
    WITHDRAW,
)
#: Actions whose note is a required reason.
REASON_REQUIRED: frozenset[str] = frozenset({REVIEW_RETURN, APPROVE_RETURN, PUBLISH_RETURN, WITHDRAW})

#: States whose fields and files may be changed.
EDITABLE_STATES: frozenset[str] = frozenset({DRAFT, RETURNED})


@dataclass(frozen=True)
class Rule:
    """One cell of the table: allowed (``to_state`` and ``roles``) or refused (``reason``)."""

    state: str
    action: str
    to_state: str = ""
    roles: frozenset[str] = frozenset()
    reason: Message | str = ""

    @property
    def allowed(self) -> bool:
        return bool(self.to_state)


#: Why a decision refuses: the state does not allow the action (for anyone), the person lacks the role,
#: or the person submitted the entry and may not pass its review.
REFUSED_STATE = "state"
REFUSED_ROLE = "role"
REFUSED_SEPARATION = "separation"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    to_state: str = ""
    #: Why not: a message to render in the reader's language (``str()`` is the Chinese text).
    reason: Message | str = ""
    #: ``""`` when allowed, else one of the ``REFUSED_*`` codes.
    code: str = ""


def _allow(state: str, action: str, to_state: str, *roles: str) -> Rule:
    return Rule(state, action, to_state=to_state, roles=frozenset(roles))


_TRANSITIONS: tuple[Rule, ...] = (
    _allow(DRAFT, EDIT, DRAFT, OFFICER),
    _allow(RETURNED, EDIT, RETURNED, OFFICER),
    _allow(DRAFT, MASK, DRAFT, OFFICER),
    _allow(RETURNED, MASK, RETURNED, OFFICER),
    # The reviewer may mask what the scanner found while reviewing (a redaction, recorded on the entry).
    _allow(SUBMITTED, MASK, SUBMITTED, REVIEWER),
    _allow(DRAFT, SUBMIT, SUBMITTED, OFFICER),
    _allow(RETURNED, SUBMIT, SUBMITTED, OFFICER),
    _allow(SUBMITTED, REVIEW_PASS, REVIEWED, REVIEWER),
    _allow(SUBMITTED, REVIEW_RETURN, RETURNED, REVIEWER),
    _allow(REVIEWED, APPROVE, APPROVED, LEADER),
    _allow(REVIEWED, APPROVE_RETURN, RETURNED, LEADER),
    _allow(APPROVED, PUBLISH_RETURN, RETURNED, OFFICER, LEADER),
    _allow(APPROVED, PUBLISH, PUBLISHED, OFFICER),
    _allow(PUBLISHED, WITHDRAW, WITHDRAWN, OFFICER),
    _allow(PUBLISHED, CORRECT, PUBLISHED, OFFICER),
)

#: Why each state refuses what it does not allow (``%(action)s`` is the action's label).
_STATE_REFUSALS: dict[str, str] = {
    DRAFT: N_("该条目还是草稿，尚未提交审查，不能“%(action)s”。"),
    RETURNED: N_("该条目已退回修改，须修改后重新提交审查，不能“%(action)s”。"),
    SUBMITTED: N_("该条目正在等待保密审查，不能“%(action)s”；如需修改，请由审核人退回。"),
    REVIEWED: N_("该条目已通过保密审查、正在等待领导审批，不能“%(action)s”；如需修改，请由分管领导退回。"),
    APPROVED: N_("该条目已经领导审批、等待发布，不能“%(action)s”；如需修改，请先退回。"),
    PUBLISHED: N_(
        "该条目已经发布，不能“%(action)s”；如需修改，请使用“更正”：更正稿经审查、审批后发布到本条目。"
    ),
    WITHDRAWN: N_("该条目已经撤回，不能“%(action)s”；撤回的条目不再发布，请另建新条目。"),
    APPLIED: N_("该更正稿已经发布到所更正的条目，不能“%(action)s”。"),
}
#: Refusals with a more precise reason than the state's.
_SPECIAL_REFUSALS: dict[tuple[str, str], str] = {
    (PUBLISHED, PUBLISH): N_("该条目已经发布。"),
    (WITHDRAWN, WITHDRAW): N_("该条目已经撤回。"),
    (WITHDRAWN, PUBLISH): N_("撤回的条目不能重新发布，索引号也不再使用；请另建新条目。"),
    (SUBMITTED, SUBMIT): N_("该条目已经提交，正在等待保密审查。"),
    (REVIEWED, SUBMIT): N_("该条目已经提交并通过保密审查。"),
    (APPROVED, SUBMIT): N_("该条目已经审批同意，等待发布。"),
    (REVIEWED, REVIEW_PASS): N_("该条目已经通过保密审查。"),
    (APPROVED, APPROVE): N_("该条目已经审批同意。"),
    (REVIEWED, MASK): N_(
        "该条目已通过保密审查，遮盖会改变已审查的内容：请退回修改后遮盖，或在发布时说明理由。"
    ),
    (APPROVED, MASK): N_(
        "该条目已经审批同意，遮盖会改变已审批的内容：请退回修改后遮盖，或在发布时说明理由。"
    ),
    (PUBLISHED, MASK): N_("已发布的条目不能修改；如含有不应公开的内容，请立即撤回。"),
    (WITHDRAWN, CORRECT): N_("撤回的条目不能更正；请另建新条目。"),
}


def _build() -> dict[tuple[str, str], Rule]:
    rules: dict[tuple[str, str], Rule] = {(r.state, r.action): r for r in _TRANSITIONS}
    for state in STATES:
        for action in ACTIONS:
            if (state, action) in rules:
                continue
            special = _SPECIAL_REFUSALS.get((state, action))
            reason = (
                Message(special)
                if special
                else Message(_STATE_REFUSALS[state], {"action": action_message(action)})
            )
            rules[state, action] = Rule(state, action, reason=reason)
    return rules


#: Every (state, action) pair → its rule. Complete by construction (checked by the tests).
RULES: dict[tuple[str, str], Rule] = _build()


def rule(state: str, action: str) -> Rule:
    """The cell of the table; ``KeyError`` for an unknown state or action."""
    return RULES[state, action]


def next_state(state: str, action: str) -> str | None:
    """The state after ``action``, or ``None`` when the state does not allow it (for anyone)."""
    r = rule(state, action)
    return r.to_state if r.allowed else None


def _roles_text(roles: Iterable[str]) -> Message:
    """``信息员或分管领导``."""
    labels = [Message(ROLE_LABELS[r]) for r in sorted(roles, key=list(ROLE_LABELS).index)]
    text = labels[0]
    for label in labels[1:]:
        text = Message(N_("%(first)s或%(next)s"), {"first": text, "next": label})
    return text


def decide(
    state: str,
    action: str,
    *,
    roles: Iterable[str],
    superuser: bool = False,
    is_submitter: bool = False,
) -> Decision:
    """May a person with ``roles`` at the entry's agency take ``action`` on an entry in ``state``?

    ``is_submitter``: the person submitted the entry (the latest submission); they may not pass its
    confidentiality review (一事一审). Superusers may do everything the state allows.
    """
    r = rule(state, action)
    if not r.allowed:
        return Decision(False, reason=r.reason, code=REFUSED_STATE)
    if superuser:
        return Decision(True, to_state=r.to_state)
    held = set(roles) & r.roles
    if not held:
        return Decision(
            False,
            reason=Message(
                N_("只有本机关的%(roles)s可以“%(action)s”。"),
                {"roles": _roles_text(r.roles), "action": action_message(action)},
            ),
            code=REFUSED_ROLE,
        )
    if action == REVIEW_PASS and is_submitter:
        return Decision(
            False,
            reason=Message(N_("提交人不能对自己提交的条目进行保密审查（一事一审，审查与提交分离）。")),
            code=REFUSED_SEPARATION,
        )
    return Decision(True, to_state=r.to_state)


def allowed_actions(
    state: str, *, roles: Iterable[str], superuser: bool = False, is_submitter: bool = False
) -> tuple[str, ...]:
    """The actions (in :data:`ACTIONS` order) the person may take on an entry in ``state``."""
    held = frozenset(roles)
    return tuple(
        action
        for action in ACTIONS
        if decide(state, action, roles=held, superuser=superuser, is_submitter=is_submitter).allowed
    )


#: The steps that rely on the privacy scan of every file: a file whose text has not been read yet
#: (its reading job is queued, running or failed) blocks them, as the reviewer could not see what it holds
#: (先审查、后公开).
NEEDS_FILES_READ: frozenset[str] = frozenset({SUBMIT, REVIEW_PASS, APPROVE, PUBLISH})


def unread_files_refusal(action: str, unread: Iterable[str]) -> Message | None:
    """Why ``action`` must wait for the files ``unread`` (their names) to be read, or None."""
    names = list(unread)
    if action not in NEEDS_FILES_READ or not names:
        return None
    return Message(
        N_(
            "附件“%(names)s”尚未读取完毕，还没有经过隐私检查，暂不能“%(action)s”。"
            "请等待读取完成后再试（读取失败的，请在附件列表中点“重新读取”，或删除后重新上传）。"
        ),
        {"names": names, "action": action_message(action)},
    )
