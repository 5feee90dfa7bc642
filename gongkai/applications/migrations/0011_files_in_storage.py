"""The letters' .docx and the case files' materials move from their encrypted columns
(``applications_letter.docx``, ``applications_caseattachment.data``) to the file storage (``file``): the
stored objects hold the same sealed bytes, which open with the same keys and contexts."""

from typing import Any

from django.db import migrations, models

import gongkai.core.fields
import gongkai.core.storage
from gongkai.core.filemigration import column_to_storage, storage_to_column


def forward(apps: Any, schema_editor: Any) -> None:
    column_to_storage(schema_editor, "applications_letter", "docx", "file", "letters")
    column_to_storage(schema_editor, "applications_caseattachment", "data", "file", "case-files")


def backward(apps: Any, schema_editor: Any) -> None:
    storage_to_column(schema_editor, "applications_letter", "docx", "file")
    storage_to_column(schema_editor, "applications_caseattachment", "data", "file")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_seal_existing_personal_data"),
        ("core", "0007_stored_file"),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=200,
                upload_to=gongkai.core.storage.UnguessableName("letters"),
                verbose_name="Word 文件",
            ),
        ),
        migrations.AddField(
            model_name="caseattachment",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=200,
                upload_to=gongkai.core.storage.UnguessableName("case-files"),
                verbose_name="文件",
            ),
        ),
        # Blank by default once the bytes have moved, so the columns can be dropped (and, reversed, re-added
        # empty before the bytes come back).
        migrations.AlterField(
            model_name="letter",
            name="docx",
            field=gongkai.core.fields.EncryptedBinaryField(default=b"", verbose_name="Word 文件"),
        ),
        migrations.AlterField(
            model_name="caseattachment",
            name="data",
            field=gongkai.core.fields.EncryptedBinaryField(default=b""),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="letter", name="docx"),
        migrations.RemoveField(model_name="caseattachment", name="data"),
    ]
