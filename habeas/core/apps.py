from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_cache_tables(using: str = "default", **kwargs: Any) -> None:
    # The database caches (sign-in counters, public pages) are tables that
    # migrations do not make; an upgrade that adds one must not leave every
    # public page failing until an operator remembers `createcachetable`.
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "habeas.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Registers the deploy checks, and connects the receiver that
        # forgets finished tasks, in every process.
        from habeas.core import checks, tasks  # noqa: F401

        post_migrate.connect(_create_cache_tables, sender=self)
