"""Make every public page render afresh on request, for the public-pages benchmark.

Run in its own process with the environment Habeas is served with (the same
HABEAS_VAR_DIR or DATABASE_URL, and REDIS_URL if set)::

    python -m bench.pagecache_clear clear|publish

Each line ``next`` read from stdin makes every stored page stale and answers
``done SECONDS`` on stdout once it is; end of input ends it. ``clear``
forgets every stored page and generation exactly as ``habeas cache clear``
does (``habeas.core.pagecache.clear``); ``publish`` replaces the generations
as a publication does (``public_changed``), leaving the stale pages stored.
One process for many rounds spares the benchmark a Django start-up per
sample.
"""

from __future__ import annotations

import os
import sys
import time


def main(argv: list[str]) -> int:
    """Answer ``next`` lines until stdin ends; 2 on a bad mode or any other line."""
    mode = argv[0] if argv else ""
    if mode not in {"clear", "publish"}:
        print("usage: python -m bench.pagecache_clear clear|publish", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "habeas.settings")
    import django

    django.setup()
    from django.db import connections

    from habeas.core import pagecache

    # Outside a transaction, public_changed() replaces the generations at once.
    action = pagecache.clear if mode == "clear" else pagecache.public_changed
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "next":
            print(f"unknown request {line.strip()!r}", file=sys.stderr)
            return 2
        started = time.perf_counter()
        action()
        # Drop the connection as a finished command would.
        connections.close_all()
        print(f"done {time.perf_counter() - started:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
