"""Reports on actions and their photos: checked uploads, no metadata, private
originals that expire, and blurring only by the photo's own organisation."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import exifread
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.formats import date_format
from freezegun import freeze_time
from PIL import Image

from habeas.actions.models import Action, Photo, Report
from habeas.actions.services import reports as services
from habeas.coalition.models import Campaign, Organisation, Role
from tests.actions import photo_files as files
from tests.factories import (
    CampaignFactory,
    OrganisationFactory,
    UserFactory,
    grant,
    member,
    sign_in,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


@dataclass
class World:
    """Organisations ``a`` and ``b`` organise the action; ``c`` is another member."""

    campaign: Campaign
    action: Action
    a: Organisation
    b: Organisation
    c: Organisation
    media: Path
    private: Path
    users: dict[str, Any] = field(default_factory=dict)

    def client(self, name: str) -> Client:
        if name == "anonymous":
            return Client()
        return sign_in(Client(), self.users[name])

    def report(self, organisation: Organisation | None = None, user: str = "editor_a") -> Report:
        return services.report_post(
            action=self.action,
            organisation=organisation or self.a,
            by=self.users[user],
            body="We stood outside the High Commission.",
        )

    def photo(self, data: bytes | None = None, *, keep: bool = False, **kwargs: Any) -> Photo:
        report = Report.objects.filter(action=self.action, organisation=self.a).first()
        return services.photo_add(
            report=report or self.report(),
            by=self.users["editor_a"],
            upload=upload(data if data is not None else files.jpeg_with_everything()),
            caption=kwargs.get("caption", "The crowd"),
            alt_text=kwargs.get("alt_text", "People with placards"),
            keep_original=keep,
        )

    def stored(self) -> list[Path]:
        return files.files_under(self.media) + files.files_under(self.private)


def upload(data: bytes, name: str = "", content_type: str = "image/jpeg") -> Any:
    """``data`` as an uploaded file, named for what its bytes are unless ``name`` says."""
    return SimpleUploadedFile(name or files.name_for(data), data, content_type=content_type)


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> World:
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private)},
        },
    }
    campaign = CampaignFactory()
    a = OrganisationFactory(name="Workers Union", slug="workers-union")
    b = OrganisationFactory(name="Students Front", slug="students-front")
    c = OrganisationFactory(name="Faraway Party", slug="faraway-party")
    for organisation in (a, b, c):
        member(campaign, organisation)
    action = Action.objects.create(
        campaign=campaign, title="Vigil", city="London", status=Action.Status.HAPPENED
    )
    action.organisations.set([a, b])
    world = World(campaign, action, a, b, c, media, private)
    roles = {
        "editor_a": (Role.ORG_EDITOR, {"organisation": a}),
        "admin_a": (Role.ORG_ADMIN, {"organisation": a}),
        "editor_b": (Role.ORG_EDITOR, {"organisation": b}),
        "editor_c": (Role.ORG_EDITOR, {"organisation": c}),
        "coordinator": (Role.COORDINATOR, {"campaign": campaign}),
        "site_admin": (Role.SITE_ADMIN, {}),
    }
    for name, (role, scope) in roles.items():
        user = UserFactory(username=name)
        grant(user, role, **scope)
        world.users[name] = user
    world.users["stranger"] = UserFactory(username="stranger")
    return world


def assert_no_metadata(data: bytes) -> None:
    """No reader finds metadata in ``data``: Pillow, exifread, nor a scan of the bytes."""
    with Image.open(io.BytesIO(data)) as image:
        assert image.format in {"JPEG", "PNG"}
        assert not (files.INFO_KEYS & set(image.info)), image.info.keys()
        assert not any(str(key).lower().startswith(("xml", "exif", "icc")) for key in image.info)
        assert len(image.getexif()) == 0
        if image.format == "JPEG":
            # Only the JFIF header segment, which says nothing but the format.
            applist = image.applist  # type: ignore[attr-defined]
            assert [marker for marker, _ in applist] == ["APP0"], applist
            assert applist[0][1].startswith(b"JFIF\x00")
    assert exifread.process_file(io.BytesIO(data), details=True) == {}
    for marker in files.RAW_MARKERS:
        assert marker not in data, marker


def report_url(world: World, organisation: Organisation | None = None) -> str:
    return reverse(
        "actions:report",
        kwargs={"action_id": world.action.pk, "org_slug": (organisation or world.a).slug},
    )


def post_photo(
    world: World, data: bytes, name: str, client: Client | None = None, **extra: Any
) -> Any:
    return (client or world.client("editor_a")).post(
        report_url(world),
        {
            "part": "photo",
            "image": SimpleUploadedFile(name, data, content_type=extra.pop("type", "image/png")),
            "caption": "Outside",
            "alt_text": "A crowd",
            **extra,
        },
    )


def reports_html(action: Action, user: Any = None) -> str:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    template = Template("{% load actions_parts %}{% action_reports action %}")
    return template.render(Context({"action": action, "request": request}))


# --- The public copy carries pixels only -----------------------------------


@pytest.mark.parametrize(
    "make", [files.jpeg_with_everything, files.png_with_everything, files.webp_with_everything]
)
def test_public_copy_has_no_metadata(world: World, make: Any) -> None:
    """A photo with GPS coordinates, a camera serial, XMP, IPTC, an ICC profile,
    a comment and PNG text chunks is published with none of them."""
    source = make()
    assert files.SERIAL.encode() in source or files.XMP_SECRET.encode() in source
    photo = world.photo(source)
    data = Path(photo.image.path).read_bytes()
    assert_no_metadata(data)
    assert Path(photo.image.path).is_relative_to(world.media)
    assert not photo.original
    assert files.files_under(world.private) == []


def test_a_transparent_png_stays_a_png_without_metadata(world: World) -> None:
    photo = world.photo(files.png_with_everything(alpha=True))
    assert str(photo.image.name).endswith(".png")
    data = Path(photo.image.path).read_bytes()
    assert_no_metadata(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGBA"


def test_public_copy_is_upright_downscaled_and_randomly_named(world: World, settings: Any) -> None:
    """EXIF orientation 6 turns a 640x480 picture into a 480x640 one; a big one
    is shrunk to the long side limit; the name says nothing of the upload."""
    photo = world.photo(files.jpeg_with_everything())
    assert (photo.width, photo.height) == (480, 640)
    settings.ACTIONS_PHOTO_MAX_SIDE = 300
    big = world.photo(files.plain_png(1200, 600))
    assert (big.width, big.height) == (300, 150)
    with Image.open(big.image.path) as image:
        assert image.size == (300, 150)
    name = Path(str(big.image.name)).name
    assert "photo" not in name
    assert len(name.split(".")[0]) == 32


def test_a_name_without_extension_is_judged_by_its_bytes(world: World) -> None:
    """The type comes from the bytes: a PNG sent with no extension is read as PNG,
    and its kept original is named .png."""
    world.report()
    response = post_photo(
        world, files.plain_png(), "holiday", type="image/jpeg", keep_original="on"
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert str(photo.original.name).endswith(".png")
    assert Path(photo.original.path).read_bytes() == files.plain_png()


# --- Originals: private, only on request, deleted after retention ----------


def test_original_is_kept_privately_only_when_asked(world: World) -> None:
    source = files.jpeg_with_everything()
    with freeze_time(NOW):
        kept = world.photo(source, keep=True)
    assert kept.original_delete_after == NOW + datetime.timedelta(days=90)
    original = Path(kept.original.path)
    assert original.is_relative_to(world.private)
    assert not original.is_relative_to(world.media)
    assert original.read_bytes() == source
    # Nothing under MEDIA_ROOT holds the original's bytes or its metadata.
    for path in files.files_under(world.media):
        assert files.SERIAL.encode() not in path.read_bytes()
    not_kept = world.photo(source, keep=False)
    assert not not_kept.original
    assert not_kept.original_delete_after is None
    assert len(files.files_under(world.private)) == 1


def test_retention_follows_the_setting(world: World, settings: Any) -> None:
    settings.ACTIONS_ORIGINAL_RETENTION = datetime.timedelta(days=7)
    with freeze_time(NOW):
        photo = world.photo(keep=True)
    assert photo.original_delete_after == NOW + datetime.timedelta(days=7)


def test_retention_job_deletes_originals_when_due(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The daily job deletes each original (file and field) once its time has
    come, and not a day before; the public copy stays."""
    with freeze_time(NOW):
        photo = world.photo(keep=True)
        other = world.photo(keep=False)
    original = Path(photo.original.path)
    with (
        freeze_time(NOW + datetime.timedelta(days=89)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.photo_originals_expire() == 0
    assert original.exists()
    with (
        freeze_time(NOW + datetime.timedelta(days=90, seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.photo_originals_expire() == 1
    assert not original.exists()
    photo.refresh_from_db()
    assert not photo.original
    assert photo.original_delete_after is None
    assert Path(photo.image.path).exists()
    assert files.files_under(world.private) == []
    other.refresh_from_db()
    assert Path(other.image.path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.photo_originals_expire(now=NOW + datetime.timedelta(days=400)) == 0


def test_retention_job_is_a_clock_job(settings: Any) -> None:
    jobs = {name: path for name, _every, path in settings.CLOCK_JOBS}
    assert jobs["actions-photo-originals"] == (
        "habeas.actions.services.reports.photo_originals_expire"
    )


# --- Bad uploads: a clear message, nothing stored, never a 500 --------------


BAD_UPLOADS = [
    ("html named png", files.HTML, "photo.png", "not a JPEG, PNG or WebP image"),
    ("png named jpg", files.plain_png(), "holiday.jpg", "a PNG image but its name ends in .jpg"),
    ("jpeg named webp", files.jpeg_with_everything(), "x.webp", "a JPEG image but its name"),
    ("gif", files.gif(), "photo.gif", "not a JPEG, PNG or WebP image"),
    ("empty", b"", "photo.jpg", "The file is empty"),
    ("pixel bomb", files.png_declaring(30000, 30000), "bomb.png", "too many pixels"),
    ("over pillow's warning", files.png_declaring(10000, 10000), "big.png", "too many pixels"),
    ("over our limit", files.png_declaring(8000, 6000), "big.png", "too many pixels"),
    ("animated", files.animated_png(), "moving.png", "Animated images are not accepted"),
    ("truncated jpeg", files.jpeg_with_everything()[:20000], "cut.jpg", "damaged or incomplete"),
    ("truncated png", files.noisy_png()[:-20], "cut.png", "damaged or incomplete"),
    ("truncated webp", files.noisy_webp()[:-400], "cut.webp", "damaged or incomplete"),
]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [case[1:] for case in BAD_UPLOADS],
    ids=[case[0] for case in BAD_UPLOADS],
)
@pytest.mark.parametrize("truncated_allowed", [False, True])
def test_bad_uploads_are_refused_through_the_page(
    world: World,
    data: bytes,
    name: str,
    message: str,
    truncated_allowed: bool,
    monkeypatch: Any,
) -> None:
    """Each is refused with a message saying what is wrong; nothing is stored.
    Also when another module (WeasyPrint does) lets Pillow load truncated files."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)
    world.report()
    response = post_photo(world, data, name, keep_original="on")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Photo.objects.exists()
    assert world.stored() == []


def test_a_50_megabyte_upload_is_refused_through_the_page(world: World) -> None:
    """Fifty megabytes through the page: a form error naming the limit, no crash,
    nothing stored (the file part never counts against DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    world.report()
    data = b"\xff\xd8\xff\xe0" + b"\x00" * (50 * 1000 * 1000)
    response = post_photo(world, data, "huge.jpg", type="image/jpeg", keep_original="on")
    assert response.status_code == 400
    page = response.content.decode()
    assert "50.0 MB; a photo may be at most 15.0 MB" in page
    assert not Photo.objects.exists()
    assert world.stored() == []


def test_a_photo_over_the_limit_is_refused_by_the_service_too(world: World) -> None:
    """Called without the page (an API, a command), the service says the size."""
    data = b"\xff\xd8\xff\xe0" + b"\x00" * (16 * 1000 * 1000)
    with pytest.raises(ValidationError, match=r"16\.0 MB; a photo may be at most 15\.0 MB"):
        world.photo(data, keep=True)
    assert world.stored() == []


def test_the_upload_page_still_checks_csrf(world: World) -> None:
    """A signed-in organiser's forms carry a CSRF token, and a post without one fails."""
    world.report()
    client = sign_in(Client(enforce_csrf_checks=True), world.users["editor_a"])
    response = client.post(
        report_url(world),
        {"part": "photo", "image": SimpleUploadedFile("a.png", files.plain_png())},
    )
    assert response.status_code == 403
    assert not Photo.objects.exists()
    response = client.post(report_url(world), {"part": "report", "body": "Forged."})
    assert response.status_code == 403
    assert Report.objects.get().body != "Forged."


def test_a_pixel_bomb_is_refused_before_decoding(world: World, monkeypatch: Any) -> None:
    """The declared size alone refuses it: no pixel is ever decoded."""
    from PIL import ImageFile

    def no_decoding(self: Any) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for width, height in ((30000, 30000), (10000, 10000), (8000, 6000)):
        with pytest.raises(ValidationError, match="too many pixels"):
            world.photo(files.png_declaring(width, height))
    assert world.stored() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "The file is empty"), (files.HTML, "not a JPEG"), (files.gif(), "not a JPEG")],
)
def test_the_service_refuses_bad_files_by_itself(world: World, data: bytes, message: str) -> None:
    """The service does not rely on the form: an API or a command is refused alike."""
    with pytest.raises(ValidationError, match=message):
        world.photo(data, keep=True)
    assert not Photo.objects.exists()
    assert world.stored() == []


def test_no_photo_before_the_report(world: World) -> None:
    response = post_photo(world, files.plain_png(), "photo.png")
    assert response.status_code == 400
    assert "Write the report first" in response.content.decode()
    assert world.stored() == []


def test_a_report_holds_a_bounded_number_of_photos(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "MAX_PHOTOS_PER_REPORT", 2)
    world.photo(files.plain_png())
    world.photo(files.plain_png())
    with pytest.raises(ValidationError, match="at most 2 photos"):
        world.photo(files.plain_png())
    assert Photo.objects.count() == 2


# --- The report page ------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("stranger", 403),
        ("editor_b", 403),
        ("editor_c", 403),
        ("coordinator", 403),
        ("site_admin", 403),
        ("editor_a", 200),
        ("admin_a", 200),
    ],
)
def test_report_page_is_its_organisations_editors_alone(
    world: World, who: str, status: int
) -> None:
    client = world.client(who)
    response = client.get(report_url(world))
    assert response.status_code == status
    if status == 302:
        assert "/login/" in response["Location"]
    posted = client.post(report_url(world), {"part": "report", "body": "Taken over."})
    assert posted.status_code == (302 if status != 403 else 403)
    if status != 200:
        assert not Report.objects.exists()


def test_report_page_of_an_organisation_not_organising_is_404(world: World) -> None:
    assert world.client("editor_c").get(report_url(world, world.c)).status_code == 404
    assert world.client("editor_a").get("/actions/999999/report/workers-union/").status_code == 404


def test_editor_writes_edits_and_uploads_through_the_page(world: World) -> None:
    client = world.client("editor_a")
    page = client.get(report_url(world)).content.decode()
    assert "csrfmiddlewaretoken" in page
    assert 'name="keep_original"' not in page
    response = client.post(report_url(world), {"part": "report", "body": "We were *many*."})
    assert response.status_code == 302
    page = client.get(report_url(world)).content.decode()
    assert "Your report is published" in page
    assert 'name="keep_original"' in page
    assert 'name="keep_original" checked' not in page
    assert "for 90 days" in page
    assert 'enctype="multipart/form-data"' in page
    client.post(report_url(world), {"part": "report", "body": "We were very many."})
    assert Report.objects.get().body == "We were very many."
    response = post_photo(
        world, files.jpeg_with_everything(), "IMG_0001.jpg", client, type="image/jpeg"
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert not photo.original
    assert_no_metadata(Path(photo.image.path).read_bytes())
    page = client.get(report_url(world)).content.decode()
    assert "without any of its metadata" in page
    assert reverse("actions:photo_blur", kwargs={"photo_id": photo.pk}) in page
    assert reverse("actions:photo_withdraw", kwargs={"photo_id": photo.pk}) in page


def test_empty_report_is_refused_with_a_message(world: World) -> None:
    response = world.client("editor_a").post(report_url(world), {"part": "report", "body": "  "})
    assert response.status_code == 400
    assert not Report.objects.exists()


# --- Who may report, and when ---------------------------------------------


def test_reporting_opens_when_the_action_begins(world: World) -> None:
    """Reports wait for the action to begin; an undated past action (the demo's)
    can be reported on; a cancelled one never."""
    action = world.action
    with freeze_time(NOW):
        action.status = Action.Status.PLANNED
        action.starts_at, action.time_zone = NOW + datetime.timedelta(hours=1), "UTC"
        action.save()
        with pytest.raises(ValidationError, match="once the action has begun"):
            world.report()
        page = world.client("editor_a").get(report_url(world)).content.decode()
        assert "once the action has begun" in page
        assert "Report and photos of" not in reports_html(action, world.users["editor_a"])
    with freeze_time(NOW + datetime.timedelta(hours=2)):
        assert world.report().organisation == world.a
    action.status = Action.Status.CANCELLED
    action.save()
    with pytest.raises(ValidationError):
        world.report(world.b, "editor_b")
    action.starts_at, action.time_zone = None, ""
    action.save()
    with pytest.raises(ValidationError):
        world.report(world.b, "editor_b")
    action.status = Action.Status.HAPPENED
    action.save()
    assert world.report(world.b, "editor_b").organisation == world.b


@pytest.mark.parametrize("who", ["editor_b", "editor_c", "coordinator", "site_admin", "stranger"])
def test_only_the_organisations_editors_post_or_edit_its_report(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        world.report(world.a, who)
    report = world.report()
    with pytest.raises(PermissionDenied):
        services.report_edit(report=report, by=world.users[who], body="Rewritten.")
    with pytest.raises(PermissionDenied):
        services.photo_add(
            report=report,
            by=world.users[who],
            upload=upload(files.plain_png()),
            caption="",
            alt_text="",
            keep_original=False,
        )
    assert Report.objects.get().body == "We stood outside the High Commission."
    assert not Photo.objects.exists()


def test_an_organisation_not_organising_cannot_report(world: World) -> None:
    with pytest.raises(PermissionDenied):
        world.report(world.c, "editor_c")


def test_a_second_report_by_the_same_organisation_is_refused(world: World) -> None:
    world.report()
    with pytest.raises(ValidationError, match="already reported"):
        world.report(world.a, "admin_a")
    assert Report.objects.count() == 1


# --- Withdrawing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("stranger", 403),
        ("editor_b", 403),
        ("coordinator", 403),
        ("site_admin", 403),
    ],
)
def test_withdraw_page_refuses_everyone_else(world: World, who: str, status: int) -> None:
    photo = world.photo()
    url = reverse("actions:photo_withdraw", kwargs={"photo_id": photo.pk})
    client = world.client(who)
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "Take it down."}).status_code == status
    photo.refresh_from_db()
    assert photo.withdrawn_at is None
    assert Path(photo.image.path).exists()


