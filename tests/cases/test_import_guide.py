"""The import guide: every column the importer reads, how to run it, what its errors
look like, for documenters alone."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from habeas.cases import import_guide, importer
from habeas.coalition.models import Role, RoleGrant
from tests.factories import CampaignFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db

GUIDE = "/register/import/"


@pytest.fixture
def documenter() -> Any:
    user = UserFactory(username="doc1")
    grant(user, Role.DOCUMENTER, campaign=CampaignFactory(slug="free-them"))
    return user


def _rows(page: str) -> dict[str, str]:
    """Each column's row of the table, by the column's name."""
    return dict(re.findall(r'<tr id="column-([a-z_]+)">(.*?)</tr>', page, re.S))


def test_the_guide_lists_every_column_the_importer_reads(documenter: Any) -> None:
    page = sign_in(Client(), documenter).get(GUIDE).content.decode()
    rows = _rows(page)
    assert list(rows) == [*importer.REQUIRED, *importer.OPTIONAL]
    for column, row in rows.items():
        assert f'<code lang="en" dir="ltr">{column}</code>' in row
        expected = "required" if column in importer.REQUIRED else "optional"
        assert f"<td>{expected}</td>" in row, column
    # Every column is explained in words, not only named.
    assert set(import_guide.EXPLAINED) == {*importer.REQUIRED, *importer.OPTIONAL}
    for value in ("DETAINED", "DIED_IN_CUSTODY", "VERIFIED", "UNKNOWN"):
        assert f'<code lang="en" dir="ltr">{value}</code>' in page
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in rows["arrested_on"]
    assert "At most 100 characters." in rows["external_id"]
    assert "free-them" in rows["campaign"]  # the documenter's own campaigns


def test_a_column_the_importer_gains_is_on_the_guide(documenter: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(importer, "OPTIONAL", [*importer.OPTIONAL, "released_on"])
    rows = _rows(sign_in(Client(), documenter).get(GUIDE).content.decode())
    assert "released_on" in rows
    assert "<td>optional</td>" in rows["released_on"]


def test_the_guide_gives_the_command_and_the_errors_as_the_console_prints_them(
    documenter: Any, tmp_path: Path
) -> None:
    page = html.unescape(sign_in(Client(), documenter).get(GUIDE).content.decode())
    assert "habeas import-cases persons.csv --as doc1" in page
    assert "--publish-as" in page

    # The example output is the command's own, on the example file.
    sample = tmp_path / "persons.csv"
    sample.write_text(import_guide.SAMPLE)
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import-cases", str(sample), as_user="doc1", stderr=err)
    printed = err.getvalue() + f"CommandError: {refused.value}\n"
    printed = printed.replace(str(sample), "persons.csv")
    assert "line 3, column arrested_on: '2025-13' is not a date" in printed
    assert f"<samp>{printed}</samp>" in page
    assert import_guide.SAMPLE in page


def test_the_review_queue_leads_to_the_guide(documenter: Any) -> None:
    queue = sign_in(Client(), documenter).get("/register/review/").content.decode()
    assert f'<a href="{GUIDE}">Import persons from a CSV file</a>' in queue


def test_only_documenters_see_the_guide(documenter: Any) -> None:
    assert sign_in(Client(), documenter).get(GUIDE).status_code == 200
    response = Client().get(GUIDE)
    assert response.status_code == 302
    assert "login" in response["Location"]
    campaign = CampaignFactory(slug="other")
    coordinator, case_team = UserFactory(), UserFactory()
    grant(coordinator, Role.COORDINATOR, campaign=campaign)
    grant(case_team, Role.CASE_TEAM, campaign=campaign)
    revoked = UserFactory()
    grant(revoked, Role.DOCUMENTER, campaign=campaign)
    RoleGrant.objects.filter(user=revoked).update(revoked_at=timezone.now())
    for user in (UserFactory(), coordinator, case_team, revoked):
        response = sign_in(Client(), user).get(GUIDE)
        assert response.status_code == 403
        assert "import-cases" not in response.content.decode()
