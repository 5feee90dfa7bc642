"""The name of an action has its own context: a refusal says the entry cannot be "Publish"ed, not
"Publication", while the entry's log keeps "Publication" for what happened. Chinese is unchanged."""

from __future__ import annotations

from django.utils import translation

from gongkai.catalogue import workflow
from gongkai.catalogue.presenters_manage import EVENT_LABELS
from gongkai.core.i18n import render
from gongkai.core.messages import Message
from gongkai.reports.findings import params_from_json, params_to_json


def test_a_refusal_names_the_action_as_an_action() -> None:
    decision = workflow.decide(workflow.DRAFT, workflow.PUBLISH, roles=())
    assert not decision.allowed and decision.reason is not None
    with translation.override("en"):
        english = render(decision.reason)
        assert "“Publish”" in english and "Publication" not in english, english
        assert render(EVENT_LABELS[workflow.PUBLISH]) == "Publication"
        assert render(workflow.action_message(workflow.WITHDRAW)) == "Withdraw"
    with translation.override("zh-hans"):
        assert "“发布”" in render(decision.reason)
        assert render(workflow.action_message(workflow.PUBLISH)) == "发布"
    assert str(decision.reason).endswith("不能“发布”。")


def test_every_action_has_its_contextual_translation() -> None:
    with translation.override("en"):
        for action in workflow.ACTIONS:
            name = render(workflow.action_message(action))
            assert name and name != workflow.ACTION_LABELS[action], action


def test_the_context_survives_json() -> None:
    params = {"action": workflow.action_message(workflow.PUBLISH)}
    assert params_from_json(params_to_json(params)) == params
    assert params_from_json(params_to_json({"x": Message("发布")})) == {"x": Message("发布")}