def test_withdrawing_asks_then_removes_the_photo_and_its_public_file(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    photo = world.photo(keep=True)
    public = Path(photo.image.path)
    url = reverse("actions:photo_withdraw", kwargs={"photo_id": photo.pk})
    client = world.client("editor_a")
    page = client.get(url).content.decode()
    assert "cannot be undone" in page
    assert photo.image.url in reports_html(world.action)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "A face shows."})
    assert response.status_code == 302
    assert "withdrawn" in client.get(response["Location"]).content.decode()
    photo.refresh_from_db()
    assert photo.withdrawn_at is not None
    assert photo.withdrawn_reason == "A face shows."
    assert not public.exists()
    assert "A crowd" not in reports_html(world.action)
    assert "<img" not in reports_html(world.action)
    # The private original keeps to its own retention.
    assert Path(photo.original.path).exists()
    with pytest.raises(ValidationError):
        services.photo_withdraw(photo=photo, by=world.users["editor_a"], reason="")


@pytest.mark.parametrize("who", ["editor_b", "editor_c", "coordinator", "site_admin", "stranger"])
def test_only_the_organisations_editors_withdraw_its_photo(world: World, who: str) -> None:
    photo = world.photo()
    with pytest.raises(PermissionDenied):
        services.photo_withdraw(photo=photo, by=world.users[who], reason="Censored.")
    photo.refresh_from_db()
    assert photo.withdrawn_at is None


