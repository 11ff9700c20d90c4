"""The import refuses what the forms refuse: NUL bytes, direction controls, unsafe addresses."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from habeas.cases.models import Person
from habeas.coalition.models import Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

HEADER = "external_id,name,name_ur,campaign,source_title,source_url\n"
GOOD = "p0,Good Row,,free-them,Court record,https://court.example/p0\n"


@pytest.fixture
def documenter() -> None:
    campaign = CampaignFactory(slug="free-them")
    grant(UserFactory(username="doc1"), Role.DOCUMENTER, campaign=campaign)


def _refused(tmp_path: Path, body: str | bytes) -> str:
    """Import ``body`` after a good first row; the errors shown, asserting nothing was written."""
    path = tmp_path / "cases.csv"
    data = body if isinstance(body, bytes) else body.encode()
    path.write_bytes(HEADER.encode() + GOOD.encode() + data)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import-cases", str(path), "--as", "doc1", "--no-progress", stderr=errors)
    assert Person.objects.count() == 0
    assert Source.objects.count() == 0
    return errors.getvalue()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (b"p1,Ali\x00 Raza,,free-them,Src,\n", "line 3, column name: contains a NUL character"),
        (b"p1,Ali,,free-them,Src\x00,\n", "line 3, column source_title: contains a NUL character"),
        (b'p1,"Ali",,free-them,"S\x00rc",\n', "line 3, column source_title: contains a NUL"),
        (b"p1\x00,Ali,,free-them,Src,\n", "line 3, column external_id: contains a NUL character"),
    ],
)
def test_a_nul_byte_is_a_line_and_column_error(
    documenter: None, tmp_path: Path, row: bytes, message: str
) -> None:
    """A NUL byte in any field is reported with its line and column; nothing is imported."""
    assert message in _refused(tmp_path, row)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "ftp://files.example/p1",
        "vbscript:msgbox(1)",
        "https://",
    ],
)
def test_a_source_address_must_be_http_or_https(
    documenter: None, tmp_path: Path, url: str
) -> None:
    """A source address that is not http or https is a row error, as on the forms."""
    shown = _refused(tmp_path, f'p1,Ali,,free-them,Src,"{url}"\n')
    assert "line 3, column source_url: " in shown
    assert "is not an http or https address" in shown


def test_a_name_with_a_direction_control_is_a_row_error(documenter: None, tmp_path: Path) -> None:
    """Names and source titles with bidirectional controls are refused, as on the forms."""
    shown = _refused(
        tmp_path,
        "p1,\u202eazaR ilA,,free-them,Src,\np2,Ali,\u2067علی\u2069,free-them,\u202aSrc,\n",
    )
    assert "line 3, column name: contains a direction control" in shown
    assert "line 4, column name_ur: contains a direction control" in shown
    assert "line 4, column source_title: contains a direction control" in shown


def test_good_addresses_are_imported_as_the_forms_read_them(
    documenter: None, tmp_path: Path
) -> None:
    """http and https addresses are kept; one without a scheme is read as https."""
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER
        + GOOD
        + "p1,Ali,,free-them,Src 1,http://court.example/p1\n"
        + "p2,Zia,,free-them,Src 2,court.example/p2\n"
    )
    call_command("import-cases", str(path), "--as", "doc1", "--no-progress", stdout=io.StringIO())
    assert dict(Source.objects.values_list("title", "url")) == {
        "Court record": "https://court.example/p0",
        "Src 1": "http://court.example/p1",
        "Src 2": "https://court.example/p2",
    }


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://f.example/"]
)
def test_the_person_form_refuses_the_same_addresses(documenter: None, url: str) -> None:
    """The documenters' form refuses what the import refuses, and records nothing."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from habeas.coalition.models import Campaign
    from tests.factories import sign_in

    client = sign_in(Client(), get_user_model()._default_manager.get(username="doc1"))
    response = client.post(
        "/register/working/new/",
        {
            "source_title": "Court record",
            "source_url": url,
            "certainty": "REPORTED",
            "campaign": Campaign.objects.get().pk,
            "name": "Ali",
            "gender": "UNKNOWN",
        },
    )
    assert response.status_code == 400
    assert "Enter a valid URL." in response.content.decode()
    assert Person.objects.count() == 0
    assert Source.objects.count() == 0


def test_a_new_persons_address_never_clashes_with_one_taken(
    documenter: None, tmp_path: Path
) -> None:
    """Same names, external ids that read alike, and addresses already held by
    earlier persons: every new person gets a free address, and the import works."""
    source = Source.objects.create(title="Earlier")
    doc = UserFactory()
    for slug in ("ali-khan", "ali-khan-x1"):
        Person.objects.create(name="Ali Khan", slug=slug, source=source, updated_by=doc)
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER
        + "X1,Ali Khan,,free-them,Src,\n"
        + "x.1,Ali Khan,,free-them,Src,\n"
        + "X.1,Ali Khan,,free-them,Src,\n"
    )
    call_command("import-cases", str(path), "--as", "doc1", "--no-progress", stdout=io.StringIO())
    slugs = dict(
        Person.objects.filter(external_id__isnull=False).values_list("external_id", "slug")
    )
    assert slugs == {"X1": "ali-khan-x1-2", "x.1": "ali-khan-x1-3", "X.1": "ali-khan-x1-4"}
