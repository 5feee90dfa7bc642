"""The remedy notice (救济途径告知) printed on letters that decide something the applicant can challenge.

Written once, here, for every letter (``docs/law.md`` §1.6, "Remedies to print on
answer letters"); the statutory rule — which decisions need reconsideration first, from when — is
:mod:`gongkai.statute.reconsideration`:

* Reconsideration within 60 days of knowing the decision (《中华人民共和国行政复议法》2023年修订
  第二十条), or a suit within 6 months (《中华人民共和国行政诉讼法》第四十六条) — the applicant chooses.
* Since the 2023 revision took effect on 2024-01-01 (同法第九十条), a decision not to disclose
  (申请政府信息公开，行政机关不予公开) must first go to reconsideration (第二十三条第一款第四项), and the
  agency must tell the applicant so when it decides (同条第二款). A 不予公开 letter (group ``denied``)
  therefore names reconsideration first and offers no direct suit; a 部分公开 letter (group ``partial``)
  says so for the withheld part and keeps the choice for the rest.
* Letters decided before 2024-01-01 keep the old wording (reconsideration or suit) for every outcome;
  they cite no article of the old 行政复议法, whose numbering differs.

Pure Python: no Django, no I/O.
"""

from __future__ import annotations

from datetime import date

from gongkai.statute.reconsideration import (
    RECONSIDERATION_FIRST_FROM,
    WITHHOLDING_GROUPS,
    reconsideration_first,
)

__all__ = [
    "DEFAULT_COURT",
    "DEFAULT_RECONSIDERATION_BODY",
    "RECONSIDERATION_FIRST_FROM",
    "WITHHOLDING_GROUPS",
    "reconsideration_first",
    "remedy_notice",
]

#: Printed when the letter does not name the reconsideration body.
DEFAULT_RECONSIDERATION_BODY = "上一级行政机关"
#: Printed when the letter does not name the court.
DEFAULT_COURT = "人民法院"

_RECONSIDERATION_LAW = "《中华人民共和国行政复议法》"
_LITIGATION_LAW = "《中华人民共和国行政诉讼法》"
_FIRST = "第二十三条第一款第四项"


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
    choice = (
        f"可以依照{_RECONSIDERATION_LAW}第二十条的规定，自知道该决定之日起六十日内向{body}申请行政复议；"
        f"也可以依照{_LITIGATION_LAW}第四十六条的规定，自知道该决定之日起六个月内向{court_name}提起行政诉讼。"
    )
    if not reconsideration_first(outcome_group=outcome_group, decided_on=decided_on):
        return [f"如对上述决定不服，{choice}"]
    denied = outcome_group == "denied"
    withheld = "不予公开的决定" if denied else "决定中不予公开的部分"
    paragraphs = [
        f"如对上述{withheld}不服，依照{_RECONSIDERATION_LAW}{_FIRST}的规定，应当先申请行政复议：可以依照"
        f"该法第二十条的规定，自知道该决定之日起六十日内向{body}申请行政复议；对行政复议决定不服的，"
        f"可以再依法向{court_name}提起行政诉讼。"
    ]
    if not denied:
        paragraphs.append(f"如对上述决定的其他部分不服，{choice}")
    what = "不予公开的决定" if denied else "不予公开的部分"
    paragraphs.append(f"特此告知：对{what}，未经行政复议不能向人民法院提起行政诉讼。")
    return paragraphs
