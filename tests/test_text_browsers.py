"""The public pages and their forms read in order in a text-mode browser.

Debian's lynx (installed by scripts/browser-deps) dumps each page of the demo,
served by a live server, in English and Urdu: its h1 and h2 headings come out in
the page's order, each on a line of its own; every form field comes out beside
its label; every submit button is there; and nothing asks for JavaScript. Lynx
applies no CSS, so a label hidden from sight still reads, and what only CSS
lays out (a table, a help text) must read in the order of the HTML.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
from django.utils import timezone

from habeas.actions.models import Action
from habeas.cases.models import PublicRecord
from habeas.demo.loader import CAMPAIGN, OPEN_LETTER_SLUG
from tests.conftest import REQUIRE_BROWSER

pytestmark = pytest.mark.browser

SLUG = CAMPAIGN["slug"]
LYNX = os.environ.get("HABEAS_LYNX", "/usr/bin/lynx")
# How lynx draws a field in a dump: a text field or a text area as underscores, a
# check box as [ ] or [X], a radio button as ( ) or (*), a menu as [its choice___].
FIELD = r"(?:_{3,}|\[[ X]\]|\([ *]\)|\[[^\]\n]*_[^\]\n]*\])"
# Lynx's widest line: nothing wraps, so a heading or a label is one line.
WIDTH = 1024


class _Field:
    def __init__(self, kind: str, attrs: dict[str, str]) -> None:
        self.kind, self.id = kind, attrs.get("id", "")
        # Lynx shows a read-only field's value as text rather than a field.
        self.shown = attrs.get("value", "")[:10] if "readonly" in attrs else None
        self.label = ""


class _Page(HTMLParser):
    """A page's h1 and h2 headings, its form fields with their labels, and its
    submit buttons, in the order of the HTML."""

    FIELDS = frozenset({"input", "select", "textarea"})
    NOT_FIELDS = frozenset({"hidden", "submit", "button", "image", "reset"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.fields: list[_Field] = []
        self.buttons: list[str] = []
        self._labels: dict[str, str] = {}
        self._text: dict[str, list[str]] = {}
        self._label_for = ""
        self._wrapped: _Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag in ("h1", "h2", "label", "button", "select"):
            self._text[tag] = []
        if tag == "label":
            self._label_for, self._wrapped = a.get("for", ""), None
        if tag in self.FIELDS:
            kind = a.get("type", "text") if tag == "input" else tag
            if kind == "submit":
                self.buttons.append(a.get("value", ""))
            elif kind not in self.NOT_FIELDS:
                self.fields.append(_Field(kind, a))
                if "label" in self._text:
                    self._wrapped = self.fields[-1]

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text.pop(tag, [])).split())
        if tag in ("h1", "h2"):
            self.headings.append(text)
        elif tag == "button":
            self.buttons.append(text)
        elif tag == "label":
            if self._label_for:
                self._labels[self._label_for] = text
            elif self._wrapped is not None:
                self._wrapped.label = text

    def handle_data(self, data: str) -> None:
        for tag in self._text:
            if "select" not in self._text or tag == "select":
                self._text[tag].append(data)

    def close(self) -> None:
        super().close()
        for field in self.fields:
            field.label = field.label or self._labels.get(field.id, "")


def _lynx(url: str, home: Path) -> str:
    result = subprocess.run(
        [
            LYNX,
            "-dump",
            "-nolist",
            "-display_charset=utf-8",
            "-assume_charset=utf-8",
            f"-width={WIDTH}",
            "-connect_timeout=10",
            url,
        ],
        capture_output=True,
        check=True,
        timeout=60,
        env={"HOME": str(home), "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
    )
    # Lynx cuts a long menu choice to its field's width byte by byte, which can split
    # an Urdu letter: that one character is replaced, the rest reads as sent.
    return result.stdout.decode("utf-8", errors="replace")


def _faults(url: str, html: str, dump: str) -> list[str]:
    """What reads badly in ``dump``, lynx's text of ``html``."""
    page = _Page()
    page.feed(html)
    page.close()
    lines = [" ".join(line.split()) for line in dump.splitlines()]
    faults: list[str] = []
    at = 0
    for heading in page.headings:
        try:
            at = lines.index(heading, at) + 1
        except ValueError:
            faults.append(f"{url}: heading {heading!r} not on a line of its own, in order")
    for field in page.fields:
        label = field.label.rstrip(":")
        if not label:
            faults.append(f"{url}: a {field.kind} field ({field.id or 'no id'}) has no label")
            continue
        drawn = FIELD if field.shown is None else re.escape(field.shown)
        near = re.compile(rf"{re.escape(label)}:? ?{drawn}|{drawn} ?{re.escape(label)}")
        if not any(near.search(line) for line in lines):
            faults.append(f"{url}: label {label!r} is not beside its {field.kind} field")
    for button in page.buttons:
        if not any(f"(BUTTON) {button}" in line or button == line.strip() for line in lines):
            faults.append(f"{url}: no button {button!r}")
    # A line ending in a colon introduces something: without a field on it, what it
    # introduced is missing (a label for a value only a script fills in, say).
    faults += [
        f"{url}: {line!r} introduces nothing"
        for line in lines
        if line.endswith(":") and not re.search(FIELD, line)
    ]
    if "javascript" in dump.lower():
        faults.append(f"{url}: mentions JavaScript")
    return faults


