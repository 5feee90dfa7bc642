"""Files of the database storage kept in pieces (core.StoredFileChunk): PostgreSQL takes no value over 1 GB.
Files stored before keep their bytes in ``StoredFile.data``, which the storage still reads."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_page_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="storedfile",
            name="data",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.CreateModel(
            name="StoredFileChunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("data", models.BinaryField()),
                (
                    "file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chunks",
                        to="core.storedfile",
                    ),
                ),
            ],
            options={
                "verbose_name": "存储的文件分块",
                "verbose_name_plural": "存储的文件分块",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("file", "number"), name="core_storedfilechunk_file_number"
                    )
                ],
            },
        ),
    ]
