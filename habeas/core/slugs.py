"""Readable, unique addresses for things named by people."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.text import slugify


def unique_slug(
    name: str, *, taken: Callable[[str], bool], fallback: str, length: int = 60
) -> str:
    """A slug of ``name`` (at most ``length`` characters, then ``-2``, ``-3``…) that
    ``taken`` says is free; ``fallback`` stands in for a name with no Latin letters
    or digits (an Urdu name, say).

    ``taken`` is asked once per candidate, so a concurrent writer can still
    take the same slug: the column's unique constraint settles that race.
    """
    base = slugify(name)[:length] or fallback
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug
