"""`habeas export-register --format csv|json [--output FILE]`: the public register, streamed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from habeas.cases import export


class Command(BaseCommand):
    help = (
        "Write the public register (verified records only, never restricted facts) as CSV "
        "or Popolo-shaped JSON, streamed so memory stays flat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--output", type=Path, default=None, help="file to write (default: standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chunks = export.csv_rows() if options["format"] == "csv" else export.json_chunks()
        if options["output"] is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
            return
        with options["output"].open("w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
