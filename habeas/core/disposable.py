"""Disposable-mail domains: the bundled list (``disposable_domains.txt``,
vendored by scripts/vendor-disposable-domains) and the check every form that
takes an address makes against it."""

from __future__ import annotations

import functools
from pathlib import Path

DISPOSABLE_LIST = Path(__file__).resolve().parent / "disposable_domains.txt"


@functools.cache
def disposable_domains() -> frozenset[str]:
    """The bundled list, read once a process (it changes only with a release)."""
    lines = DISPOSABLE_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def is_disposable(domain: str) -> bool:
    """Whether ``domain`` or a domain above it (``x.mailinator.com``) is on the list."""
    listed = disposable_domains()
    labels = domain.strip().rstrip(".").lower().split(".")
    return any(".".join(labels[i:]) in listed for i in range(len(labels) - 1))