@pytest.fixture(scope="session")
def lynx() -> str:
    """Debian's lynx; skipped loudly when absent, failed under HABEAS_REQUIRE_BROWSER=1."""
    if not Path(LYNX).exists():
        message = f"TEXT-BROWSER TESTS NOT RUN: {LYNX} is missing (Debian package 'lynx')"
        print(f"\n{'!' * 72}\n{message}\n{'!' * 72}")
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    return LYNX


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("lynx")
def test_public_pages_and_forms_read_in_order_in_lynx(
    live_server: Any, demo: None, artifacts: Path, tmp_path: Path
) -> None:
    """In lynx, in English and Urdu, the front page, the campaign, a person, the open
    letter and its sign form, the sign-in page, an action taking RSVPs, the fund and
    its pledge form show their h1 and h2 headings in order on lines of their own,
    every field beside its label, every submit button, and no word of JavaScript."""
    action = Action.objects.order_by("pk").first()
    assert action is not None
    # An action with a date to come, so that its page has the RSVP form.
    starts = timezone.now() + datetime.timedelta(days=7)
    Action.objects.filter(pk=action.pk).update(
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        time_zone="Europe/London",
        status=Action.Status.PLANNED,
    )
    record = PublicRecord.objects.order_by("slug").first()
    assert record is not None
    pages = {
        "home": "/",
        "campaign": f"/campaigns/{SLUG}/",
        "person": f"/register/{record.slug}/",
        "letter": f"/letters/{OPEN_LETTER_SLUG}/",
        "sign": f"/letters/{OPEN_LETTER_SLUG}/sign/",
        "login": "/accounts/login/",
        "action": f"/actions/{action.pk}/",
        "fund": f"/fund/{SLUG}/",
        "pledge": f"/fund/{SLUG}/pledge/",
    }
    faults: list[str] = []
    forms = 0
    for language, prefix in (("en", ""), ("ur", "/ur")):
        for label, path in pages.items():
            url = live_server.url + prefix + path
            with urlopen(url, timeout=30) as response:
                html = response.read().decode("utf-8")
            dump = _lynx(url, tmp_path)
            (artifacts / f"lynx-{language}-{label}.txt").write_text(dump, encoding="utf-8")
            faults += _faults(prefix + path, html, dump)
            forms += html.count("<form")
    # The pages must hold the forms this test is about, or it proves little.
    assert forms >= 2 * 5, forms
    assert not faults, "\n".join(faults)


def test_the_reading_catches_a_field_without_its_label() -> None:
    """The check itself: a heading out of order, a field far from its label, an
    unlabelled field, a missing button, a label with nothing after it and a
    JavaScript notice are each reported."""
    html = (
        "<h1>Title</h1><h2>Second</h2><form><label for='a'>Name:</label>"
        "<input id='a'><input id='b' type='checkbox'><button>Send</button></form>"
    )
    good = "Title\n\nSecond\n   Name: ____________________ [ ] (BUTTON) Send\n"
    assert _faults("/", html.replace("<input id='b' type='checkbox'>", ""), good) == []
    bad = "Second\nTitle\n   Name:\n   ____________________\n Please enable JavaScript\n"
    bad += "Your time:\n"
    assert _faults("/", html, bad) == [
        "/: heading 'Second' not on a line of its own, in order",
        "/: label 'Name' is not beside its text field",
        "/: a checkbox field (b) has no label",
        "/: no button 'Send'",
        "/: 'Name:' introduces nothing",
        "/: 'Your time:' introduces nothing",
        "/: mentions JavaScript",
    ]
