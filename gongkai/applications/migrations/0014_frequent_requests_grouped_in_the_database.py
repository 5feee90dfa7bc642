"""第四十四条 in the database: each case's ``request_digest`` (the SHA-256 of what its description asks for,
:func:`gongkai.applications.frequent.request_digest`) is stored and indexed with its agency, so that the
list of information requested three times or more is grouped and counted by SQL. The cases already stored
get theirs here, in batches (only their ids and descriptions are read: the encrypted columns are not).
"""

from django.conf import settings
from django.db import migrations, models

from gongkai.applications.frequent import request_digest

BATCH = 500


def fill_digests(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    last = 0
    while True:
        rows = list(
            Application.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "description")[:BATCH]
        )
        if not rows:
            return
        Application.objects.bulk_update(
            [Application(pk=pk, request_digest=request_digest(text or "")) for pk, text in rows],
            ["request_digest"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0005_agency_report_column_url'),
        ('applications', '0013_queue_receipt_year_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='request_digest',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['agency', 'request_digest'], name='applications_request_idx'),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop, elidable=True),
    ]
