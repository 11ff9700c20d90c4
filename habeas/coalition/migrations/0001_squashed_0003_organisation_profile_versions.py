"""The coalition, as migrations 0001 to 0003 left it (squashed once, before the first release).

The data step of 0003 (each existing organisation's first profile version)
is left out: a new database has no organisations yet. 0004 and 0005 follow
as they were, so a database made by the old history carries on.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('coalition', '0001_initial'),
        ('coalition', '0002_membership_consent_when_asked'),
        ('coalition', '0003_organisation_profile_versions'),
    ]

    dependencies = [
        ('core', '0001_squashed_0003_forget_finished_task_mail'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Campaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('title_ur', models.CharField(blank=True, max_length=200, verbose_name='title in Urdu')),
                ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                ('status', models.CharField(choices=[('DRAFT', 'Draft'), ('ACTIVE', 'Active'), ('CLOSED', 'Closed')], default='DRAFT', max_length=10, verbose_name='status')),
                ('summary', models.TextField(blank=True, max_length=5000, verbose_name='summary')),
                ('start_on', models.DateField(blank=True, null=True, verbose_name='started on')),
                ('quorum', models.PositiveSmallIntegerField(blank=True, help_text='How many member organisations must endorse a demand for it to be common; empty means every member.', null=True, verbose_name='quorum')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
            ],
            options={
                'verbose_name': 'campaign',
                'verbose_name_plural': 'campaigns',
                'ordering': ['title'],
            },
        ),
        migrations.CreateModel(
            name='Letter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(max_length=300, verbose_name='subject')),
                ('body', models.TextField(max_length=100000, verbose_name='text (Markdown)')),
                ('published_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='published at')),
                ('signed', models.CharField(blank=True, max_length=300, verbose_name='signed')),
                ('in_reply_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replies', to='coalition.letter')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
                ('thread', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='thread_letters', to='coalition.letter')),
                ('to_campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='coalition.campaign')),
            ],
            options={
                'verbose_name': 'open letter',
                'verbose_name_plural': 'open letters',
                'ordering': ['published_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Correction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(max_length=20000, verbose_name='correction (Markdown)')),
                ('published_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='published at')),
                ('letter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='coalition.letter')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['published_at'],
            },
        ),
        migrations.CreateModel(
            name='Demand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=500, verbose_name='text')),
                ('text_ur', models.CharField(blank=True, max_length=500, verbose_name='text in Urdu')),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='demands', to='coalition.campaign')),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
            ],
            options={
                'verbose_name': 'demand',
                'verbose_name_plural': 'demands',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('short_name', models.CharField(blank=True, max_length=40, verbose_name='short name')),
                ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                ('kind', models.CharField(choices=[('PARTY', 'Party'), ('UNION', 'Trade union'), ('CAMPAIGN_GROUP', 'Campaign group'), ('NGO', 'NGO'), ('STUDENT_GROUP', 'Student group'), ('OTHER', 'Other')], default='OTHER', max_length=20, verbose_name='kind')),
                ('country', models.CharField(blank=True, max_length=2, validators=[django.core.validators.RegexValidator('^[A-Z]{2}$', 'Use a two-letter country code, such as PK or GB.')], verbose_name='country (ISO code)')),
                ('website', models.URLField(blank=True, max_length=300, verbose_name='website')),
                ('description', models.TextField(blank=True, max_length=1000, verbose_name='short description')),
                ('description_ur', models.TextField(blank=True, max_length=1000, verbose_name='short description in Urdu')),
                ('logo', models.ImageField(blank=True, upload_to='logos/', verbose_name='logo')),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='HiddenNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(max_length=2000, verbose_name='reason')),
                ('hidden_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='hidden at')),
                ('lifted_at', models.DateTimeField(blank=True, null=True, verbose_name='lifted at')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='coalition.campaign')),
                ('demand', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='coalition.demand')),
                ('hidden_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lifted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='coalition.organisation')),
            ],
            options={
                'ordering': ['-hidden_at'],
            },
        ),
        migrations.AddField(
            model_name='demand',
            name='proposed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='proposed_demands', to='coalition.organisation'),
        ),
        migrations.AddField(
            model_name='letter',
            name='from_organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='letters_sent', to='coalition.organisation'),
        ),
        migrations.AddField(
            model_name='letter',
            name='to_organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='letters_received', to='coalition.organisation'),
        ),
        migrations.CreateModel(
            name='CampaignMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('REQUESTED', 'Asked to join'), ('INVITED', 'Invited'), ('ACTIVE', 'Member'), ('DECLINED', 'Declined'), ('LEFT', 'Left')], default='ACTIVE', max_length=10, verbose_name='status')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('joined_at', models.DateTimeField(blank=True, null=True, verbose_name='joined at')),
                ('left_at', models.DateTimeField(blank=True, null=True, verbose_name='left at')),
                ('leave_notice', models.TextField(blank=True, max_length=2000, verbose_name='public notice on leaving')),
                ('common_when_asked', models.JSONField(blank=True, default=list, verbose_name='common demands when it asked')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='coalition.campaign')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='coalition.organisation')),
            ],
            options={
                'ordering': ['joined_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='campaign',
            name='organisations',
            field=models.ManyToManyField(related_name='campaigns', through='coalition.CampaignMembership', to='coalition.organisation'),
        ),
        migrations.CreateModel(
            name='Appeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(max_length=5000, verbose_name='appeal')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='made at')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('notice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appeals', to='coalition.hiddennotice')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='coalition.organisation')),
            ],
            options={
                'ordering': ['created_at'],
            },
        ),
        migrations.CreateModel(
            name='OrganisationVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('short_name', models.CharField(blank=True, max_length=40, verbose_name='short name')),
                ('website', models.URLField(blank=True, max_length=300, verbose_name='website')),
                ('description', models.TextField(blank=True, max_length=1000, verbose_name='short description')),
                ('description_ur', models.TextField(blank=True, max_length=1000, verbose_name='short description in Urdu')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='coalition.organisation')),
            ],
            options={
                'ordering': ['organisation', 'number'],
            },
        ),
        migrations.CreateModel(
            name='Position',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stance', models.CharField(choices=[('ENDORSES', 'Endorses'), ('NO_POSITION', 'No position'), ('DISAGREES', 'Disagrees')], max_length=12, verbose_name='position')),
                ('reason', models.TextField(blank=True, max_length=2000, verbose_name='public reason')),
                ('version', models.PositiveIntegerField(verbose_name='version of the demand')),
                ('is_current', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('demand', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='positions', to='coalition.demand')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='positions', to='coalition.organisation')),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.source')),
            ],
            options={
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='hiddennotice',
            name='position',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='coalition.position'),
        ),
        migrations.CreateModel(
            name='RoleGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('ORG_ADMIN', 'Organisation admin'), ('ORG_EDITOR', 'Organisation editor'), ('TREASURER', 'Treasurer'), ('COORDINATOR', 'Campaign coordinator'), ('MODERATOR', 'Moderator'), ('DOCUMENTER', 'Case documenter'), ('CASE_TEAM', 'Case team'), ('SITE_ADMIN', 'Site admin')], max_length=20, verbose_name='role')),
                ('granted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='granted at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='grants', to='coalition.campaign')),
                ('granted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='grants', to='coalition.organisation')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_grants', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'role grant',
                'verbose_name_plural': 'role grants',
                'ordering': ['-granted_at'],
            },
        ),
        migrations.CreateModel(
            name='Statement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('body', models.TextField(max_length=20000, verbose_name='text (Markdown)')),
                ('body_html', models.TextField(blank=True, editable=False)),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='statements', to='coalition.campaign')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='statements', to='coalition.organisation')),
            ],
            options={
                'verbose_name': 'statement',
                'verbose_name_plural': 'statements',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='hiddennotice',
            name='statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='coalition.statement'),
        ),
        migrations.CreateModel(
            name='StatementVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('body', models.TextField(max_length=20000, verbose_name='text (Markdown)')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='coalition.statement')),
            ],
            options={
                'ordering': ['statement', 'number'],
            },
        ),
        migrations.CreateModel(
            name='DemandVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('text', models.CharField(max_length=500, verbose_name='text')),
                ('text_ur', models.CharField(blank=True, max_length=500, verbose_name='text in Urdu')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('demand', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='coalition.demand')),
            ],
            options={
                'ordering': ['demand', 'number'],
                'constraints': [models.UniqueConstraint(fields=('demand', 'number'), name='demand_version_once')],
            },
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                ('role', models.CharField(choices=[('ORG_ADMIN', 'Organisation admin'), ('ORG_EDITOR', 'Organisation editor'), ('TREASURER', 'Treasurer'), ('COORDINATOR', 'Campaign coordinator'), ('MODERATOR', 'Moderator'), ('DOCUMENTER', 'Case documenter'), ('CASE_TEAM', 'Case team'), ('SITE_ADMIN', 'Site admin')], max_length=20, verbose_name='role')),
                ('token_sha256', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='coalition.campaign')),
                ('invited_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='coalition.organisation')),
            ],
            options={
                'verbose_name': 'invitation',
                'verbose_name_plural': 'invitations',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('role__in', ['ORG_ADMIN', 'ORG_EDITOR']), ('campaign__isnull', True), ('organisation__isnull', False)), models.Q(('role__in', ['CASE_TEAM', 'COORDINATOR', 'DOCUMENTER', 'MODERATOR']), ('campaign__isnull', False), ('organisation__isnull', True)), models.Q(('role__in', ['TREASURER']), ('campaign__isnull', False), ('organisation__isnull', False)), models.Q(('role__in', ['SITE_ADMIN']), ('campaign__isnull', True), ('organisation__isnull', True)), _connector='OR'), name='invitation_scope_fits_role'), models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='invitation_expires_after_creation')],
            },
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.CheckConstraint(condition=models.Q(('to_organisation__isnull', False), ('to_campaign__isnull', False), _connector='OR'), name='letter_has_an_addressee'),
        ),
        migrations.AddConstraint(
            model_name='campaignmembership',
            constraint=models.UniqueConstraint(fields=('campaign', 'organisation'), name='membership_once_per_campaign'),
        ),
        migrations.AddConstraint(
            model_name='organisationversion',
            constraint=models.UniqueConstraint(fields=('organisation', 'number'), name='organisation_version_once'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('demand', 'organisation'), name='position_one_current'),
        ),
        migrations.AddConstraint(
            model_name='rolegrant',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('role__in', ['ORG_ADMIN', 'ORG_EDITOR']), ('campaign__isnull', True), ('organisation__isnull', False)), models.Q(('role__in', ['CASE_TEAM', 'COORDINATOR', 'DOCUMENTER', 'MODERATOR']), ('campaign__isnull', False), ('organisation__isnull', True)), models.Q(('role__in', ['TREASURER']), ('campaign__isnull', False), ('organisation__isnull', False)), models.Q(('role__in', ['SITE_ADMIN']), ('campaign__isnull', True), ('organisation__isnull', True)), _connector='OR'), name='grant_scope_fits_role'),
        ),
        migrations.AddConstraint(
            model_name='rolegrant',
            constraint=models.UniqueConstraint(condition=models.Q(('campaign__isnull', True), ('revoked_at__isnull', True)), fields=('user', 'role', 'organisation'), name='grant_active_once_per_organisation'),
        ),
        migrations.AddConstraint(
            model_name='rolegrant',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True), ('revoked_at__isnull', True)), fields=('user', 'role', 'campaign'), name='grant_active_once_per_campaign'),
        ),
        migrations.AddConstraint(
            model_name='rolegrant',
            constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('user', 'role', 'organisation', 'campaign'), name='grant_active_once_per_scope'),
        ),
        migrations.AddConstraint(
            model_name='rolegrant',
            constraint=models.UniqueConstraint(condition=models.Q(('campaign__isnull', True), ('organisation__isnull', True), ('revoked_at__isnull', True)), fields=('user', 'role'), name='grant_active_once_site_wide'),
        ),
        migrations.AddConstraint(
            model_name='hiddennotice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('demand__isnull', False), ('position__isnull', True), ('statement__isnull', True)), models.Q(('demand__isnull', True), ('position__isnull', True), ('statement__isnull', False)), models.Q(('demand__isnull', True), ('position__isnull', False), ('statement__isnull', True)), _connector='OR'), name='notice_has_one_item'),
        ),
        migrations.AddConstraint(
            model_name='hiddennotice',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='notice_has_a_reason'),
        ),
        migrations.AddConstraint(
            model_name='statementversion',
            constraint=models.UniqueConstraint(fields=('statement', 'number'), name='statement_version_once'),
        ),
    ]