# --- Blurring: the anti-censorship rule -------------------------------------


REGION = {"x": 40, "y": 40, "width": 160, "height": 80}


def blur_post(
    region: dict[str, int] | None = None, reason: str = "To protect a face."
) -> dict[str, Any]:
    data: dict[str, Any] = {"reason": reason}
    for key, value in (region or REGION).items():
        data[f"r0_{key}"] = value
    return data


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    pixels_a, pixels_b = list(a.convert("L").tobytes()), list(b.convert("L").tobytes())
    return sum(abs(x - y) for x, y in zip(pixels_a, pixels_b, strict=True)) / len(pixels_a)


def _spread(image: Image.Image) -> float:
    values = list(image.convert("L").tobytes())
    mean = sum(values) / len(values)
    return float((sum((value - mean) ** 2 for value in values) / len(values)) ** 0.5)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("stranger", 403),
        ("editor_b", 403),
        ("editor_c", 403),
        ("coordinator", 403),
        ("site_admin", 403),
    ],
)
def test_blur_page_refuses_all_but_the_owners_editors(world: World, who: str, status: int) -> None:
    """Another organiser of the same action, a coordinator and a site admin cannot blur."""
    photo = world.photo(files.plain_png(400, 300))
    url = reverse("actions:photo_blur", kwargs={"photo_id": photo.pk})
    client = world.client(who)
    assert client.get(url).status_code == status
    assert client.post(url, blur_post()).status_code == status
    assert Photo.objects.count() == 1
    photo.refresh_from_db()
    assert photo.withdrawn_at is None


