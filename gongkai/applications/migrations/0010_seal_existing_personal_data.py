"""Seal the personal data already stored in clear (issue 12): the applicants' identity numbers (with their
lookup digests), phones, e-mails and addresses; the letters' text and .docx; the case files' materials;
the deliveries' recipients; and the previous/new personal values kept by corrections (更正) in their
case events.

Reversible: going back opens every value again (it needs the same keys). Values already sealed are left
as they are, so running it again changes nothing. Raw SQL: the historical models' encrypted fields would
try to open the clear values.
"""

from django.db import migrations

from gongkai.core import sealing
from gongkai.core.fields import keyring, lookup_digest

#: (model, text columns, binary columns)
TABLES = (
    ("Application", ("id_number", "phone", "email", "address"), ()),
    ("Letter", ("text",), ("docx",)),
    ("CaseAttachment", (), ("data",)),
    ("LetterDelivery", ("recipient",), ()),
)
PERSONAL = ("id_number", "contact_person", "phone", "email", "address", "postcode")
BATCH = 200


def _seal_text(context, value):
    if not value or sealing.is_sealed(value):
        return value
    return keyring().seal(str(value), context)


def _open_text(context, value):
    return keyring().open(value, context) if sealing.is_sealed(value) else value


def _seal_binary(context, value):
    data = bytes(value) if value is not None else b""
    if not data or sealing.is_sealed(data[:64].decode("ascii", "replace")):
        return value
    return keyring().seal_bytes(data, context).encode("ascii")


def _open_binary(context, value):
    data = bytes(value) if value is not None else b""
    if data and sealing.is_sealed(data[:64].decode("ascii", "replace")):
        return keyring().open_bytes(data.decode("ascii"), context)
    return value


def _table(apps, schema_editor, model_name, texts, binaries, forward):
    model = apps.get_model("applications", model_name)
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = (*texts, *binaries)
    label = model._meta.label_lower
    digest = model_name == "Application"
    targets = [*columns, "id_number_digest"] if digest else list(columns)
    assignments = ", ".join(f"{quote(c)} = %s" for c in targets)
    with connection.cursor() as cursor:
        after = 0
        while True:
            cursor.execute(
                f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {table} "
                f"WHERE id > %s ORDER BY id LIMIT {BATCH}",
                [after],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            for pk, *values in rows:
                new = []
                for column, value in zip(columns, values):
                    context = f"{label}.{column}"
                    if column in binaries:
                        new.append((_seal_binary if forward else _open_binary)(context, value))
                    else:
                        new.append((_seal_text if forward else _open_text)(context, value or ""))
                if digest:
                    plain_id = _open_text(f"{label}.id_number", values[0] or "")
                    new.append(lookup_digest(plain_id) if forward else "")
                cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*new, pk])
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


def seal(apps, schema_editor):
    for model_name, texts, binaries in TABLES:
        _table(apps, schema_editor, model_name, texts, binaries, forward=True)
    _events(apps, _seal_text)


def unseal(apps, schema_editor):
    for model_name, texts, binaries in TABLES:
        _table(apps, schema_editor, model_name, texts, binaries, forward=False)
    _events(apps, _open_text)


class Migration(migrations.Migration):
    dependencies = [("applications", "0009_encrypt_personal_data")]

    operations = [migrations.RunPython(seal, unseal)]
