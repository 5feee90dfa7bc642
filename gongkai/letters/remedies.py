"""The remedy notice (救济途径告知) printed on letters that decide something the applicant can challenge.

Written once, here, for every letter (``docs/law.md`` §1.6, "Remedies to print on
answer letters"):

* Reconsideration within 60 days of knowing the decision (《中华人民共和国行政复议法》2023年修订
  第二十条), or a suit within 6 months (《中华人民共和国行政诉讼法》第四十六条) — the applicant chooses.
* Since the 2023 revision took effect on 2024-01-01 (同法第九十条), a decision not to disclose
  (申请政府信息公开，行政机关不予公开; outcome group ``denied``) must first go to reconsideration
  (第二十三条第一款第四项), and the agency must tell the applicant so when it decides (同条第二款). Such a
  letter therefore names reconsideration first and offers no direct suit.
* Letters decided before 2024-01-01 keep the old wording (reconsideration or suit) for every outcome;
  they cite no article of the old 行政复议法, whose numbering differs.

Open question (docs/letters.md): whether the withheld part of a partial disclosure (group ``partial``)
also falls under 第二十三条第一款第四项. Gongkai applies the rule to ``denied`` only, as decided for
this module; change :data:`RECONSIDERATION_FIRST_GROUPS` if the local 主管部门 reads it otherwise.

Pure Python: no Django, no I/O.
"""

from __future__ import annotations

from datetime import date

#: 《中华人民共和国行政复议法》(2023年修订) 施行日 (第九十条): reconsideration first for 不予公开.
RECONSIDERATION_FIRST_FROM = date(2024, 1, 1)

#: Outcome groups (:class:`gongkai.statute.outcomes.OutcomeGroup` values) decided as 不予公开.
RECONSIDERATION_FIRST_GROUPS = frozenset({"denied"})

#: Printed when the letter does not name the reconsideration body.
DEFAULT_RECONSIDERATION_BODY = "上一级行政机关"
#: Printed when the letter does not name the court.
DEFAULT_COURT = "人民法院"

_RECONSIDERATION_LAW = "《中华人民共和国行政复议法》"
_LITIGATION_LAW = "《中华人民共和国行政诉讼法》"


def reconsideration_first(*, outcome_group: str, decided_on: date) -> bool:
    """Whether the applicant must apply for reconsideration before suing (复议前置)."""
    return outcome_group in RECONSIDERATION_FIRST_GROUPS and decided_on >= RECONSIDERATION_FIRST_FROM


def remedy_notice(
    *, outcome_group: str, decided_on: date, reconsideration_body: str = "", court: str = ""
) -> list[str]:
    """The remedy paragraph(s), in Chinese, for a decision of ``outcome_group`` made on ``decided_on``.

    ``outcome_group`` is an outcome group value (``"denied"`` …) or ``""`` for letters that are not
    answers (a fee notice). ``reconsideration_body`` is e.g. the parent government's name and
    ``court`` the competent court; both have a generic default.
    """
    body = reconsideration_body.strip() or DEFAULT_RECONSIDERATION_BODY
    court_name = court.strip() or DEFAULT_COURT
    if decided_on < RECONSIDERATION_FIRST_FROM:
        # Before the 2023 revision took effect: the applicant chose freely, for every outcome.
        return [
            f"如对上述决定不服，可以依照{_RECONSIDERATION_LAW}的规定，自知道该决定之日起六十日内向{body}"
            f"申请行政复议；也可以依照{_LITIGATION_LAW}第四十六条的规定，自知道该决定之日起六个月内向"
            f"{court_name}提起行政诉讼。"
        ]
    if reconsideration_first(outcome_group=outcome_group, decided_on=decided_on):
        return [
            f"如对上述不予公开的决定不服，依照{_RECONSIDERATION_LAW}第二十三条第一款第四项的规定，"
            f"应当先申请行政复议：可以依照该法第二十条的规定，自知道该决定之日起六十日内向{body}申请"
            f"行政复议；对行政复议决定不服的，可以再依法向{court_name}提起行政诉讼。",
            "特此告知：对不予公开的决定，未经行政复议不能向人民法院提起行政诉讼。",
        ]
    return [
        f"如对上述决定不服，可以依照{_RECONSIDERATION_LAW}第二十条的规定，自知道该决定之日起六十日内"
        f"向{body}申请行政复议；也可以依照{_LITIGATION_LAW}第四十六条的规定，自知道该决定之日起六个月"
        f"内向{court_name}提起行政诉讼。"
    ]
