"""The ``contracts`` table (``python manage.py migrate`` creates it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []  # noqa: RUF012 - Django's migration format

    operations = [  # noqa: RUF012
        migrations.CreateModel(
            name="Contract",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("title", models.CharField(max_length=200)),
                ("signature_request_id", models.CharField(max_length=64, unique=True)),
                ("status", models.CharField(default="DRAFT", max_length=32)),
                ("signed_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
    ]
