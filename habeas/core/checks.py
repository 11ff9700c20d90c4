"""Deployment checks of Habeas's own settings (``habeas check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies_counted(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Warn when Habeas is told it is behind a proxy but trusts no proxy's addresses.

    Every client then has the proxy's address, and one person's failed
    sign-ins lock everyone out of that account.
    """
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    if behind_proxy and settings.HABEAS_TRUSTED_PROXY_COUNT == 0:
        return [
            Warning(
                "HABEAS_BEHIND_PROXY is on but HABEAS_TRUSTED_PROXY_COUNT is 0: every "
                "client would share the proxy's address.",
                hint="Set HABEAS_TRUSTED_PROXY_COUNT to the number of proxies in front "
                "of Habeas that append to X-Forwarded-For (1 for one nginx).",
                id="habeas.W001",
            )
        ]
    return []
