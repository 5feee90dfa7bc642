"""The column's counters carry a new random ``stamp`` at every count (issue 16): the key of the column's
cached browsing counts, one row read instead of an aggregate over every published entry of the agency. Apart
from the index that follows it (0015, not atomic), so that a failed index build can simply be run again."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0013_agency_search_gin"),
    ]

    operations = [
        migrations.AddField(
            model_name="columntotals",
            name="stamp",
            field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="统计版本"),
        ),
    ]
