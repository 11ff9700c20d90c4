"""Sources, as migrations 0001 to 0003 left them (squashed once, before the first release).

0003 forgot the mail kept in finished tasks' rows (a RunPython on existing
rows); a new database has none, so the squash leaves it out, and with it
0003's dependency on django_tasks_database.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('core', '0001_initial'),
        ('core', '0002_source_archived_file'),
        ('core', '0003_forget_finished_task_mail'),
    ]

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Source',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=300, verbose_name='title')),
                ('publisher', models.CharField(blank=True, max_length=200, verbose_name='publisher')),
                ('url', models.URLField(blank=True, verbose_name='address')),
                ('published_on', models.DateField(blank=True, null=True, verbose_name='published on')),
                ('accessed_on', models.DateField(blank=True, null=True, verbose_name='accessed on')),
                ('archived_file', models.FileField(blank=True, upload_to='sources/', verbose_name='archived copy')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256 of the archived copy')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'source',
                'verbose_name_plural': 'sources',
                'constraints': [models.UniqueConstraint(fields=('title', 'publisher'), name='source_title_publisher')],
            },
        ),
    ]
