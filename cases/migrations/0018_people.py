"""Petitioners as people (Petitioner, CasePerson), the case's link to its person, the derived
flags' overrides, and the bureau's window for repeat petitions (cases.repeats)."""

import importlib

import cases.validators
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def search_index_again(apps, schema_editor):
    """SQLite rebuilds cases_petitioncase to add the columns above, and its search triggers
    (migration 0008) go with the old table: make the index and its triggers again (as 0013)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    search = importlib.import_module("cases.migrations.0008_case_search_index")
    for sql in search.SQLITE_DROP + search.SQLITE_CREATE:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_attachments'),
    ]

    operations = [
        migrations.AddField(
            model_name='bureau',
            name='repeat_window_days',
            field=models.PositiveSmallIntegerField(default=365, help_text='同一信访人就同一问题领域、同一责任单位在此期间内再次信访，认定为重复信访。', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(3650)], verbose_name='重复信访认定期间（日）'),
        ),
        migrations.AddField(
            model_name='petitioncase',
            name='flags_derived',
            field=models.BooleanField(default=False, editable=False, help_text='历史和导入的事项保留原登记的认定，直至运行 derive_repeats 重新认定', verbose_name='初次与化解由系统认定'),
        ),
        migrations.AddField(
            model_name='petitioncase',
            name='initial_override_reason',
            field=models.CharField(blank=True, help_text='填写后“初次信访”以登记员所选为准，不再由系统按信访史认定', max_length=200, verbose_name='初次/重复认定改定理由'),
        ),
        migrations.AddField(
            model_name='petitioncase',
            name='resolution_override_reason',
            field=models.CharField(blank=True, help_text='填写后“一次性化解”以登记员所选为准，不再由系统认定', max_length=200, verbose_name='一次性化解改定理由'),
        ),
        migrations.CreateModel(
            name='Petitioner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='录入时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='修改时间')),
                ('name', models.CharField(max_length=50, verbose_name='姓名')),
                ('id_number', models.CharField(blank=True, max_length=18, validators=[cases.validators.validate_id_number], verbose_name='身份证号')),
                ('phone', models.CharField(blank=True, max_length=20, validators=[cases.validators.validate_phone], verbose_name='联系电话')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='住址')),
                ('bureau', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='cases.bureau', verbose_name='信访局')),
            ],
            options={
                'verbose_name': '信访人',
                'verbose_name_plural': '信访人',
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CasePerson',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('representative', models.BooleanField(default=False, verbose_name='代表')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='persons', to='cases.petitioncase', verbose_name='信访事项')),
                ('petitioner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='case_links', to='cases.petitioner', verbose_name='信访人')),
            ],
            options={
                'verbose_name': '信访事项人员',
                'verbose_name_plural': '信访事项人员',
                'ordering': ['id'],
            },
        ),
        migrations.AddField(
            model_name='petitioncase',
            name='petitioner',
            field=models.ForeignKey(blank=True, db_index=False, help_text='登记时选定的信访人；历史和导入的事项可为空', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='cases.petitioner', verbose_name='信访人档案'),
        ),
        migrations.AddIndex(
            model_name='petitioncase',
            index=models.Index(fields=['petitioner', 'received_on'], name='case_petitioner_received'),
        ),
        migrations.AddIndex(
            model_name='petitioner',
            index=models.Index(fields=['bureau', 'id_number'], name='petitioner_bureau_id_number'),
        ),
        migrations.AddIndex(
            model_name='petitioner',
            index=models.Index(fields=['bureau', 'phone'], name='petitioner_bureau_phone'),
        ),
        migrations.AddIndex(
            model_name='petitioner',
            index=models.Index(fields=['bureau', 'name'], name='petitioner_bureau_name'),
        ),
        migrations.AddConstraint(
            model_name='petitioner',
            constraint=models.UniqueConstraint(condition=models.Q(('id_number', ''), _negated=True), fields=('bureau', 'id_number'), name='petitioner_id_number_unique_per_bureau', violation_error_message='该身份证号的信访人已登记，请直接选用。'),
        ),
        migrations.AddConstraint(
            model_name='caseperson',
            constraint=models.UniqueConstraint(fields=('case', 'petitioner'), name='case_person_once', violation_error_message='同一信访人在本事项中只能列一次。'),
        ),
        migrations.RunPython(search_index_again, migrations.RunPython.noop),
    ]
