"""The letters Gongkai writes for an application (依申请公开文书; docs/law.md §5.3).

The labels are the letters' official titles and are printed on them as they are, so they are not
translated.
"""

from __future__ import annotations

from django.db import models


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", "政府信息公开申请接收回执"  # 条例第三十一条
    CORRECTION = "correction", "政府信息公开申请补正告知书"  # 第三十条
    EXTENSION = "extension", "政府信息公开申请延期答复告知书"  # 第三十三条第二款
    THIRD_PARTY = "third_party", "政府信息公开申请征求意见书（第三方）"  # 第三十二条
    CO_PRODUCER = "co_producer", "政府信息公开申请征求意见书（共同制作机关）"  # 第三十四条
    FEE = "fee", "政府信息公开申请收费通知书"  # 第四十二条, 国办函〔2020〕109号
    ANSWER = "answer", "政府信息公开申请答复书"  # 第三十六—三十九条


#: Short names used in file names ("补正告知书-〔2026〕12号.docx").
SHORT_NAMES: dict[str, str] = {
    LetterKind.RECEIPT: "接收回执",
    LetterKind.CORRECTION: "补正告知书",
    LetterKind.EXTENSION: "延期答复告知书",
    LetterKind.THIRD_PARTY: "征求意见书（第三方）",
    LetterKind.CO_PRODUCER: "征求意见书（共同制作机关）",
    LetterKind.FEE: "收费通知书",
    LetterKind.ANSWER: "答复书",
}
