"""Correspondence between organisations at /correspondence/, and its old /letters/ addresses."""

from __future__ import annotations

import pytest
from django.test import Client

from habeas.coalition import services
from habeas.coalition.models import Correspondence, CorrespondenceCorrection
from tests.coalition.test_united_front import Front, make_front

pytestmark = pytest.mark.django_db


@pytest.fixture
def front() -> Front:
    return make_front()


def _letter(front: Front) -> Correspondence:
    return services.correspondence_publish(
        by=front.users["editor_a"],
        organisation=front.a,
        to_organisation=front.b,
        subject="On unity",
        body="Dear comrades,",
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/letters/{pk}/", "/correspondence/{pk}/"),
        ("/letters/{pk}/reply/", "/correspondence/{pk}/reply/"),
        ("/letters/{pk}/correct/", "/correspondence/{pk}/correct/"),
        ("/ur/letters/{pk}/", "/ur/correspondence/{pk}/"),
    ],
)
def test_every_old_letters_address_moved_for_good(front: Front, old: str, new: str) -> None:
    """Reading an old /letters/ address answers 301 with its /correspondence/ address."""
    pk = _letter(front).pk
    response = Client().get(old.format(pk=pk))
    assert response.status_code == 301
    assert response["Location"] == new.format(pk=pk)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/letters/{pk}/reply/", "/correspondence/{pk}/reply/"),
        ("/letters/{pk}/correct/", "/correspondence/{pk}/correct/"),
    ],
)
def test_a_form_posted_to_an_old_address_is_sent_on_with_its_body(
    front: Front, old: str, new: str
) -> None:
    """A post answers 308, which keeps the method and body (a 301 would turn it into a GET)."""
    pk = _letter(front).pk
    response = Client().post(old.format(pk=pk), {"body": "x"})
    assert response.status_code == 308
    assert response["Location"] == new.format(pk=pk)


def test_a_correction_posted_to_the_old_address_is_published(front: Front) -> None:
    letter = _letter(front)
    response = front.client("editor_a").post(
        f"/letters/{letter.pk}/correct/", {"body": "We meant all."}, follow=True
    )
    assert response.redirect_chain[0] == (f"/correspondence/{letter.pk}/correct/", 308)
    assert CorrespondenceCorrection.objects.get().body == "We meant all."


def test_an_unknown_old_address_is_still_not_found(front: Front) -> None:
    """The redirect says nothing about ids: the new address answers 404 for an unknown one."""
    response = Client().get("/letters/999999/", follow=True)
    assert response.redirect_chain == [("/correspondence/999999/", 301)]
    assert response.status_code == 404
