"""`habeas demo`: load the letter's campaign (safe to run again)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from habeas.core.management.commands.serve import CREDENTIALS_FILE
from habeas.demo.loader import COORDINATOR_USERNAME, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo campaign from the open letter of 30 May 2025. "
        "Running it again adds only what it never created, and leaves what users "
        "revoked, hid, changed or deleted as they left it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo()
        if report.total:
            self.stdout.write(self.style.SUCCESS(report.summary()))
        else:
            self.stdout.write(report.summary())
        credentials = Path(settings.VAR_DIR) / CREDENTIALS_FILE
        if report.coordinator_password:
            credentials.parent.mkdir(parents=True, exist_ok=True)
            text = f"username: {COORDINATOR_USERNAME}\npassword: {report.coordinator_password}\n"
            # Only the owner may read the generated password.
            fd = os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(
                f"Demo coordinator created. {text.strip()} (also kept in {credentials})"
            )
        elif credentials.exists():
            self.stdout.write(f"The demo coordinator's sign-in is in {credentials}.")
