"""`habeas grant_site_admin USERNAME`: the operator names the first site admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from habeas.coalition.models import Role
from habeas.coalition.services import grant_create_at_console


class Command(BaseCommand):
    help = (
        "Make an existing user a site admin (recorded as granted by the operator). "
        "They must set up two-factor sign-in before the admin opens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model()._default_manager.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user is called {options['username']!r}.")
        grant = grant_create_at_console(user=user, role=Role.SITE_ADMIN)
        self.stdout.write(f"{user} is a site admin (since {grant.granted_at:%Y-%m-%d %H:%M} UTC).")
