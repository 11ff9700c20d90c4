"""The `habeas` console script: manage.py under a name a user can remember."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import MutableMapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# `make run` (scripts/run-local) keeps its generated key here, owner-readable only.
LOCAL_SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a key)
LOCAL_HOSTS = "127.0.0.1,localhost,[::1]"


def use_local_secret_key(environ: MutableMapping[str, str]) -> bool:
    """On a `make run` install, read the secret key it keeps when none is given.

    Console steps (``habeas grant_site_admin``, ``habeas demo`` …) then run on
    that install as the README writes them, with no variable to export. An
    explicit HABEAS_SECRET_KEY always wins; without one and without the file
    (any production set up as the README says), settings refuse to start as
    before. A key file others can read is not used: it is no secret. The hosts
    default to loopback only, as under `make run`. Returns whether it was used.
    """
    if environ.get("HABEAS_SECRET_KEY"):
        return False
    var_dir = Path(environ.get("HABEAS_VAR_DIR") or BASE_DIR / "var")
    key_file = var_dir / LOCAL_SECRET_KEY_FILE
    try:
        mode = key_file.stat().st_mode
        if not stat.S_ISREG(mode) or mode & 0o077:
            print(
                f"habeas: {key_file} is not used: others may read it (chmod 600 it).",
                file=sys.stderr,
            )
            return False
        key = key_file.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    if not key:
        return False
    environ["HABEAS_SECRET_KEY"] = key
    if not environ.get("ALLOWED_HOSTS"):
        environ["ALLOWED_HOSTS"] = LOCAL_HOSTS
    return True


def main(argv: list[str] | None = None) -> int:
    """Run a Django management command, e.g. ``habeas demo`` or ``habeas migrate``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    use_local_secret_key(os.environ)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv or sys.argv)
    except ImproperlyConfigured as error:
        # A configuration mistake deserves one plain line, not a traceback.
        print(f"habeas: configuration error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
