"""Withdrawn consent takes effect at once; a replaced logo or photo leaves no file behind."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from habeas.cases import services
from habeas.cases.models import Person, PublicVersion
from habeas.coalition.models import Organisation, Role
from habeas.core.models import Source
from tests.factories import CampaignFactory, OrganisationFactory, UserFactory, grant, sign_in

pytestmark = pytest.mark.django_db


def _image(colour: str, kind: str = "JPEG") -> SimpleUploadedFile:
    upload = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(upload, kind)
    return SimpleUploadedFile(f"photo.{kind.lower()}", upload.getvalue())


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_withdrawing_photo_consent_removes_the_photo_and_its_file_at_once(
    media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Unticking consent on the edit page takes the photo off the public page at once,
    with no new verification: no public version names it, and its file is deleted."""
    campaign = CampaignFactory(slug="free-them")
    doc1, doc2 = UserFactory(username="doc1"), UserFactory(username="doc2")
    grant(doc1, Role.DOCUMENTER, campaign=campaign)
    grant(doc2, Role.DOCUMENTER, campaign=campaign)
    source = Source.objects.create(title="Court record")
    person = services.person_save(by=doc1, source=source, campaign=campaign, name="Ali Khan")
    form = {
        "name": "Ali Khan",
        "gender": "UNKNOWN",
        "source_title": "Court record",
        "certainty": "REPORTED",
    }
    client = sign_in(Client(), doc1)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            f"/register/working/{person.pk}/edit/",
            {**form, "photo": _image("blue"), "photo_consent": "on"},
        )
    assert first.status_code == 302
    services.person_verify(by=doc2, person=person)
    # A second photo, with consent, verified: two public versions, two files.
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(
            f"/register/working/{person.pk}/edit/",
            {**form, "photo": _image("red"), "photo_consent": "on"},
        )
    assert second.status_code == 302
    services.person_verify(by=doc2, person=person)
    person.refresh_from_db()
    files = {p.name for p in (media / "persons").iterdir()}
    assert len(files) == 2  # the first is still shown by version 1 of the history
    public = Client().get(f"/register/{person.slug}/").content.decode()
    assert f"/media/{person.photo.name}" in public

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = client.post(f"/register/working/{person.pk}/edit/", form)
    assert withdrawn.status_code == 302
    public = Client().get(f"/register/{person.slug}/").content.decode()
    assert "<img" not in public
    assert not any(v.get("photo") for v in PublicVersion.objects.values_list("data", flat=True))
    assert list((media / "persons").iterdir()) == []
    person.refresh_from_db()
    assert not person.photo
    assert not person.photo_consent


def test_a_photo_replaced_before_publication_leaves_no_file(
    media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """A photo replaced before any public version showed it is deleted; the new one stays."""
    campaign = CampaignFactory(slug="free-them")
    doc1 = UserFactory(username="doc1")
    grant(doc1, Role.DOCUMENTER, campaign=campaign)
    person = services.person_save(
        by=doc1, source=Source.objects.create(title="S"), campaign=campaign, name="Ali Khan"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.person_photo_set(by=doc1, person=person, photo=_image("blue"), consent=False)
    old = Person.objects.get(pk=person.pk).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.person_photo_set(by=doc1, person=person, photo=_image("red"), consent=False)
    new = str(Person.objects.get(pk=person.pk).photo.name)
    assert old != new
    assert [p.name for p in (media / "persons").iterdir()] == [Path(new).name]


def test_a_replaced_logo_file_is_deleted(
    media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Uploading a new logo on the edit page deletes the old logo's file once saved."""
    organisation = OrganisationFactory(slug="org-a")
    editor = UserFactory(username="editor")
    grant(editor, Role.ORG_EDITOR, organisation=organisation)
    client = sign_in(Client(), editor)
    base = {"short_name": "AL", "kind": "PARTY", "country": "PK"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/organisations/org-a/edit/", {**base, "logo": _image("blue", "PNG")})
    old = str(Organisation.objects.get(pk=organisation.pk).logo.name)
    assert (media / old).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/organisations/org-a/edit/", {**base, "logo": _image("red", "PNG")}
        )
    assert response.status_code == 302
    new = str(Organisation.objects.get(pk=organisation.pk).logo.name)
    assert new != old
    assert not (media / old).exists()
    assert (media / new).exists()
    assert [p.name for p in (media / "logos").iterdir()] == [Path(new).name]
    page = Client().get("/organisations/org-a/").content.decode()
    assert new in page
