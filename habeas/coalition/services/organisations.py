"""Organisations: registering one and changing its profile, every profile kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habeas.accounts.models import User
from habeas.coalition.models import Organisation, OrganisationVersion
from habeas.coalition.services._checks import clean_title, require
from habeas.core.images import clean_image
from habeas.core.pagecache import public_changed
from habeas.core.slugs import unique_slug
from habeas.core.text import refuse_bidi_controls


@transaction.atomic
def organisation_create(
    *, by: User, name: str, short_name: str = "", kind: str, country: str = ""
) -> Organisation:
    """Register an organisation; its first admin is then invited from its members page.

    After this, only the organisation's own editors change its profile.
    Raises PermissionDenied unless ``by`` is a site admin, ValidationError
    for an empty or taken name or values outside the vocabulary.
    """
    require(by, "coalition.create_organisation")
    name = clean_title(name, field="name", limit=200)
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("An organisation of this name is registered already.")})
    slug = unique_slug(
        name,
        taken=lambda slug: Organisation.objects.filter(slug=slug).exists(),
        fallback="organisation",
        length=70,
    )
    organisation = Organisation(
        name=name,
        slug=slug,
        short_name=clean_title(short_name, field="short_name", limit=40, required=False),
        kind=kind,
        country=country.strip().upper(),
    )
    organisation.full_clean()
    organisation.save()
    _profile_version_write(organisation, by=by)
    public_changed()
    return organisation


PROFILE_FIELDS = ("name", "short_name", "website", "description", "description_ur")


def _profile_version_write(organisation: Organisation, *, by: User | None) -> None:
    """Keep the organisation's profile as a new public version when it differs from the last.

    An organisation registered before versions were kept gets its old profile
    as version 1 first, so the change itself stays visible.
    """
    latest = organisation.versions.order_by("-number").first()
    profile = {name: getattr(organisation, name) for name in PROFILE_FIELDS}
    if latest is not None and all(getattr(latest, k) == v for k, v in profile.items()):
        return
    OrganisationVersion.objects.create(
        organisation=organisation,
        number=1 if latest is None else latest.number + 1,
        created_by=by,
        **profile,
    )


LOGO_MAX_BYTES = 512 * 1024


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    by: User,
    short_name: str,
    kind: str,
    country: str,
    website: str | None = None,
    description: str | None = None,
    description_ur: str | None = None,
    logo: Any = None,
) -> Organisation:
    """Change an organisation's profile; fields given as None stay as they are.

    The profile before and after are kept as public versions (the logo is not
    versioned); a replaced logo's file is deleted once the transaction commits.
    Raises PermissionDenied unless ``by`` edits for this organisation, and
    ValidationError for values outside the vocabulary or a bad logo.
    """
    if not by.has_perm("coalition.edit_organisation", organisation):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.versions.exists():
        _profile_version_write(organisation, by=None)
    organisation.short_name = refuse_bidi_controls(short_name.strip(), field="short_name")
    organisation.kind = kind
    organisation.country = country.strip().upper()
    fields = ["short_name", "kind", "country"]
    for name, value in (
        ("website", website),
        ("description", description),
        ("description_ur", description_ur),
    ):
        if value is not None:
            setattr(organisation, name, value.strip())
            fields.append(name)
    replaced = organisation.logo.name if logo and organisation.logo else ""
    if logo:
        organisation.logo = clean_image(logo, field="logo", max_bytes=LOGO_MAX_BYTES, output="PNG")
        fields.append("logo")
    organisation.full_clean()
    organisation.save(update_fields=fields)
    if replaced:
        # The old logo's file goes once the new one is in place, not before.
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    _profile_version_write(organisation, by=by)
    public_changed()
    return organisation
