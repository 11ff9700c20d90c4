"""`habeas import-recover`: settle the imports that dead processes left half done."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from habeas.cases import importer


class Command(BaseCommand):
    help = (
        "Undo imports whose process died before their records were made public, and "
        "finish those that died after. Imports still running are left alone. "
        "`habeas serve` and every import run this first."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        settled = importer.recover()
        for run in settled:
            done = "undone" if run.state != run.State.COMMITTING else "finished"
            self.stdout.write(f"Import {run.pk} of {run.started_at:%Y-%m-%d %H:%M} {done}.")
        if not settled:
            self.stdout.write("No import to settle.")
