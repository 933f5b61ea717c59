"""The bureau's own report template (issue 12): section order, headings and paragraphs."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0025_place_words"),
        ("reports", "0002_one_activity_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BureauTemplate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200, verbose_name="标题")),
                ("intro", models.TextField(blank=True, verbose_name="导语")),
                ("sections", models.JSONField(default=list, verbose_name="各部分")),
                ("source", models.CharField(blank=True, max_length=200, verbose_name="来源")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="修改时间")),
                (
                    "bureau",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="report_template",
                        to="cases.bureau",
                        verbose_name="信访局",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="修改人",
                    ),
                ),
            ],
            options={
                "verbose_name": "本局报告模板",
                "verbose_name_plural": "本局报告模板",
            },
        ),
    ]
