"""Settings for the test suite: production's, with what a test run needs instead.

pytest names this module (pyproject.toml). Production settings refuse to start
without a secret key and allowed hosts; the suite lends them throwaway values
for the length of the import and gives the environment back untouched, so a
subprocess a test starts sees the variables the test chose, nothing more.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_LENT = {
    "HABEAS_SECRET_KEY": "insecure-key-for-tests-only-" + "x" * 32,
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1,[::1]",
    # Plain HTTP, as under `make run`; tests assert the secure settings separately.
    "HABEAS_HTTPS": "0",
}
_lent = [name for name in _LENT if not os.environ.get(name)]
os.environ.update({name: _LENT[name] for name in _lent})
try:
    from habeas.settings import *  # noqa: F403
    from habeas.settings import DATABASES, STORAGES
finally:
    for _name in _lent:
        del os.environ[_name]

SECRET_KEY = _LENT["HABEAS_SECRET_KEY"]
ALLOWED_HOSTS = _LENT["ALLOWED_HOSTS"].split(",")
SITE_URL = "http://testserver"

# Argon2 is slow on purpose; the suite hashes many throwaway passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the suite can close and reopen the connection as
    # production does, and WAL mode applies as it does there.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"habeas-test-{os.getpid()}.sqlite3")
    }

# Files come straight from the apps through the finders; nothing is collected.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
# Each file is looked up through the finders when it is asked for. Without this,
# every test client's first request would list and stat all the static files
# again (about 45 ms per client, thousands of clients in a run); what is served,
# and with which headers, is the same either way.
WHITENOISE_AUTOREFRESH = True
