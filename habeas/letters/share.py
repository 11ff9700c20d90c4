"""Share links for a letter: plain addresses of other sites' share pages, nothing loaded.

Following one is the reader's choice; until then no other site hears of the
page (no script, no image, no button from elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ShareLink:
    label: str
    href: str


def share_links(url: str, title: str) -> list[ShareLink]:
    """Links that share ``url`` (titled ``title``) by e-mail and on common services."""
    text = f"{title} {url}"
    return [
        ShareLink(
            _("E-mail"),
            "mailto:?" + urlencode({"subject": title, "body": text}, quote_via=quote),
        ),
        ShareLink("WhatsApp", "https://wa.me/?" + urlencode({"text": text}, quote_via=quote)),
        ShareLink(
            "Telegram",
            "https://t.me/share/url?" + urlencode({"url": url, "text": title}, quote_via=quote),
        ),
        ShareLink(
            "Bluesky",
            "https://bsky.app/intent/compose?" + urlencode({"text": text}, quote_via=quote),
        ),
        ShareLink("X", "https://x.com/intent/post?" + urlencode({"text": text}, quote_via=quote)),
        ShareLink(
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}, quote_via=quote),
        ),
    ]
