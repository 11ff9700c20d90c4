"""Solidarity actions, as migrations 0001 and 0002 left them (squashed once, before the first release)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('actions', '0001_initial'),
        ('actions', '0002_initial'),
    ]

    dependencies = [
        ('coalition', '0001_squashed_0003_organisation_profile_versions'),
        ('core', '0001_squashed_0003_forget_finished_task_mail'),
    ]

    operations = [
        migrations.CreateModel(
            name='Action',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('city', models.CharField(max_length=100, verbose_name='city')),
                ('country', models.CharField(blank=True, max_length=2, verbose_name='country (ISO code)')),
                ('held_on', models.DateField(blank=True, null=True, verbose_name='held on')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='coalition.campaign')),
                ('organisations', models.ManyToManyField(blank=True, related_name='actions', to='coalition.organisation')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
            ],
            options={
                'verbose_name': 'action',
                'verbose_name_plural': 'actions',
                'ordering': ['city', 'title'],
                'constraints': [models.UniqueConstraint(fields=('campaign', 'city', 'title'), name='action_once')],
            },
        ),
    ]
