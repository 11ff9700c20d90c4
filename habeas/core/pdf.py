"""PDFs made only from bundled files: WeasyPrint with a URL fetcher that serves
this project's static files (fonts, CSS) and refuses every other URL.

Nothing a user's text contains can make the server fetch anything: no
network, no file outside the bundled static files. The delivery packs
(letters) and the placards (actions) are laid out through here.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.apps import apps
from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


def static_root() -> Path:
    """The directory of the bundled static files a PDF may read (fonts, CSS)."""
    return (Path(apps.get_app_config("core").path) / "static").resolve()


def static_file(url: str) -> Path | None:
    """The file a ``file:`` URL names, if it is a bundled static file; None otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    root = static_root()
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


class StaticFilesOnly(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves the bundled static files and refuses
    everything else (http, https, data, ftp, any other file) with a ValueError,
    which WeasyPrint logs and skips."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_file(url)
        if path is None:
            raise ValueError(f"a PDF reads only bundled static files, not {url!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff2":
            content_type = "font/woff2"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def layout(html: str) -> Document:
    """``html`` laid out by WeasyPrint (pages and boxes), before it is written.

    Relative URLs resolve against the bundled static files (``habeas/pdf-fonts.css``
    brings the Noto Nastaliq Urdu font); every other URL is refused.
    """
    document = HTML(
        string=html,
        base_url=static_root().as_uri() + "/",
        url_fetcher=StaticFilesOnly(),
    )
    return document.render(font_config=FontConfiguration())
