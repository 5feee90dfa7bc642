"""The column's counters keep the catalogue's browsing counts (issue 16): ``facets``, emptied by every count
and filled by the catalogue's first reader after it, so that the catalogue reads one row instead of grouping
every published entry of the agency. Filled here for every agency in one grouped count (what
``catalogue.totals.rebuild`` does), so that the catalogue's first requests after the upgrade count nothing."""

from collections import defaultdict
from typing import Any

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import ExtractYear


def fill(apps: Any, schema_editor: Any) -> None:
    Item = apps.get_model("catalogue", "Item")
    ColumnTotals = apps.get_model("catalogue", "ColumnTotals")
    sums: dict[int, dict[str, dict[Any, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    rows = (
        Item.objects.filter(status="published")
        .order_by()
        .annotate(y=ExtractYear("published_on"))
        .values_list("agency_id", "category_id", "article20_item", "kind", "document_type", "y")
        .annotate(n=Count("id"))
    )
    for agency_id, category_id, article20, kind, document_type, year, n in rows:
        one = sums[agency_id]
        if category_id is not None:
            one["category"][category_id] += n
        if article20 is not None:
            one["article20"][article20] += n
        one["kind"][kind] += n
        one["document_type"][document_type] += n
        if year:
            one["year"][year] += n
    names = ("category", "article20", "kind", "document_type", "year")
    counters = list(ColumnTotals.objects.all())
    for row in counters:
        one = sums.get(row.agency_id, {})
        row.facets = {name: [[k, n] for k, n in one.get(name, {}).items()] for name in names}
    ColumnTotals.objects.bulk_update(counters, ["facets"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0016_search_head_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="columntotals",
            name="facets",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="分类浏览计数"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
