"""The first answer's working days and timeliness kept on the case (:mod:`gongkai.applications.timing`), so
that the statistics of a province's cases are grouped counts in SQL, not the clock run over every case of the
year in the request. The answered cases already stored are timed here, in batches, on the calendar in force
(their ids, channel, arrival and confirmation, and their events are read: the encrypted columns are not).
"""

from collections import defaultdict

from django.db import migrations, models
from django.utils import timezone

from gongkai.applications.timeline import EventRecord
from gongkai.applications.timing import first_answer_timing
from gongkai.workdays.store import current_calendar

BATCH = 2000


def time_answered_cases(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    CaseEvent = apps.get_model("applications", "CaseEvent")
    if not Application.objects.filter(counted_answer_on__isnull=False).exists():
        return  # nothing to time (a new database): the live calendar model is not asked
    # The live calendar model: this runs against the workdays tables as they are after workdays.0001; a later
    # workdays migration that changes them must come before this one for databases upgraded across both.
    calendar = current_calendar()
    last = 0
    while True:
        rows = list(
            Application.objects.filter(pk__gt=last, counted_answer_on__isnull=False)
            .order_by("pk")
            .values_list("pk", "channel", "arrived_at", "confirmed_on")[:BATCH]
        )
        if not rows:
            return
        events = defaultdict(list)
        for case, seq, kind, occurred_on, data in CaseEvent.objects.filter(
            application_id__in=[row[0] for row in rows]
        ).values_list("application_id", "seq", "kind", "occurred_on", "data"):
            events[case].append(EventRecord(seq, kind, occurred_on, data))
        timed = []
        for pk, channel, arrived_at, confirmed_on in rows:
            timing = first_answer_timing(
                channel, timezone.localdate(arrived_at), confirmed_on, events[pk], calendar
            )
            timed.append(
                Application(
                    pk=pk,
                    counted_timing=timing.state,
                    counted_working_days=timing.working_days,
                    counted_on_time=timing.on_time,
                )
            )
        Application.objects.bulk_update(timed, ["counted_timing", "counted_working_days", "counted_on_time"])
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0014_frequent_requests_grouped_in_the_database"),
        ("workdays", "0001_calendar_year_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="counted_on_time",
            field=models.BooleanField(blank=True, null=True, verbose_name="年报统计的按期答复"),
        ),
        migrations.AddField(
            model_name="application",
            name="counted_timing",
            field=models.CharField(blank=True, default="", editable=False, max_length=8),
        ),
        migrations.AddField(
            model_name="application",
            name="counted_working_days",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="年报统计的答复用时（工作日）"
            ),
        ),
        migrations.RunPython(time_answered_cases, migrations.RunPython.noop, elidable=True),
    ]