@pytest.mark.parametrize("who", ["editor_b", "editor_c", "coordinator", "site_admin", "stranger"])
def test_only_the_owners_editors_blur_in_the_services(world: World, who: str) -> None:
    photo = world.photo(files.plain_png(400, 300))
    with pytest.raises(PermissionDenied):
        services.photo_blur(
            photo=photo, by=world.users[who], regions=[REGION], reason="Our slogan offends."
        )
    assert Photo.objects.count() == 1


def test_unknown_photo_is_404(world: World) -> None:
    client = world.client("editor_a")
    assert client.get("/actions/photos/999999/blur/").status_code == 404
    assert client.get("/actions/photos/999999/withdraw/").status_code == 404


@pytest.mark.parametrize("who", ["editor_a", "admin_a"])
def test_owner_blurs_through_the_page(
    world: World, who: str, django_capture_on_commit_callbacks: Any
) -> None:
    """The blurred copy replaces the photo: the areas are destroyed, the rest kept,
    no metadata; the photo it came from is withdrawn and its file deleted; the
    action's reports show who blurred (the organisation, no username), when and why."""
    photo = world.photo(files.jpeg_with_everything())
    before = Image.open(photo.image.path).convert("RGB")
    public = Path(photo.image.path)
    url = reverse("actions:photo_blur", kwargs={"photo_id": photo.pk})
    client = world.client(who)
    page = client.get(url).content.decode()
    assert f"{photo.width} pixels wide and {photo.height} pixels high" in page
    assert 'name="r4_height"' in page
    assert "<script" not in page
    region = {"x": 100, "y": 200, "width": 200, "height": 160}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, blur_post(region, "To hide the face of a worker at risk"))
    assert response.status_code == 302
    assert "replaces the original" in client.get(response["Location"]).content.decode()
    derivative = Photo.objects.get(blurred_from=photo)
    photo.refresh_from_db()
    assert photo.withdrawn_at is not None
    assert not public.exists()
    assert derivative.blur_regions == [region]
    assert derivative.blur_reason == "To hide the face of a worker at risk"
    data = Path(derivative.image.path).read_bytes()
    assert_no_metadata(data)
    after = Image.open(io.BytesIO(data)).convert("RGB")
    assert after.size == before.size
    box = (100, 200, 300, 360)
    assert _mean_difference(before.crop(box), after.crop(box)) > 40
    # Not a light blur: next to nothing of the area's contrast is left.
    assert _spread(after.crop(box)) < _spread(before.crop(box)) / 10
    outside = (0, 0, 90, 190)
    assert _mean_difference(before.crop(outside), after.crop(outside)) < 8
    html = reports_html(world.action)
    assert (
        f"Blurred by Workers Union on {date_format(derivative.uploaded_at)}: "
        "To hide the face of a worker at risk. 1 area blurred." in " ".join(html.split())
    )
    assert derivative.image.url in html
    assert photo.image.name == ""
    assert who not in html
    assert "editor" not in html


