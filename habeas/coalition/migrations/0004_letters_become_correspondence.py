"""The coalition's letters between organisations become "correspondence".

The open-letters app (signatures, endorsements) takes the name "letters";
the rows, their ids and their corrections are kept, only renamed.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coalition", "0001_squashed_0003_organisation_profile_versions"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="letter", name="letter_has_an_addressee"),
        migrations.RenameModel(old_name="Letter", new_name="Correspondence"),
        migrations.RenameModel(old_name="Correction", new_name="CorrespondenceCorrection"),
        migrations.RenameField(
            model_name="correspondencecorrection", old_name="letter", new_name="correspondence"
        ),
        migrations.AlterModelOptions(
            name="correspondence",
            options={
                "ordering": ["published_at", "pk"],
                "verbose_name": "letter between organisations",
                "verbose_name_plural": "correspondence",
            },
        ),
        migrations.AlterField(
            model_name="correspondence",
            name="from_organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="correspondence_sent",
                to="coalition.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="correspondence",
            name="to_organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="correspondence_received",
                to="coalition.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="correspondence",
            name="to_campaign",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="correspondence",
                to="coalition.campaign",
            ),
        ),
        migrations.AlterField(
            model_name="correspondence",
            name="thread",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="thread_correspondence",
                to="coalition.correspondence",
            ),
        ),
        migrations.AlterField(
            model_name="correspondencecorrection",
            name="correspondence",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="coalition.correspondence",
            ),
        ),
        migrations.AddConstraint(
            model_name="correspondence",
            constraint=models.CheckConstraint(
                condition=models.Q(("to_organisation__isnull", False))
                | models.Q(("to_campaign__isnull", False)),
                name="correspondence_has_an_addressee",
            ),
        ),
    ]
