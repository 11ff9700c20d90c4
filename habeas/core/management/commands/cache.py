"""`habeas cache clear`: forget every stored public page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from habeas.core import pagecache


class Command(BaseCommand):
    help = "Manage the cache of public pages. 'clear' forgets every stored page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["clear"], help="What to do: clear.")

    def handle(self, *args: Any, **options: Any) -> None:
        pagecache.clear()
        self.stdout.write(
            "Every stored public page is forgotten; each renders afresh on its next request. "
            "Sign-in counters and rate limits are kept."
        )
