"""The insert floor's settings: Habeas's own, with one bare view as the whole site.

Served by gunicorn exactly as Habeas is (``habeas.wsgi``, the options of
`habeas serve`) with ``DJANGO_SETTINGS_MODULE=bench.floor_insert``, on the
same database, middleware and connection settings. Its one view
(bench/floor_insert_urls.py) inserts one row per POST in a transaction and
answers 200, so the letters flood can be read against what one Django
insert costs on this machine, loaded the same way, in the same run.
"""

from __future__ import annotations

from habeas.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_insert_urls"
