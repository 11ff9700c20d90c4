"""The `habeas` console script: manage.py under a name a user can remember."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run a Django management command, e.g. ``habeas demo`` or ``habeas migrate``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
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
