"""Clear the public page cache on request, for the public-pages benchmark.

Run in its own process with the environment Habeas is served with (the same
HABEAS_VAR_DIR or DATABASE_URL, and REDIS_URL if set)::

    python -m bench.pagecache_clear

Each line ``clear`` read from stdin forgets every stored page and generation
exactly as ``habeas cache clear`` does (``habeas.core.pagecache.clear``) and
answers ``cleared SECONDS`` on stdout once done; end of input ends it. One
process for many clears spares the benchmark a Django start-up per sample.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    """Answer ``clear`` lines until stdin ends; 2 on any other line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    from django.db import connections

    from habeas.core import pagecache

    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "clear":
            print(f"unknown request {line.strip()!r}", file=sys.stderr)
            return 2
        started = time.perf_counter()
        pagecache.clear()
        # Commit and drop the connection's snapshot as a finished command would.
        connections.close_all()
        print(f"cleared {time.perf_counter() - started:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
