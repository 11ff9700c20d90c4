"""An import error names the line its row begins on and the column, exactly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from habeas.cases import importer
from habeas.cases.importer import ImportError_
from habeas.cases.models import Person

HEADER = "external_id,name,campaign,arrested_on,status,summary,source_title\n"
GOOD = "p0,Good Row,free-them,2025,DETAINED,,Court record\n"
CAMPAIGNS = {"free-them": 1}


def _errors(body: bytes) -> list[ImportError_]:
    return importer.check(body, campaigns=CAMPAIGNS, organisations={}).errors


NOT_A_DATE = "is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
NO_SUCH_DATE = "is not a date: no such month or day"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            HEADER + GOOD + "p1,Ali,free-them,2025-13-40,DETAINED,,Src\n",
            [ImportError_(3, "arrested_on", f"'2025-13-40' {NO_SUCH_DATE}")],
            id="a bad date",
        ),
        pytest.param(
            HEADER + GOOD + "p1,Ali,free-them,25-05-2025,DETAINED,,Src\n",
            [ImportError_(3, "arrested_on", f"'25-05-2025' {NOT_A_DATE}")],
            id="a date in another form",
        ),
        pytest.param(
            HEADER + GOOD + 'p1,Ali,free-them,2025,DETAINED,"one\ntwo\nthree",Src\n'
            "p2,Bano,free-them,2025,JAILED,,Src\n",
            [
                ImportError_(
                    6,
                    "status",
                    "'JAILED' is not one of DETAINED, INCOMMUNICADO, CHARGED, AWAITING_TRIAL, "
                    "ON_BAIL, CONVICTED, ON_APPEAL, ACQUITTED, RELEASED, DIED_IN_CUSTODY",
                )
            ],
            id="after a value over three lines",
        ),
        pytest.param(
            HEADER + GOOD + 'p1,<b>Ali</b>,free-them,2025,DETAINED,"one\ntwo",Src\n',
            [ImportError_(3, "name", "contains < or >: '<b>Ali</b>'")],
            id="in a row over two lines, the line it begins on",
        ),
        pytest.param(
            HEADER + GOOD + "\n\np1,Ali,nowhere,2025,DETAINED,,Src\n",
            [ImportError_(5, "campaign", "no campaign with the slug 'nowhere'")],
            id="after blank lines",
        ),
        pytest.param(
            "\ufeff"
            + (HEADER + GOOD + "p1,Ali,free-them,2025,DETAINED,,\n").replace("\n", "\r\n"),
            [ImportError_(3, "source_title", "required: every fact needs a source")],
            id="a byte-order mark and CRLF line ends",
        ),
        pytest.param(
            HEADER + GOOD + "p0,Again,free-them,2025,DETAINED,,Src\n",
            [ImportError_(3, "external_id", "repeats line 2")],
            id="a repeated id",
        ),
        pytest.param(
            HEADER + GOOD + "p1,Ali,free-them,2025,DETAINED,,Src,extra\n",
            [ImportError_(3, "", "more fields than the header has columns")],
            id="too many fields",
        ),
        pytest.param(
            "external_id,name,campaign\np1,Ali,free-them\n",
            [ImportError_(1, "source_title", "required column is missing")],
            id="a missing column",
        ),
        pytest.param(
            HEADER + GOOD + "p1," + "x" * 201 + ",free-them,2025,DETAINED,,Src\n",
            [ImportError_(3, "name", "at most 200 characters")],
            id="a limit read from the model",
        ),
        pytest.param(
            HEADER + GOOD + "p1,Ali,free-them,2025,DETAINED," + "x" * 200_000 + ",Src\n",
            [ImportError_(3, "", "not valid CSV (field larger than field limit (131072))")],
            id="a field too large for CSV",
        ),
    ],
)
def test_an_error_names_its_true_line_and_column(body: str, expected: list[ImportError_]) -> None:
    assert _errors(body.encode()) == expected


def test_a_line_that_is_not_utf8_is_named() -> None:
    body = (HEADER + GOOD + GOOD.replace("p0", "p1")).encode() + "p2,Zoë,,,,,Src\n".encode(
        "latin-1"
    )
    assert _errors(body) == [ImportError_(4, "", "the file is not UTF-8 text")]


@pytest.mark.django_db
def test_the_command_prints_each_error_with_its_line_and_column(tmp_path: Path) -> None:
    """What the importer finds is what the documenter reads, line for line."""
    from habeas.coalition.models import Role
    from tests.factories import CampaignFactory, UserFactory, grant

    grant(
        UserFactory(username="doc1"), Role.DOCUMENTER, campaign=CampaignFactory(slug="free-them")
    )
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER
        + GOOD
        + 'p1,Ali,free-them,2025-13,DETAINED,"one\ntwo",Src\n'
        + "p2,Bano,free-them,2025,DETAINED,,\n",
        encoding="utf-8",
    )
    errors = io.StringIO()
    with pytest.raises(CommandError, match=r"^2 errors in .*; nothing was imported\.$"):
        call_command("import-cases", str(path), "--as", "doc1", "--no-progress", stderr=errors)
    assert errors.getvalue().splitlines() == [
        f"line 3, column arrested_on: '2025-13' {NO_SUCH_DATE}",
        "line 5, column source_title: required: every fact needs a source",
    ]
    assert Person.objects.count() == 0
