"""Template context every page needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def languages(request: HttpRequest) -> dict[str, Any]:
    """The language switch: each language with the current page's address in it.

    Plain links, so switching works with JavaScript off and needs no cookie.
    """
    current = get_language() or settings.LANGUAGE_CODE
    switch = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        switch.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return {
        "language_switch": switch,
        "text_direction": "rtl" if get_language_info(current)["bidi"] else "ltr",
    }
