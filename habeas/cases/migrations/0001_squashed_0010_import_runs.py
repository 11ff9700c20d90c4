"""The register, as migrations 0001 to 0010 left it (squashed once, before the first release).

Django's state holds every table and index, the arrest-date index with
unknown dates first included (``NullsFirstIndex``: NULLS FIRST on
PostgreSQL, the plain index on SQLite, whose NULLs come first already).
Two steps are made by hand at the end, per database, because Django's
state has no words for them:

- full-text search (0003): an FTS5 table on SQLite, which keeps its own copy
  of the words (``habeas.cases.search``), and a GIN index on
  ``search_vector`` on PostgreSQL. Searches match words as prefixes; FTS5's
  prefix indexes keep a short prefix of a common name from scanning every
  token that starts with it.
- lz4 compression (0005): on PostgreSQL built with lz4 (13 and later), the
  public versions' JSON is compressed with lz4 rather than pglz: measured,
  a 10,000-row import with publishing took 7 % less time.

The old history's data steps (0008: a record's data kept once, in its
latest version; 0009: each person's owning campaign) moved existing rows;
a new database has none, so the squash leaves them out.
"""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import habeas.cases.models


FTS_TABLE = "cases_register_fts"
GIN_INDEX = "cases_publicrecord_search"
JSON_TABLES = ("cases_publicversion",)  # the record's own copy went in 0008


def search_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON cases_publicrecord USING GIN (search_vector)"
        )


def search_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


def _lz4_supported(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
            " WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def compress_with_lz4(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _lz4_supported(schema_editor):
        return
    for table in JSON_TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN data SET COMPRESSION lz4")


def compress_by_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in JSON_TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN data SET COMPRESSION DEFAULT")


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('cases', '0001_initial'),
        ('cases', '0002_initial'),
        ('cases', '0003_search'),
        ('cases', '0004_register_indexes'),
        ('cases', '0005_lean_public_tables'),
        ('cases', '0006_detentions_unknown_dates_first'),
        ('cases', '0007_arrest_index_nulls_first'),
        ('cases', '0008_public_data_once'),
        ('cases', '0009_person_owner_and_case_shares'),
        ('cases', '0010_import_runs'),
    ]

    dependencies = [
        ('coalition', '0001_squashed_0003_organisation_profile_versions'),
        ('core', '0001_squashed_0003_forget_finished_task_mail'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('name_ur', models.CharField(blank=True, max_length=200, verbose_name='name in Urdu script')),
                ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                ('external_id', models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name='external id')),
                ('aliases', models.TextField(blank=True, max_length=2000, verbose_name='other names, one a line')),
                ('gender', models.CharField(choices=[('UNKNOWN', 'not known'), ('FEMALE', 'woman'), ('MALE', 'man'), ('OTHER', 'other')], default='UNKNOWN', max_length=10, verbose_name='gender')),
                ('birth_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='year of birth')),
                ('home_region', models.CharField(blank=True, max_length=100, verbose_name='home region')),
                ('occupation', models.CharField(blank=True, max_length=100, verbose_name='occupation')),
                ('summary', models.TextField(blank=True, help_text='Only what the cited source says.', max_length=10000, verbose_name='public biography')),
                ('photo', models.ImageField(blank=True, upload_to='persons/', verbose_name='photo')),
                ('photo_consent', models.BooleanField(default=False, verbose_name='the person or family consents to the photo')),
                ('certainty', models.CharField(choices=[('VERIFIED', 'verified'), ('REPORTED', 'reported')], default='REPORTED', max_length=10, verbose_name='certainty')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='changed at')),
                ('campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='owned_persons', to='coalition.campaign', verbose_name='documented by')),
                ('campaigns', models.ManyToManyField(blank=True, related_name='persons', to='coalition.campaign')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'persons',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Detention',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('external_id', models.CharField(blank=True, max_length=120, null=True, unique=True)),
                ('arrested_on', models.DateField(blank=True, null=True, verbose_name='arrested on')),
                ('arrested_precision', models.CharField(choices=[('DAY', 'day'), ('MONTH', 'month'), ('YEAR', 'year'), ('UNKNOWN', 'unknown')], default='UNKNOWN', max_length=8, verbose_name='known to the')),
                ('place', models.CharField(blank=True, max_length=200, verbose_name='place of arrest')),
                ('authority', models.CharField(blank=True, max_length=200, verbose_name='arresting authority')),
                ('sentence', models.CharField(blank=True, max_length=300, verbose_name='sentence')),
                ('certainty', models.CharField(choices=[('VERIFIED', 'verified'), ('REPORTED', 'reported')], default='REPORTED', max_length=10, verbose_name='certainty')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
            ],
            options={
                'verbose_name': 'detention',
                'verbose_name_plural': 'detentions',
                'ordering': [models.OrderBy(models.F('arrested_on'), nulls_first=True), 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Charge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('law', models.CharField(max_length=200, verbose_name='law')),
                ('section', models.CharField(blank=True, max_length=50, verbose_name='section')),
                ('description', models.CharField(blank=True, max_length=500, verbose_name='description')),
                ('detention', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='charges', to='cases.detention')),
            ],
        ),
        migrations.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('ARREST', 'arrest'), ('CHARGE', 'charge'), ('HEARING', 'hearing'), ('BAIL_GRANTED', 'bail granted'), ('BAIL_DENIED', 'bail denied'), ('VERDICT', 'verdict'), ('TRANSFER', 'transfer'), ('RELEASE', 'release'), ('HEALTH_ALARM', 'health alarm'), ('OTHER', 'other')], max_length=14, verbose_name='kind')),
                ('on', models.DateField(blank=True, null=True, verbose_name='on')),
                ('precision', models.CharField(choices=[('DAY', 'day'), ('MONTH', 'month'), ('YEAR', 'year'), ('UNKNOWN', 'unknown')], default='UNKNOWN', max_length=8, verbose_name='known to the')),
                ('description', models.TextField(blank=True, max_length=5000, verbose_name='what happened')),
                ('next_hearing_on', models.DateField(blank=True, null=True, verbose_name='next hearing')),
                ('certainty', models.CharField(choices=[('VERIFIED', 'verified'), ('REPORTED', 'reported')], default='REPORTED', max_length=10, verbose_name='certainty')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
                ('detention', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='cases.detention')),
            ],
            options={
                'ordering': ['on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Facility',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('kind', models.CharField(choices=[('PRISON', 'prison'), ('POLICE', 'police station'), ('MILITARY', 'military or intelligence custody'), ('OTHER', 'other'), ('UNKNOWN', 'unknown place')], default='PRISON', max_length=10, verbose_name='kind')),
                ('region', models.CharField(blank=True, max_length=100, verbose_name='region')),
                ('postal_address', models.TextField(blank=True, max_length=1000, verbose_name='postal address for letters')),
                ('letters_accepted', models.TextField(blank=True, max_length=1000, verbose_name='what letters it accepts')),
            ],
            options={
                'verbose_name': 'facility',
                'verbose_name_plural': 'facilities',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(fields=('name', 'region'), name='facility_once')],
            },
        ),
        migrations.AddField(
            model_name='detention',
            name='facility',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='detentions', to='cases.facility'),
        ),
        migrations.CreateModel(
            name='ImportRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('RUNNING', 'running'), ('COMMITTING', 'committing'), ('DONE', 'done'), ('FAILED', 'failed')], default='RUNNING', max_length=10)),
                ('rows', models.PositiveIntegerField(default=0)),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('host', models.CharField(blank=True, max_length=255)),
                ('pid', models.PositiveIntegerField(null=True)),
                ('beat_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('publish_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='PersonRestricted',
            fields=[
                ('person', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='restricted', serialize=False, to='cases.person')),
                ('family_contacts', models.TextField(blank=True, max_length=5000, verbose_name='family contacts')),
                ('lawyer_contacts', models.TextField(blank=True, max_length=5000, verbose_name='lawyer contacts')),
                ('internal_notes', models.TextField(blank=True, max_length=20000, verbose_name='internal notes')),
                ('unverified_reports', models.TextField(blank=True, max_length=20000, verbose_name='unverified reports')),
            ],
        ),
        migrations.AddField(
            model_name='person',
            name='import_run',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.importrun'),
        ),
        migrations.AddField(
            model_name='person',
            name='source',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source'),
        ),
        migrations.AddField(
            model_name='person',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='detention',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='detentions', to='cases.person'),
        ),
        migrations.CreateModel(
            name='StatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('DETAINED', 'detained'), ('INCOMMUNICADO', 'held incommunicado or disappeared'), ('CHARGED', 'charged'), ('AWAITING_TRIAL', 'awaiting trial in custody'), ('ON_BAIL', 'on bail'), ('CONVICTED', 'convicted'), ('ON_APPEAL', 'on appeal'), ('ACQUITTED', 'acquitted'), ('RELEASED', 'released'), ('DIED_IN_CUSTODY', 'died in custody')], max_length=16, verbose_name='status')),
                ('on', models.DateField(blank=True, null=True, verbose_name='on')),
                ('precision', models.CharField(choices=[('DAY', 'day'), ('MONTH', 'month'), ('YEAR', 'year'), ('UNKNOWN', 'unknown')], default='UNKNOWN', max_length=8, verbose_name='known to the')),
                ('certainty', models.CharField(choices=[('VERIFIED', 'verified'), ('REPORTED', 'reported')], default='REPORTED', max_length=10, verbose_name='certainty')),
                ('detention', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='cases.detention')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
            ],
            options={
                'ordering': ['on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ImportStaged',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('line', models.PositiveIntegerField()),
                ('row', models.JSONField()),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staged', to='cases.importrun')),
            ],
            options={
                'ordering': ['run', 'line'],
                'constraints': [models.UniqueConstraint(fields=('run', 'line'), name='import_staged_once')],
            },
        ),
        migrations.CreateModel(
            name='PublicRecord',
            fields=[
                ('person', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='public', serialize=False, to='cases.person')),
                ('slug', models.SlugField(max_length=80, unique=True)),
                ('name', models.CharField(max_length=200)),
                ('name_ur', models.CharField(blank=True, max_length=200)),
                ('home_region', models.CharField(blank=True, max_length=100)),
                ('status', models.CharField(blank=True, choices=[('DETAINED', 'detained'), ('INCOMMUNICADO', 'held incommunicado or disappeared'), ('CHARGED', 'charged'), ('AWAITING_TRIAL', 'awaiting trial in custody'), ('ON_BAIL', 'on bail'), ('CONVICTED', 'convicted'), ('ON_APPEAL', 'on appeal'), ('ACQUITTED', 'acquitted'), ('RELEASED', 'released'), ('DIED_IN_CUSTODY', 'died in custody')], max_length=16)),
                ('arrested_on', models.DateField(blank=True, null=True)),
                ('arrested_year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('released_on', models.DateField(blank=True, null=True)),
                ('search_vector', django.contrib.postgres.search.SearchVectorField(blank=True, null=True)),
                ('version', models.PositiveIntegerField()),
                ('certainty', models.CharField(choices=[('VERIFIED', 'verified'), ('REPORTED', 'reported')], max_length=10)),
                ('verified_at', models.DateTimeField()),
                ('verified_by_name', models.CharField(max_length=150)),
                ('import_run', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.importrun')),
                ('organisations', models.ManyToManyField(blank=True, related_name='+', to='coalition.organisation')),
            ],
            options={
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='DetentionSpan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('arrested_on', models.DateField(blank=True, null=True)),
                ('released_on', models.DateField(blank=True, null=True)),
                ('status', models.CharField(blank=True, choices=[('DETAINED', 'detained'), ('INCOMMUNICADO', 'held incommunicado or disappeared'), ('CHARGED', 'charged'), ('AWAITING_TRIAL', 'awaiting trial in custody'), ('ON_BAIL', 'on bail'), ('CONVICTED', 'convicted'), ('ON_APPEAL', 'on appeal'), ('ACQUITTED', 'acquitted'), ('RELEASED', 'released'), ('DIED_IN_CUSTODY', 'died in custody')], max_length=16)),
                ('region', models.CharField(blank=True, max_length=100)),
                ('import_run', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.importrun')),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='spans', to='cases.publicrecord')),
            ],
        ),
        migrations.CreateModel(
            name='CaseShare',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('restricted', models.BooleanField(default=False, verbose_name='with the restricted facts')),
                ('granted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='granted at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='case_shares', to='coalition.campaign', verbose_name='campaign')),
                ('granted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shares', to='cases.person')),
            ],
            options={
                'verbose_name': 'case share',
                'verbose_name_plural': 'case shares',
                'ordering': ['-granted_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('person', 'campaign'), name='case_share_active_once')],
            },
        ),
        migrations.CreateModel(
            name='Affiliation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(blank=True, max_length=200, verbose_name='role')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affiliations', to='coalition.organisation')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affiliations', to='cases.person')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('person', 'organisation'), name='affiliation_once')],
            },
        ),
        migrations.CreateModel(
            name='PublicVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('data', models.JSONField()),
                ('verified_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('edited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='public_versions', to='cases.person')),
                ('verified_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['person', 'number'],
                'constraints': [models.UniqueConstraint(fields=('person', 'number'), name='public_version_once')],
            },
        ),
        migrations.CreateModel(
            name='Recognition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('since_on', models.DateField(blank=True, null=True, verbose_name='since')),
                ('criterion', models.CharField(blank=True, max_length=500, verbose_name='on what criterion')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recognitions', to='coalition.organisation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recognitions', to='cases.person')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('person', 'organisation'), name='recognition_once')],
            },
        ),
        migrations.AddIndex(
            model_name='publicrecord',
            index=models.Index(condition=models.Q(('import_run__isnull', True)), fields=['name', 'person'], name='public_record_by_name'),
        ),
        migrations.AddIndex(
            model_name='publicrecord',
            index=habeas.cases.models.NullsFirstIndex(models.OrderBy(models.F('arrested_on'), nulls_first=True), models.F('person'), condition=models.Q(('import_run__isnull', True)), name='public_record_by_arrest'),
        ),
        migrations.AddIndex(
            model_name='publicrecord',
            index=models.Index(condition=models.Q(('import_run__isnull', True)), fields=['home_region', 'name'], name='public_record_by_region'),
        ),
        migrations.AddIndex(
            model_name='publicrecord',
            index=models.Index(condition=models.Q(('import_run__isnull', True)), fields=['status'], name='public_record_by_status'),
        ),
        migrations.AddIndex(
            model_name='publicrecord',
            index=models.Index(condition=models.Q(('import_run__isnull', True)), fields=['arrested_year'], name='public_record_by_year'),
        ),
        migrations.AddIndex(
            model_name='publicrecord',
            index=models.Index(condition=models.Q(('import_run__isnull', False)), fields=['import_run'], name='public_record_pending'),
        ),
        migrations.AddIndex(
            model_name='detentionspan',
            index=models.Index(condition=models.Q(('import_run__isnull', False)), fields=['import_run'], name='detention_span_pending'),
        ),
        migrations.RunPython(search_create, search_drop),
        migrations.RunPython(compress_with_lz4, compress_by_default),
    ]
