"""Forget the mail that finished tasks kept from before tasks carried ids.

Until now every sent e-mail stayed in the task table with its body, so
live invitation and password-reset links could be read from a dump.
Successful rows go; failed ones keep only their id arguments and the
exception's class, as the worker leaves them from now on. Tasks still
waiting to run are left to run (and are deleted once they succeed).
"""

from django.db import migrations


def forget_finished_tasks(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(status="SUCCESSFUL").delete()
    for row in DBTaskResult.objects.filter(status="FAILED"):
        kwargs = row.args_kwargs.get("kwargs", {}) if isinstance(row.args_kwargs, dict) else {}
        ids = {
            name: value
            for name, value in kwargs.items()
            if isinstance(value, int) and not isinstance(value, bool)
        }
        row.args_kwargs = {"args": [], "kwargs": ids}
        row.return_value = None
        row.traceback = ""
        row.save(update_fields=["args_kwargs", "return_value", "traceback"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_source_archived_file"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forget_finished_tasks, migrations.RunPython.noop)]
