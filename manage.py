#!/usr/bin/env python3
"""Django's command-line utility for Habeas; `habeas` is the same, installed."""

import sys

from habeas.cli import main

if __name__ == "__main__":
    sys.exit(main())
