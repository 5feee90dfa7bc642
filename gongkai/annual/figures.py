"""The year's figures that the prose of the annual report (年度报告) quotes: 一、总体情况 and
六、其他需要报告的事项, gathered from the records (read-only); the figures' types and the pure folding of
the tables are :mod:`gongkai.reports.figures`, the prose :mod:`gongkai.reports.drafting`.

Nothing is counted twice in different ways: the application and appeal figures are taken from the tables
themselves (:func:`gongkai.annual.tabulate.table3` / :func:`~gongkai.annual.tabulate.table4`, and
:func:`~gongkai.annual.tabulate.table2` for the 2021 format's 行政规范性文件), so that a number in the prose
is the number in the table. What the tables do not have is a few grouped aggregate queries:

* 主动公开: catalogue entries published in the year (statuses :data:`gongkai.annual.tabulate.TABLE2_STATUSES`,
  ``published_on`` in the year), in total, by 主题分类, the 政策解读 among them and those filed under a
  第二十条 item — one query grouped by category;
* 信息处理费 (国办函〔2020〕109号): one aggregate query over the case events — the 收费通知 issued in the
  year (``fee_notice_issued``, ``occurred_on`` in the year) and their total amount, and the amount
  actually collected in the year: the amounts of the notices paid in the year (a ``fee_paid`` event
  later on the same case, ``occurred_on`` in the year). The amount (``data["amount"]``, whole 元, written
  by :func:`gongkai.applications.services.issue_fee_notice`) is summed in the database through
  ``KeyTextTransform`` + ``Cast`` to a decimal, which is the same SQL shape on SQLite and PostgreSQL.

:class:`YearFigures` is plain data; :func:`figures_from_tables` folds the tables into it (pure, used by the
tests with tables drawn at random) and :func:`year_figures` gathers everything from the records.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from gongkai.annual import tabulate
from gongkai.applications.models import CaseEvent, EventKind
from gongkai.catalogue.models import Item, ItemKind
from gongkai.reports.figures import CategoryCount, Fees, Proactive, YearFigures, figures_from_tables
from gongkai.reports.model import format_for_year


def _proactive(agency_ids: Sequence[int], first: datetime.date, last: datetime.date) -> Proactive:
    groups = (
        Item.objects.filter(
            agency_id__in=agency_ids,
            status__in=tabulate.TABLE2_STATUSES,
            published_on__gte=first,
            published_on__lte=last,
        )
        .values("category_id", "category__name", "category__order")
        .annotate(
            n=Count("id"),
            # (not "interpretations": the reverse name of Item.interprets)
            n_interpretations=Count("id", filter=Q(kind=ItemKind.INTERPRETATION)),
            n_article20=Count("id", filter=Q(article20_item__isnull=False)),
        )
        .order_by()
    )
    rows = list(groups)  # one per 主题分类 (a few dozen at most)
    named = sorted(
        (g for g in rows if g["category_id"] is not None),
        key=lambda g: (-g["n"], g["category__order"], g["category__name"]),
    )
    return Proactive(
        published=sum(g["n"] for g in rows),
        categories=tuple(CategoryCount(g["category__name"], g["n"]) for g in named),
        uncategorised=sum(g["n"] for g in rows if g["category_id"] is None),
        interpretations=sum(g["n_interpretations"] for g in rows),
        article20=sum(g["n_article20"] for g in rows),
    )


#: ``data["amount"]`` of a fee notice (whole 元) as a decimal, the same SQL on SQLite and PostgreSQL.
_AMOUNT = Cast(KeyTextTransform("amount", "data"), DecimalField(max_digits=14, decimal_places=2))


def _fees(agency_ids: Sequence[int], first: datetime.date, last: datetime.date) -> Fees:
    issued = Q(occurred_on__gte=first)
    paid_in_year = Q(
        Exists(
            CaseEvent.objects.filter(
                application_id=OuterRef("application_id"),
                kind=EventKind.FEE_PAID,
                seq__gt=OuterRef("seq"),
                occurred_on__gte=first,
                occurred_on__lte=last,
            )
        )
    )
    totals = CaseEvent.objects.filter(
        application__agency_id__in=agency_ids, kind=EventKind.FEE_NOTICE_ISSUED, occurred_on__lte=last
    ).aggregate(
        notices=Count("id", filter=issued),
        noticed=Sum(_AMOUNT, filter=issued),
        payments=Count("id", filter=paid_in_year),
        collected=Sum(_AMOUNT, filter=paid_in_year),
    )
    return Fees(
        notices=totals["notices"],
        noticed_amount=Decimal(totals["noticed"] or 0),
        payments=totals["payments"],
        collected_amount=Decimal(totals["collected"] or 0),
    )


def year_fees(agency_ids: Sequence[int], year: int) -> Fees:
    """The 信息处理费 of ``year`` on record for these agencies (one query): what section 六's statement is
    compared with before publishing (:mod:`gongkai.reports.fee_statement`)."""
    return _fees(agency_ids, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def year_figures(agency_ids: Sequence[int], year: int) -> YearFigures:
    """The figures of ``year`` for these agencies (one agency, or a supervisor's roll-up).

    Six queries at most, whatever the number of records: tables 三 and 四 (one each), table 二 (two, 2021
    format only), the catalogue (one) and the fees (one). ``ValueError`` (in Chinese) before 2019.
    """
    table3 = tabulate.table3(agency_ids, year)  # refuses years without a structured format
    table4 = tabulate.table4(agency_ids, year)
    table2 = tabulate.table2(agency_ids, year) if format_for_year(year) == "2021" else None
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return figures_from_tables(
        year,
        table3=table3,
        table4=table4,
        table2=table2,
        proactive=_proactive(agency_ids, first, last),
        fees=_fees(agency_ids, first, last),
    )
