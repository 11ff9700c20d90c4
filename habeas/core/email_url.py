"""Turn one EMAIL_URL into Django's e-mail settings.

Schemes: ``smtp://user:password@host:port`` (plain, STARTTLS with
``?tls=1``), ``smtps://`` (implicit TLS), ``file:///path/to/outbox``,
``console://`` and ``locmem://``. Anything else is a startup error, so a typo
never silently drops mail.
"""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


class EmailSettings(TypedDict):
    """Every EMAIL_* setting Habeas sets, each named in habeas.settings."""

    EMAIL_BACKEND: str
    EMAIL_FILE_PATH: str | None
    EMAIL_HOST: str
    EMAIL_PORT: int
    EMAIL_HOST_USER: str
    EMAIL_HOST_PASSWORD: str
    EMAIL_USE_SSL: bool
    EMAIL_USE_TLS: bool
    EMAIL_TIMEOUT: int | None


def parse_email_url(url: str) -> EmailSettings:
    """Return the EMAIL_* settings that ``url`` describes.

    What the URL does not describe keeps Django's default (host "localhost",
    port 25, no credentials, no TLS, no timeout).
    Raises ImproperlyConfigured for an unknown scheme or a file URL with no path.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL has an unknown scheme {scheme!r}; use one of: {', '.join(_BACKENDS)}."
        )
    config = EmailSettings(
        EMAIL_BACKEND=_BACKENDS[scheme],
        EMAIL_FILE_PATH=None,
        EMAIL_HOST="localhost",
        EMAIL_PORT=25,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_SSL=False,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=None,
    )
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a folder, e.g. file:///srv/outbox")
        config["EMAIL_FILE_PATH"] = unquote(parts.path)
    elif scheme in {"smtp", "smtps"}:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        config["EMAIL_HOST"] = parts.hostname or "localhost"
        config["EMAIL_PORT"] = parts.port or (465 if scheme == "smtps" else 25)
        config["EMAIL_HOST_USER"] = unquote(parts.username or "")
        config["EMAIL_HOST_PASSWORD"] = unquote(parts.password or "")
        config["EMAIL_USE_SSL"] = scheme == "smtps"
        config["EMAIL_USE_TLS"] = scheme == "smtp" and query.get("tls", "") in {"1", "true", "yes"}
        config["EMAIL_TIMEOUT"] = int(query.get("timeout", "20"))
    return config
