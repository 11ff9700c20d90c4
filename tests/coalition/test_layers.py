"""The layers hold: views ask access, queries and services; no role is compared by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from habeas.coalition.models import Role

HABEAS = Path(__file__).resolve().parents[2] / "habeas"
THIN_VIEWS = sorted(
    str(path.relative_to(HABEAS))
    for path in [*HABEAS.glob("**/views.py"), *HABEAS.glob("**/views/*.py")]
)


@pytest.mark.parametrize("name", THIN_VIEWS)
def test_a_view_module_holds_no_orm_query_transaction_or_form(name: str) -> None:
    source = (HABEAS / name).read_text(encoding="utf-8")
    assert not re.search(r"\.objects\b|_default_manager|\.filter\(|\.exclude\(", source)
    assert "transaction" not in source
    assert not re.search(r"^class \w+\((forms\.)?(Model)?Form\)", source, re.M)


def test_every_app_has_its_views_checked() -> None:
    assert {"views.py", "cases/views.py", "coalition/views.py", "accounts/views.py"} <= set(
        THIN_VIEWS
    )


def test_no_role_is_compared_by_hand() -> None:
    """Roles are named through ``Role``: a stored value spelt out anywhere else is a slip."""
    values = "|".join(Role.values)
    pattern = re.compile(rf"[\"']({values})[\"']")
    found = [
        f"{path.relative_to(HABEAS)}: {match.group(0)}"
        for path in [*HABEAS.glob("**/*.py"), *HABEAS.glob("**/*.html")]
        if "migrations" not in path.parts and path != HABEAS / "coalition" / "models.py"
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


PEER_APPS = ("cases", "letters", "actions", "fund")


@pytest.mark.parametrize("app", PEER_APPS)
def test_apps_depend_downwards_only(app: str) -> None:
    """The campaign apps build on core, accounts and coalition, never on each other,
    so each can change (or be left out) without breaking the others."""
    others = "|".join(peer for peer in PEER_APPS if peer != app)
    pattern = re.compile(
        rf"^\s*(from|import)\s+habeas\.({others})\b|from habeas import ({others})\b", re.M
    )
    found = [
        f"{path.relative_to(HABEAS)}: {match.group(0).strip()}"
        for path in (HABEAS / app).glob("**/*.py")
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
