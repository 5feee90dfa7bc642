"""The attachments' bytes move from ``catalogue_attachment.data`` to the file storage (``file``)."""

from typing import Any

from django.db import migrations, models

import gongkai.core.storage
from gongkai.core.filemigration import column_to_storage, storage_to_column


def forward(apps: Any, schema_editor: Any) -> None:
    column_to_storage(schema_editor, "catalogue_attachment", "data", "file", "catalogue")


def backward(apps: Any, schema_editor: Any) -> None:
    storage_to_column(schema_editor, "catalogue_attachment", "data", "file")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0005_entry_corrections"),
        ("core", "0007_stored_file"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                default="",
                max_length=200,
                upload_to=gongkai.core.storage.UnguessableName("catalogue"),
                verbose_name="文件",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(model_name="attachment", name="data", field=models.BinaryField(default=b"")),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="attachment", name="data"),
    ]
