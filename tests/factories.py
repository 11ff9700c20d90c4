"""factory_boy factories and helpers for signed-in organisers."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from habeas.coalition.models import Campaign, CampaignMembership, Organisation, RoleGrant

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"organiser{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.PARTY
    country = "PK"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    status = Campaign.Status.ACTIVE


def member(campaign: Campaign, organisation: Organisation) -> CampaignMembership:
    return CampaignMembership.objects.create(campaign=campaign, organisation=organisation)


def grant(user: Any, role: str, *, organisation: Any = None, campaign: Any = None) -> RoleGrant:
    return RoleGrant.objects.create(
        user=user, role=role, organisation=organisation, campaign=campaign
    )


def add_authenticator(user: Any) -> TOTPDevice:
    """A confirmed TOTP device, as if set up on a phone."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the device's phone shows now (or ``offset_steps`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user: Any, *, verified: bool = True) -> Client:
    """Sign the client in; with ``verified`` also as having entered a second factor."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = add_authenticator(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def browser_sign_in(page: Any, username: str, device: TOTPDevice | None) -> None:
    """Sign in through the real pages, with a code from ``device`` when given."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.wait_for_url("**/accounts/two-factor/verify/**")
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/")
