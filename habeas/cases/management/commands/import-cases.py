"""`habeas import-cases FILE.csv`: validate the whole file, then import it, or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from habeas.accounts.models import User
from habeas.cases import importer, services


class Command(BaseCommand):
    help = (
        "Import persons and detentions from a CSV file (UTF-8, one person and one "
        "detention a row, keyed by external_id). The file is checked whole first: on any "
        "error nothing is imported and every error is listed. Importing the same ids "
        "again updates them. The rows are written in short transactions and become public "
        "together; an import cut short leaves nothing public and is undone by the next "
        "import, by `habeas serve` or by `habeas import-recover`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="as_user", required=True, help="username of the documenter importing"
        )
        parser.add_argument(
            "--publish-as",
            dest="publish_as",
            default="",
            help="username of a second documenter who verifies and "
            "publishes the imported records at once",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        by = self._user(options["as_user"])
        publish_by = self._user(options["publish_as"]) if options["publish_as"] else None
        if publish_by is not None and publish_by.pk == by.pk:
            raise CommandError(
                "A second documenter must publish: --publish-as names the importer."
            )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        checked = importer.read(path.read_bytes())
        self._report(checked.errors, path)
        show = not options["no_progress"] and len(checked.rows) >= importer.BATCH
        try:
            applied = services.register_import(
                by=by,
                publish_by=publish_by,
                rows=checked.rows,
                progress=self._progress if show else None,
            )
        except services.ImportRefused as refused:
            self._report(refused.errors, path)
            raise
        except PermissionDenied as error:
            raise CommandError(f"{error}; nothing was imported.") from error
        except ValidationError as error:
            raise CommandError(f"{' '.join(error.messages)} Nothing was imported.") from error
        if show:
            self.stderr.write("")
        done = "imported and published" if publish_by else "imported (awaiting verification)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(checked.rows)} rows {done}: {applied.created} new, "
                f"{applied.updated} updated."
            )
        )

    def _user(self, username: str) -> User:
        found = User.objects.filter(username=username).first()
        if found is None:
            raise CommandError(f"No user is called {username!r}.")
        return found

    def _report(self, errors: list[importer.ImportError_], path: Path) -> None:
        """List the errors, if any, and stop: nothing is imported."""
        if not errors:
            return
        for error in errors[: importer.MAX_ERRORS_SHOWN]:
            self.stderr.write(str(error))
        hidden = len(errors) - importer.MAX_ERRORS_SHOWN
        if hidden > 0:
            self.stderr.write(f"... and {hidden} more errors.")
        raise CommandError(f"{len(errors)} errors in {path}; nothing was imported.")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        sys.stderr.flush()
