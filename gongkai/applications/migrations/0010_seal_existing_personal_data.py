"""Seal the personal data already stored in clear (issue 12): the applicants' identity numbers, phones,
e-mails and addresses, with their lookup digests, and the previous/new personal values kept by
corrections (更正) in their case events.

Reversible: going back opens every value again (with the same keys). Values already sealed are left as
they are, so running it again changes nothing. Raw SQL for the applications: the historical model's
encrypted fields would try to open the clear values.
"""

from django.db import migrations

from gongkai.core import sealing
from gongkai.core.fields import keyring, lookup_digest

FIELDS = ("id_number", "phone", "email", "address")
PERSONAL = ("id_number", "contact_person", "phone", "email", "address", "postcode")
BATCH = 500


def _rows(cursor, table, after):
    cursor.execute(
        f"SELECT id, {', '.join(FIELDS)} FROM {table} WHERE id > %s ORDER BY id LIMIT {BATCH}", [after]
    )
    return cursor.fetchall()


def _applications(apps, schema_editor, change):
    Application = apps.get_model("applications", "Application")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Application._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(f)} = %s" for f in (*FIELDS, "id_number_digest"))
    with connection.cursor() as cursor:
        after = 0
        while rows := _rows(cursor, table, after):
            for pk, *values in rows:
                new = [change(f"applications.application.{f}", v or "") for f, v in zip(FIELDS, values)]
                plain_id = keyring().open(new[0], "applications.application.id_number") if sealing.is_sealed(
                    new[0]
                ) else new[0]
                digest = lookup_digest(plain_id) if sealing.is_sealed(new[0]) else ""
                cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*new, digest, pk])
                after = pk


def _events(apps, change):
    CaseEvent = apps.get_model("applications", "CaseEvent")
    for event in CaseEvent.objects.filter(kind="details_corrected").iterator():
        data = dict(event.data)
        for side in ("old", "new"):
            values = dict(data.get(side) or {})
            for field in PERSONAL:
                if values.get(field):
                    values[field] = change(f"applications.caseevent.{field}", values[field])
            data[side] = values
        if data != event.data:
            CaseEvent.objects.filter(pk=event.pk).update(data=data)


def _seal(context, value):
    if not value or sealing.is_sealed(value):
        return value
    return keyring().seal(str(value), context)


def _open(context, value):
    return keyring().open(value, context) if sealing.is_sealed(value) else value


def seal(apps, schema_editor):
    _applications(apps, schema_editor, _seal)
    _events(apps, _seal)


def unseal(apps, schema_editor):
    _applications(apps, schema_editor, _open)
    _events(apps, _open)


class Migration(migrations.Migration):
    dependencies = [("applications", "0009_encrypt_personal_data")]

    operations = [migrations.RunPython(seal, unseal)]
