"""`habeas clock`: run the periodic jobs (``settings.CLOCK_JOBS``) until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from habeas.core.clock import Clock, jobs_from_settings, run_once


class Command(BaseCommand):
    help = "Run the periodic jobs (counts, reports, expiry) until SIGTERM or Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = jobs_from_settings()
        if options["once"]:
            results = run_once(jobs)
            failed = sorted(name for name, ok in results.items() if not ok)
            if failed:
                raise CommandError(f"These jobs failed (see the log above): {', '.join(failed)}")
            return
        names = ", ".join(f"{job.name} every {job.every:g} s" for job in jobs)
        self.stdout.write(f"The clock runs {names}.")
        Clock(jobs).run()
