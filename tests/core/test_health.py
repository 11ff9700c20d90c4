"""/healthz reports the database's state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import Client


def test_healthz_ok(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def unreachable_database(transactional_db: None) -> Iterator[None]:
    """Point the default connection at a database that cannot be reached, for real."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/habeas.sqlite3"
    else:
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = "1"  # nothing listens on port 1
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.usefixtures("unreachable_database")
def test_healthz_says_503_when_the_database_is_gone(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body: dict[str, Any] = response.json()
    assert body == {
        "status": "error",
        "database": {"status": "unreachable", "vendor": connections["default"].vendor},
    }


def test_healthz_refuses_writes(client: Client, db: None) -> None:
    assert client.post("/healthz").status_code == 405
