"""The review workflow: every state × action × role through the pure table, and a sample of the same
cells through the services (which must agree with the table)."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from gongkai.agencies.models import Role
from gongkai.catalogue import content, services, workflow
from gongkai.catalogue.models import Item, ItemEvent, Status
from tests.catalogue.conftest import Advance, MakeItem, People

#: The table written out by hand: (state, action) → (next state, roles). Everything else is refused.
EXPECTED: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("draft", "edit"): ("draft", frozenset({"information_officer"})),
    ("returned", "edit"): ("returned", frozenset({"information_officer"})),
    ("draft", "mask"): ("draft", frozenset({"information_officer"})),
    ("returned", "mask"): ("returned", frozenset({"information_officer"})),
    ("submitted", "mask"): ("submitted", frozenset({"reviewer"})),
    ("draft", "submit"): ("submitted", frozenset({"information_officer"})),
    ("returned", "submit"): ("submitted", frozenset({"information_officer"})),
    ("submitted", "review_pass"): ("reviewed", frozenset({"reviewer"})),
    ("submitted", "review_return"): ("returned", frozenset({"reviewer"})),
    ("reviewed", "approve"): ("approved", frozenset({"leader"})),
    ("reviewed", "approve_return"): ("returned", frozenset({"leader"})),
    ("approved", "publish_return"): ("returned", frozenset({"information_officer", "leader"})),
    ("approved", "publish"): ("published", frozenset({"information_officer"})),
    ("published", "withdraw"): ("withdrawn", frozenset({"information_officer"})),
    ("published", "correct"): ("published", frozenset({"information_officer"})),
}
ROLES = [r.value for r in Role]
ROLE_SETS: list[frozenset[str]] = [frozenset()] + [frozenset({r}) for r in ROLES] + [frozenset(ROLES)]
CELLS = list(itertools.product(workflow.STATES, workflow.ACTIONS))


def test_the_states_and_roles_are_the_models() -> None:
    assert set(workflow.STATES) == set(Status.values)
    assert {workflow.OFFICER, workflow.REVIEWER, workflow.LEADER} <= set(Role.values)
    assert set(workflow.STEPS) <= set(workflow.ACTIONS)
    assert {"draft", "returned"} == workflow.EDITABLE_STATES


def test_every_cell_of_the_table_is_defined() -> None:
    assert set(workflow.RULES) == set(CELLS)
    assert len(workflow.RULES) == len(workflow.STATES) * len(workflow.ACTIONS) == 88
    for (state, action), rule in workflow.RULES.items():
        assert (rule.state, rule.action) == (state, action)
        if rule.allowed:
            assert rule.to_state in workflow.STATES and rule.roles and not rule.reason
        else:
            assert not rule.roles and rule.reason, (state, action)
            assert str(rule.reason).endswith("。")


@pytest.mark.parametrize(("state", "action"), CELLS)
def test_the_table_is_the_expected_one(state: str, action: str) -> None:
    rule = workflow.rule(state, action)
    if (state, action) in EXPECTED:
        to_state, roles = EXPECTED[state, action]
        assert (rule.to_state, rule.roles) == (to_state, roles)
        assert workflow.next_state(state, action) == to_state
    else:
        assert not rule.allowed
        assert workflow.next_state(state, action) is None


@pytest.mark.parametrize(("state", "action"), CELLS)
@pytest.mark.parametrize("roles", ROLE_SETS, ids=lambda r: "+".join(sorted(r)) or "none")
@pytest.mark.parametrize("is_submitter", [False, True], ids=["other", "submitter"])
def test_every_state_action_and_role(
    state: str, action: str, roles: frozenset[str], is_submitter: bool
) -> None:
    decision = workflow.decide(state, action, roles=roles, is_submitter=is_submitter)
    expected = EXPECTED.get((state, action))
    if expected is None:
        assert not decision.allowed
        assert decision.code == workflow.REFUSED_STATE
        assert decision.reason == workflow.rule(state, action).reason
        return
    to_state, allowed_roles = expected
    if not roles & allowed_roles:
        assert not decision.allowed
        assert decision.code == workflow.REFUSED_ROLE
        assert str(decision.reason).startswith("只有本机关的")
    elif action == workflow.REVIEW_PASS and is_submitter:
        assert not decision.allowed
        assert decision.code == workflow.REFUSED_SEPARATION
        assert "一事一审" in str(decision.reason)
    else:
        assert decision == workflow.Decision(True, to_state=to_state)


@pytest.mark.parametrize(("state", "action"), CELLS)
def test_a_superuser_may_do_whatever_the_state_allows(state: str, action: str) -> None:
    decision = workflow.decide(state, action, roles=(), superuser=True, is_submitter=True)
    assert decision.allowed == ((state, action) in EXPECTED)


def test_allowed_actions_per_role() -> None:
    officer, reviewer, leader = {workflow.OFFICER}, {workflow.REVIEWER}, {workflow.LEADER}
    assert workflow.allowed_actions("draft", roles=officer) == ("edit", "mask", "submit")
    assert workflow.allowed_actions("draft", roles=reviewer) == ()
    assert workflow.allowed_actions("submitted", roles=reviewer) == ("mask", "review_pass", "review_return")
    assert workflow.allowed_actions("submitted", roles=reviewer, is_submitter=True) == (
        "mask",
        "review_return",
    )
    assert workflow.allowed_actions("submitted", roles=officer) == ()
    assert workflow.allowed_actions("reviewed", roles=leader) == ("approve", "approve_return")
    assert workflow.allowed_actions("approved", roles=officer) == ("publish_return", "publish")
    assert workflow.allowed_actions("approved", roles=leader) == ("publish_return",)
    assert workflow.allowed_actions("published", roles=officer) == ("withdraw", "correct")
    assert workflow.allowed_actions("applied", roles=officer | reviewer | leader) == ()
    assert workflow.allowed_actions("withdrawn", roles=officer | reviewer | leader) == ()
    assert workflow.allowed_actions("withdrawn", roles=(), superuser=True) == ()


def test_refusals_say_why_in_chinese() -> None:
    assert str(workflow.rule("withdrawn", "publish").reason).startswith("撤回的条目不能重新发布")
    assert "退回" in str(workflow.rule("reviewed", "mask").reason)
    assert str(workflow.rule("published", "edit").reason) == (
        "该条目已经发布，不能“修改”；如需修改，请使用“更正”：更正稿经审查、审批后发布到本条目。"
    )
    with pytest.raises(KeyError):
        workflow.rule("draft", "delete")


# --- The same table through the services ------------------------------------------------------

#: Who tries each action in the service sample, for each role.
PERSON_FOR_ROLE = {
    "information_officer": "officer2",  # not the submitter (the submitter is "officer")
    "reviewer": "reviewer",
    "leader": "leader",
    "office_head": "head",
    "administrator": "admin",
    "supervisor": "supervisor",
    "other_agency": "other_officer",
}


def _try(item: Item, action: str, actor: object) -> Item:
    note = "请补充。" if action in workflow.REASON_REQUIRED else ""
    if action == workflow.EDIT:
        return services.update_draft(actor=actor, item=item, data={"keywords": "改过的关键词"})  # type: ignore[arg-type]
    if action == workflow.CORRECT:
        return services.start_correction(actor=actor, item=item, reason="有误", public_note="更正了错字")  # type: ignore[arg-type]
    if action == workflow.MASK:
        return services.mask_hit(actor=actor, item=item, source="title", start=0, end=1, kind="mobile")  # type: ignore[arg-type]
    return services.perform(actor=actor, item=item, action=action, note=note)  # type: ignore[arg-type]


@pytest.mark.parametrize("state", workflow.STATES)
@pytest.mark.parametrize("who", list(PERSON_FOR_ROLE))
def test_the_services_follow_the_table(
    state: str, who: str, people: People, make_item: MakeItem, move: Advance
) -> None:
    """Every state × action for one person of each role: allowed ⇒ the step happens, with its event;
    refused ⇒ PermissionDenied (role) or CatalogueError (state), and nothing changes."""
    item = move(make_item(), state)
    actor = getattr(people, PERSON_FOR_ROLE[who])
    roles = {who} if who in workflow.ROLE_LABELS else set()
    for action in workflow.ACTIONS:
        item.refresh_from_db()
        before = (item.status, ItemEvent.objects.count())
        decision = workflow.decide(state, action, roles=roles)
        try:
            with transaction.atomic():
                result = _try(item, action, actor)
                transaction.set_rollback(True)  # keep the item in ``state`` for the next action
        except PermissionDenied:
            # No workflow role at the agency at all, or not the role this step needs.
            assert not roles or decision.code == workflow.REFUSED_ROLE, (state, action, who)
        except content.CatalogueError as exc:
            assert roles, (state, action, who)
            if decision.allowed:
                assert action == workflow.MASK and exc.code == "hit_not_found"  # nothing to mask
            else:
                assert decision.code == workflow.REFUSED_STATE and exc.code == "not_allowed"
                assert exc.messages == [str(decision.reason)]
        else:
            assert decision.allowed and action != workflow.MASK, (state, action, who)
            if action == workflow.CORRECT:  # the result is the correction draft; the entry stays
                assert result.corrects_id == item.pk and result.status == Status.DRAFT
            else:
                assert result.status == decision.to_state
        item.refresh_from_db()
        assert (item.status, ItemEvent.objects.count()) == before


def test_the_submitter_may_not_pass_the_review(people: People, make_item: MakeItem, move: Advance) -> None:
    from gongkai.agencies.services import add_membership

    # The officer is also a reviewer: still may not review what they submitted (一事一审).
    add_membership(actor=None, user=people.officer, agency=people.agency, role=Role.REVIEWER)
    item = move(make_item(), Status.SUBMITTED)
    with pytest.raises(PermissionDenied, match="一事一审"):
        services.review_pass(actor=people.officer, item=item)
    # ... but may return it, and another reviewer may pass it.
    assert services.review_pass(actor=people.reviewer2, item=item).status == Status.REVIEWED


def test_the_submitter_is_the_latest_one(people: People, make_item: MakeItem) -> None:
    from gongkai.agencies.services import add_membership

    add_membership(actor=None, user=people.officer, agency=people.agency, role=Role.REVIEWER)
    item = make_item(actor=people.officer2)  # officer did not draft it (the drafter may never review)
    item = services.submit(actor=people.officer, item=item)
    item = services.review_return(actor=people.reviewer, item=item, reason="请补充内容概述。")
    item = services.submit(actor=people.officer2, item=item)
    # officer submitted first, officer2 resubmitted: officer may now review.
    assert services.review_pass(actor=people.officer, item=item).status == Status.REVIEWED


def test_a_superuser_may_do_everything(people: People, make_item: MakeItem) -> None:
    item = make_item(actor=people.superuser)
    for action in (workflow.SUBMIT, workflow.REVIEW_PASS, workflow.APPROVE, workflow.PUBLISH):
        item = services.perform(actor=people.superuser, item=item, action=action)
    assert item.status == Status.PUBLISHED
    item = services.withdraw(actor=people.superuser, item=item, reason="发布有误。")
    assert item.status == Status.WITHDRAWN


def test_a_returned_entry_is_edited_and_resubmitted(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    for state, returner, action in (
        (Status.SUBMITTED, people.reviewer, workflow.REVIEW_RETURN),
        (Status.REVIEWED, people.leader, workflow.APPROVE_RETURN),
        (Status.APPROVED, people.leader, workflow.PUBLISH_RETURN),
        (Status.APPROVED, people.officer, workflow.PUBLISH_RETURN),
    ):
        item = move(make_item(), state)
        item = services.perform(actor=returner, item=item, action=action, note="文号有误，请核对。")
        assert item.status == Status.RETURNED
        item = services.update_draft(
            actor=people.officer, item=item, data={"doc_number": "甲财发〔2026〕4号"}
        )
        assert services.submit(actor=people.officer, item=item).status == Status.SUBMITTED


def test_a_return_needs_its_reasons(people: People, make_item: MakeItem, move: Advance) -> None:
    item = move(make_item(), Status.SUBMITTED)
    with pytest.raises(content.CatalogueError) as excinfo:
        services.review_return(actor=people.reviewer, item=item, reason="   ")
    assert excinfo.value.message_dict == {"note": ["请填写退回理由。"]}
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
