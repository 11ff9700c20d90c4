"""`habeas createcachetable`: Django's command, quiet when the tables are there.

`habeas migrate` makes the cache tables already, so on every `make run` the
tables exist; Django would say so for each at the default verbosity, which
reads like something to act on. Here a table that exists is reported only at
--verbosity 2 and above, like one created.
"""

from __future__ import annotations

from django.core.management.commands import createcachetable
from django.db import connections


class Command(createcachetable.Command):
    def create_table(self, database: str, tablename: str, dry_run: bool) -> None:
        if tablename in connections[database].introspection.table_names():
            if self.verbosity > 1:
                self.stdout.write(f"Cache table '{tablename}' already exists.")
            return
        super().create_table(database, tablename, dry_run)