def test_blur_regions_are_checked(world: World) -> None:
    photo = world.photo(files.plain_png(400, 300))
    url = reverse("actions:photo_blur", kwargs={"photo_id": photo.pk})
    client = world.client("editor_a")
    for data, message in (
        (blur_post({"x": 350, "y": 0, "width": 100, "height": 50}), "reaches outside"),
        (blur_post({"x": 0, "y": 0, "width": 2, "height": 50}), "at least 4 pixels"),
        ({"reason": "Why not", "r0_x": 1}, "Area 1: give x, y, width and height"),
        ({"reason": "Nothing marked"}, "Mark at least one area"),
        (blur_post(reason="   "), "This field is required"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    with pytest.raises(ValidationError, match="At most 20 areas"):
        services.photo_blur(
            photo=photo, by=world.users["editor_a"], regions=[REGION] * 21, reason="Many."
        )
    with pytest.raises(ValidationError, match="Say why"):
        services.photo_blur(photo=photo, by=world.users["editor_a"], regions=[REGION], reason=" ")
    with pytest.raises(ValidationError, match="at least one area"):
        services.photo_blur(photo=photo, by=world.users["editor_a"], regions=[], reason="Why.")
    assert Photo.objects.count() == 1
    photo.refresh_from_db()
    assert photo.withdrawn_at is None


def test_several_areas_and_a_notice_counting_them(world: World) -> None:
    photo = world.photo(files.plain_png(400, 300))
    regions = [
        {"x": 0, "y": 0, "width": 50, "height": 50},
        {"x": 100, "y": 100, "width": 60, "height": 40},
        {"x": 300, "y": 200, "width": 100, "height": 100},
    ]
    derivative = services.photo_blur(
        photo=photo, by=world.users["editor_a"], regions=regions, reason="Faces"
    )
    assert derivative.blur_regions == regions
    assert "3 areas blurred" in reports_html(world.action)


def test_a_withdrawn_photo_cannot_be_blurred(world: World) -> None:
    photo = world.photo(files.plain_png(400, 300))
    services.photo_withdraw(photo=photo, by=world.users["editor_a"], reason="")
    with pytest.raises(ValidationError, match="withdrawn"):
        services.photo_blur(
            photo=photo, by=world.users["editor_a"], regions=[REGION], reason="Late."
        )
    response = world.client("editor_a").get(
        reverse("actions:photo_blur", kwargs={"photo_id": photo.pk})
    )
    assert response.status_code == 302


# --- The public part of the action page -----------------------------------


def test_reports_show_under_their_organisation_with_caption_and_alt_text(world: World) -> None:
    world.photo(files.plain_png(), caption="Banners at noon", alt_text="Forty people, banners")
    html = reports_html(world.action)
    assert "Report by <bdi>Workers Union</bdi>" in html
    assert "We stood outside the High Commission." in html
    assert "Banners at noon" in html
    assert 'alt="Forty people, banners"' in html
    assert "editor_a" not in html
    assert "/report/" not in html


def test_report_link_shows_only_to_editors_of_organisers(world: World) -> None:
    world.report()
    assert report_url(world) in reports_html(world.action, world.users["editor_a"])
    assert report_url(world, world.b) in reports_html(world.action, world.users["editor_b"])
    assert report_url(world) not in reports_html(world.action, world.users["editor_b"])
    for who in ("coordinator", "site_admin", "editor_c", "stranger"):
        assert "/report/" not in reports_html(world.action, world.users[who])
    assert "/report/" not in reports_html(world.action)


def test_no_reports_show_nothing_to_visitors(world: World) -> None:
    assert reports_html(world.action).strip() == ""


def test_reports_render_in_bounded_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        world.photo(files.plain_png())
    world.report(world.b, "editor_b")
    with django_assert_max_num_queries(3):
        reports_html(world.action)


@pytest.mark.parametrize("value", ["ninety", "0"])
def test_a_bad_retention_is_a_startup_error(tmp_path: Path, value: str) -> None:
    from tests.core.test_settings import _django_setup

    result = _django_setup(
        {"HABEAS_DEBUG": "1", "HABEAS_ACTIONS_ORIGINAL_RETENTION_DAYS": value}, tmp_path
    )
    assert result.returncode != 0
    assert "HABEAS_ACTIONS_ORIGINAL_RETENTION_DAYS must be" in result.stderr


def _site_generation() -> str:
    from habeas.core import pagecache

    return pagecache.generations([pagecache.SITE])[0][pagecache.SITE]


def test_every_change_the_public_sees_renews_the_kept_pages(world: World) -> None:
    """Reports and photos appear, change and go on cached pages at once."""
    steps = [
        lambda: world.report(),
        lambda: services.report_edit(
            report=Report.objects.get(), by=world.users["editor_a"], body="Changed."
        ),
        lambda: world.photo(files.plain_png(400, 300)),
        lambda: services.photo_blur(
            photo=Photo.objects.get(),
            by=world.users["editor_a"],
            regions=[REGION],
            reason="A face",
        ),
        lambda: services.photo_withdraw(
            photo=Photo.objects.get(withdrawn_at__isnull=True),
            by=world.users["editor_a"],
            reason="",
        ),
    ]
    for step in steps:
        before = _site_generation()
        step()
        assert _site_generation() != before
