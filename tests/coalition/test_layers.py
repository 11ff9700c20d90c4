"""The layers hold: views ask access, queries and services; no role is compared by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from habeas.coalition.models import Role

HABEAS = Path(__file__).resolve().parents[2] / "habeas"
THIN_VIEWS = ["coalition/views.py", "accounts/views.py", "views.py"]


@pytest.mark.parametrize("name", THIN_VIEWS)
def test_a_view_module_holds_no_orm_query_transaction_or_form(name: str) -> None:
    source = (HABEAS / name).read_text(encoding="utf-8")
    assert not re.search(r"\.objects\b|_default_manager|\.filter\(|\.exclude\(", source)
    assert "transaction" not in source
    assert not re.search(r"^class \w+\((forms\.)?(Model)?Form\)", source, re.M)


def test_no_role_is_compared_by_hand_in_the_coalition() -> None:
    """Roles are named through ``Role``: a stored value spelt out anywhere else is a slip."""
    values = "|".join(Role.values)
    pattern = re.compile(rf"[\"']({values})[\"']")
    found = [
        f"{path.relative_to(HABEAS)}: {match.group(0)}"
        for path in [*HABEAS.glob("coalition/**/*.py"), *HABEAS.glob("coalition/**/*.html")]
        if "migrations" not in path.parts and path.name != "models.py"
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
