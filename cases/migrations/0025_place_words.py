from django.db import migrations, models


class Migration(migrations.Migration):
    """How the report names the bureau's place (issue 12): its level's word (县直单位, 市直单位) and
    its province's short name (河南信访信息平台); the self-reference may be left to the level."""

    dependencies = [("cases", "0024_import_speed")]

    operations = [
        migrations.AlterField(
            model_name="bureau",
            name="self_reference",
            field=models.CharField(
                blank=True,
                help_text="报告正文称呼本地的用语，如“我县”“我市”“我区”；留空则按层级用“我县”“我市”“我省”。",
                max_length=10,
                verbose_name="报告中的自称",
            ),
        ),
        migrations.AddField(
            model_name="bureau",
            name="level_word",
            field=models.CharField(
                blank=True,
                help_text="报告中“县直单位”“县信访接待服务中心”里的“县”，如“县”“市”“区”；留空则按层级用“县”“市”“省”。",
                max_length=4,
                verbose_name="本级简称",
            ),
        ),
        migrations.AddField(
            model_name="bureau",
            name="province",
            field=models.CharField(
                blank=True,
                help_text="报告中“河南信访信息平台”里的“河南”；留空则用上级省级信访局的地名简称。",
                max_length=10,
                verbose_name="所在省份简称",
            ),
        ),
    ]
