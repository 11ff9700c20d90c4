"""`habeas import-cases FILE.csv`: validate the whole file, then import it, or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from habeas.cases import importer


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
        users = get_user_model()._default_manager
        by = users.filter(username=options["as_user"]).first()
        if by is None:
            raise CommandError(f"No user is called {options['as_user']!r}.")
        publish_by = None
        if options["publish_as"]:
            publish_by = users.filter(username=options["publish_as"]).first()
            if publish_by is None:
                raise CommandError(f"No user is called {options['publish_as']!r}.")
            if publish_by.pk == by.pk:
                raise CommandError(
                    "A second documenter must publish: --publish-as names the importer."
                )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        campaigns, organisations = importer.lookups()
        checked = importer.check(
            path.read_bytes(), campaigns=campaigns, organisations=organisations
        )
        self._report(checked.errors, path)
        self._check_rights(by, publish_by, checked.rows, campaigns)
        # Each person it updates must be one the importer (and publisher) documents.
        self._report(
            importer.check_rights(checked.rows, users=[u for u in (by, publish_by) if u]), path
        )
        show = not options["no_progress"] and len(checked.rows) >= importer.BATCH
        applied = importer.apply(
            checked.rows,
            by=by,
            publish_by=publish_by,
            campaigns=campaigns,
            organisations=organisations,
            progress=self._progress if show else None,
        )
        if show:
            self.stderr.write("")
        done = "imported and published" if publish_by else "imported (awaiting verification)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(checked.rows)} rows {done}: {applied.created} new, "
                f"{applied.updated} updated."
            )
        )

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

    def _check_rights(
        self, by: Any, publish_by: Any, rows: list[dict[str, Any]], campaigns: dict[str, int]
    ) -> None:
        from habeas.coalition.models import Campaign

        for slug in {row["campaign"] for row in rows if row.get("campaign")}:
            campaign = Campaign.objects.get(pk=campaigns[slug])
            for user in filter(None, (by, publish_by)):
                if not user.has_perm("cases.document", campaign):
                    raise CommandError(
                        f"{user} is not a case documenter of the campaign {slug!r}; "
                        "nothing was imported."
                    )
        if any(not row.get("campaign") for row in rows) and not (
            by.has_perm("coalition.use_admin")
            or by.role_grants.filter(role="SITE_ADMIN", revoked_at__isnull=True).exists()
        ):
            raise CommandError(
                "Every row needs a campaign (or a site admin imports); nothing was imported."
            )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        sys.stderr.flush()
