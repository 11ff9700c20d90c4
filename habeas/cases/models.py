"""The register: people held for their politics, their detentions, and where each fact comes from.

Documenters edit the working record (Person and the rows below it). Nothing
of it is public until a second documenter verifies it: verification copies
the public facts into a PublicRecord (what list pages, search, statistics
and exports read) and a PublicVersion (the record's public history, whose
latest version holds the facts the record's page shows).
Restricted facts live apart, in PersonRestricted, and are never copied.

The working record, its restricted facts and its unverified changes belong
to one campaign (Person.campaign): only its documenters and case team reach
them, unless its coordinator shares them with another campaign (CaseShare,
on record and revocable). Other campaigns defend a person through the
public record alone (Person.campaigns).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habeas.coalition.models import Campaign, Organisation
from habeas.core.models import Source


def max_length(model: type[models.Model], name: str) -> int:
    """The most characters the model's field ``name`` holds: limits are read, never repeated."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if not isinstance(limit, int):
        raise TypeError(f"{model.__name__}.{name} has no length limit")
    return limit


class Precision(models.TextChoices):
    """How much of a date is known; a date is shown only as far as it is known."""

    DAY = "DAY", _("day")
    MONTH = "MONTH", _("month")
    YEAR = "YEAR", _("year")
    UNKNOWN = "UNKNOWN", _("unknown")


class Certainty(models.TextChoices):
    VERIFIED = "VERIFIED", _("verified")
    REPORTED = "REPORTED", _("reported")


class ImportRun(models.Model):
    """One run of the CSV import, written in short transactions and made public in one.

    The import writes its new persons, and their public records, batch by
    batch, each row marked with its run; public reads leave out every
    marked record (``PublicRecord.objects``). Rows that change persons
    already in the register wait in ``ImportStaged``. When every batch is
    in, one short transaction clears the marks (the flip: the new records
    appear together) and moves the run to COMMITTING; the staged changes
    are then applied, and the run is DONE. A run whose process died is
    undone while RUNNING (its new rows deleted) and finished while
    COMMITTING (``habeas.cases.importer.recover``).
    """

    class State(models.TextChoices):
        RUNNING = "RUNNING", _("running")
        COMMITTING = "COMMITTING", _("committing")
        DONE = "DONE", _("done")
        FAILED = "FAILED", _("failed")

    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    publish_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    # The importing process: recovery leaves alone a run whose process lives.
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    # Written with every batch; a run silent for long is taken as dead.
    beat_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"


# Words the register's own pages use after /register/ (see cases/urls.py): a
# person named "Import" or "Review" gets a numbered address instead, so no
# person's page is shadowed by one of them.
REGISTER_WORDS = frozenset(
    {"export.csv", "export.json", "facilities", "import", "review", "statistics", "working"}
)


class Person(models.Model):
    """Someone detained or at risk: the working record. Unknown facts stay blank."""

    class Gender(models.TextChoices):
        UNKNOWN = "UNKNOWN", _("not known")
        FEMALE = "FEMALE", _("woman")
        MALE = "MALE", _("man")
        OTHER = "OTHER", _("other")

    name = models.CharField(_("name"), max_length=200)
    name_ur = models.CharField(_("name in Urdu script"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    external_id = models.CharField(
        _("external id"), max_length=100, null=True, blank=True, unique=True
    )
    aliases = models.TextField(_("other names, one a line"), blank=True, max_length=2000)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    home_region = models.CharField(_("home region"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    summary = models.TextField(
        _("public biography"),
        blank=True,
        max_length=10_000,
        help_text=_("Only what the cited source says."),
    )
    summary_ur = models.TextField(
        _("public biography in Urdu"),
        blank=True,
        max_length=10_000,
        help_text=_(
            "Only what the cited source says. Left empty, Urdu pages show the English, "
            "marked as English."
        ),
        default="",
        db_default="",
    )
    photo = models.ImageField(_("photo"), upload_to="persons/", blank=True)
    photo_consent = models.BooleanField(
        _("the person or family consents to the photo"), default=False
    )
    # The campaign whose documenters and case team keep this working record
    # (and whose coordinator alone may share it); blank: nobody documents it.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_persons",
        verbose_name=_("documented by"),
    )
    # The campaigns that defend the person in public (the owner among them);
    # defending gives no right to the working record.
    campaigns = models.ManyToManyField(Campaign, related_name="persons", blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    certainty = models.CharField(
        _("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.REPORTED
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The import run that created this person, if any: undoing a failed run
    # deletes the persons it created.
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.name


class PersonRestricted(models.Model):
    """Facts only the campaign's case team may see: never on a page, feed or export."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="restricted"
    )
    family_contacts = models.TextField(_("family contacts"), blank=True, max_length=5000)
    lawyer_contacts = models.TextField(_("lawyer contacts"), blank=True, max_length=5000)
    internal_notes = models.TextField(_("internal notes"), blank=True, max_length=20_000)
    unverified_reports = models.TextField(_("unverified reports"), blank=True, max_length=20_000)

    def __str__(self) -> str:
        return f"restricted facts of {self.person_id}"


class CaseShareQuerySet(models.QuerySet["CaseShare"]):
    def active(self) -> CaseShareQuerySet:
        return self.filter(revoked_at__isnull=True)


class CaseShare(models.Model):
    """The owning campaign's coordinator shares a person's case work with another campaign.

    The grantee's documenters then keep the working record too, and with
    ``restricted`` its case team sees the restricted facts. Shares are never
    deleted: revocation stamps the row, so the record of who could see what,
    and on whose word, stays complete.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shares")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="case_shares", verbose_name=_("campaign")
    )
    restricted = models.BooleanField(_("with the restricted facts"), default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CaseShareQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("case share")
        verbose_name_plural = _("case shares")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "campaign"],
                condition=models.Q(revoked_at__isnull=True),
                name="case_share_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} shared with {self.campaign_id}"


class Affiliation(models.Model):
    """A person's tie to an organisation, as a source states it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="affiliation_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation})"


class Facility(models.Model):
    """A prison, police station or other place of custody."""

    class Kind(models.TextChoices):
        PRISON = "PRISON", _("prison")
        POLICE = "POLICE", _("police station")
        MILITARY = "MILITARY", _("military or intelligence custody")
        OTHER = "OTHER", _("other")
        UNKNOWN = "UNKNOWN", _("unknown place")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PRISON)
    region = models.CharField(_("region"), max_length=100, blank=True)
    postal_address = models.TextField(_("postal address for letters"), blank=True, max_length=1000)
    letters_accepted = models.TextField(_("what letters it accepts"), blank=True, max_length=1000)
    # A documenter may propose a facility; until a site admin or a coordinator
    # of one of the proposer's campaigns confirms it, it is offered on no
    # form, named on no public page, and its address is shown to nobody who
    # might write to it: a wrong address endangers the prisoner and the writer.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="facility_once")]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DETAINED = "DETAINED", _("detained")
    INCOMMUNICADO = "INCOMMUNICADO", _("held incommunicado or disappeared")
    CHARGED = "CHARGED", _("charged")
    AWAITING_TRIAL = "AWAITING_TRIAL", _("awaiting trial in custody")
    ON_BAIL = "ON_BAIL", _("on bail")
    CONVICTED = "CONVICTED", _("convicted")
    ON_APPEAL = "ON_APPEAL", _("on appeal")
    ACQUITTED = "ACQUITTED", _("acquitted")
    RELEASED = "RELEASED", _("released")
    DIED_IN_CUSTODY = "DIED_IN_CUSTODY", _("died in custody")


# Statuses in which a person is no longer held.
NOT_HELD = frozenset({Status.ON_BAIL, Status.ACQUITTED, Status.RELEASED, Status.DIED_IN_CUSTODY})


class Detention(models.Model):
    """One arrest to release."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="detentions")
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    arrested_on = models.DateField(_("arrested on"), null=True, blank=True)
    arrested_precision = models.CharField(
        _("known to the"), max_length=8, choices=Precision.choices, default=Precision.UNKNOWN
    )
    place = models.CharField(_("place of arrest"), max_length=200, blank=True)
    authority = models.CharField(_("arresting authority"), max_length=200, blank=True)
    facility = models.ForeignKey(
        Facility, on_delete=models.SET_NULL, null=True, blank=True, related_name="detentions"
    )
    sentence = models.CharField(_("sentence"), max_length=300, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    certainty = models.CharField(
        _("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.REPORTED
    )

    class Meta:
        # Unknown arrest dates first on every database (SQLite puts NULLs
        # first by default, PostgreSQL last): the last detention is the
        # latest known arrest, and the current status comes from it.
        ordering = [models.F("arrested_on").asc(nulls_first=True), "pk"]
        verbose_name = _("detention")
        verbose_name_plural = _("detentions")

    def __str__(self) -> str:
        return f"{self.person} ({self.arrested_on or '?'})"


class Charge(models.Model):
    detention = models.ForeignKey(Detention, on_delete=models.CASCADE, related_name="charges")
    law = models.CharField(_("law"), max_length=200)
    section = models.CharField(_("section"), max_length=50, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.law} {self.section}".strip()


class StatusChange(models.Model):
    """A dated step in the status history, from which the current status and the
    counts on any past day are derived."""

    detention = models.ForeignKey(
        Detention, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    on = models.DateField(_("on"), null=True, blank=True)
    precision = models.CharField(
        _("known to the"), max_length=8, choices=Precision.choices, default=Precision.UNKNOWN
    )
    # Where the person is held from this change on (a transfer); blank: no
    # change of place. The detention's current place is the facility of its
    # latest change that names one, else the arrest's (publication.current_facility),
    # so every earlier place stays in the history.
    facility = models.ForeignKey(
        Facility,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
        verbose_name=_("held at"),
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    certainty = models.CharField(
        _("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.REPORTED
    )

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.on or '?'})"


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        ARREST = "ARREST", _("arrest")
        CHARGE = "CHARGE", _("charge")
        HEARING = "HEARING", _("hearing")
        BAIL_GRANTED = "BAIL_GRANTED", _("bail granted")
        BAIL_DENIED = "BAIL_DENIED", _("bail denied")
        VERDICT = "VERDICT", _("verdict")
        TRANSFER = "TRANSFER", _("transfer")
        RELEASE = "RELEASE", _("release")
        HEALTH_ALARM = "HEALTH_ALARM", _("health alarm")
        OTHER = "OTHER", _("other")

    detention = models.ForeignKey(Detention, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    on = models.DateField(_("on"), null=True, blank=True)
    precision = models.CharField(
        _("known to the"), max_length=8, choices=Precision.choices, default=Precision.UNKNOWN
    )
    description = models.TextField(_("what happened"), blank=True, max_length=5000)
    next_hearing_on = models.DateField(_("next hearing"), null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    certainty = models.CharField(
        _("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.REPORTED
    )

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.on or '?'})"


class Recognition(models.Model):
    """An organisation recognises the person as a political prisoner and demands release."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recognitions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="recognitions"
    )
    since_on = models.DateField(_("since"), null=True, blank=True)
    criterion = models.CharField(_("on what criterion"), max_length=500, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="recognition_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} recognises {self.person}"


_M = TypeVar("_M", bound=models.Model)


class VisibleManager(models.Manager[_M]):
    """Public rows only: none of an import run that is not yet public (``import_run`` set)."""

    def get_queryset(self) -> models.QuerySet[_M]:
        return super().get_queryset().filter(import_run=None)


# Rows the public may read: those of no import still running (see ImportRun).
PUBLIC = models.Q(import_run__isnull=True)


class NullsFirstIndex(models.Index):
    """An index on columns read in ascending order with unknown values (NULLs) first.

    Declared as ``NullsFirstIndex(F("a").asc(nulls_first=True), "b", name=...)``.
    PostgreSQL, which puts NULLs last going up, builds it as declared. SQLite
    puts NULLs first going up already, and its CREATE INDEX takes no NULLS
    clause ("unsupported use of NULLS FIRST"), so there it is the plain index
    on the same columns. Django's state sees the index either way, so it is
    created, rebuilt with its table and dropped like any other.
    """

    def __init__(self, *expressions: models.F | models.OrderBy | str, **kwargs: Any) -> None:
        super().__init__(*expressions, **kwargs)
        self.columns = [_ascending_field(expression) for expression in self.expressions]

    def create_sql(
        self, model: type[models.Model], schema_editor: Any, using: str = "", **kwargs: Any
    ) -> Any:
        if schema_editor.connection.vendor == "sqlite":
            plain = models.Index(fields=self.columns, name=self.name, condition=self.condition)
            return plain.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


def _ascending_field(expression: object) -> str:
    """The field an index expression reads going up; ValueError for anything else."""
    if isinstance(expression, models.OrderBy) and not expression.descending:
        expression = expression.expression
    if isinstance(expression, models.F):
        _path, (name,), _kwargs = expression.deconstruct()  # F(name); the stubs lack .name
        return str(name)
    raise ValueError(f"{expression!r} is not a field read in ascending order")


class EveryRowManager(models.Manager[_M]):
    """Every row, public or not yet: for the services that write them."""


class PublicRecord(models.Model):
    """The verified public face of a person: what the public may read, and nothing else.

    Rewritten only by verification; list, search, statistics and exports
    read this table, so an unverified change or a restricted fact cannot
    reach them.
    """

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="public"
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    name_ur = models.CharField(max_length=200, blank=True)
    # Indexed below (Meta.indexes): a field's own db_index would add, on
    # PostgreSQL, a second index for LIKE that no query uses.
    home_region = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    # The first known arrest and the release, each with how much of it is
    # known: an imprecise date is stored as the first day of its month or
    # year and must never be shown or counted as that day.
    arrested_on = models.DateField(null=True, blank=True)
    arrested_precision = models.CharField(
        max_length=8,
        choices=Precision.choices,
        default=Precision.UNKNOWN,
        # Rows written in bulk without it (the benchmark's seed) know nothing.
        db_default=Precision.UNKNOWN,
    )
    arrested_year = models.PositiveSmallIntegerField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    released_precision = models.CharField(
        max_length=8,
        choices=Precision.choices,
        default=Precision.UNKNOWN,
        # Rows written in bulk without it (the benchmark's seed) know nothing.
        db_default=Precision.UNKNOWN,
    )
    # How much of the arrest date of the current detention (the latest, whose
    # status is ``status``) is known: the statistics leave out of the daily
    # count a person held now whose arrest is not known to the day, and the
    # register lists exactly them (RegisterFilters.arrest).
    current_arrest_precision = models.CharField(
        max_length=8, choices=Precision.choices, default=Precision.UNKNOWN
    )
    organisations = models.ManyToManyField(Organisation, related_name="+", blank=True)
    # PostgreSQL's full-text index (the column exists on SQLite too, unused:
    # SQLite searches its FTS5 table, which keeps its own copy of the words;
    # see habeas.cases.search). The GIN index and the FTS5 table are made by
    # hand, per database, at the end of migration 0001: Django's state has no
    # index that exists on one database only.
    search_vector = SearchVectorField(null=True, blank=True)
    # The number of the latest PublicVersion, which holds the public facts
    # (queries.with_data reads them): written once, for this page and the
    # history alike, rather than twice.
    version = models.PositiveIntegerField()
    # The record's own certainty (as in its data), for the statistics' counts.
    certainty = models.CharField(max_length=10, choices=Certainty.choices)
    # When, never by whom: who verified a version is for the campaign's
    # members alone (PublicVersion.verified_by, read by no public page).
    verified_at = models.DateTimeField()
    # Set while the import run that wrote this record is not yet public.
    import_run = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    # The safe read is the easy one: ``objects`` leaves out records of an
    # import not yet made public; only writers use ``all_objects``.
    objects = VisibleManager()
    all_objects = EveryRowManager()

    class Meta:
        ordering = ["name", "pk"]
        # The list page's sort orders, so a page of 50 needs no sort of the register.
        # Each leaves out records of an import not yet public, as every
        # public read does (VisibleManager): the reads and counts use them
        # without looking each row up to test its import_run.
        indexes = [
            models.Index(
                fields=["name", "person"], name="public_record_by_name", condition=PUBLIC
            ),
            # Unknown arrest dates first going up, last going down (queries._order),
            # on both databases: read forwards or backwards, a page needs no sort.
            NullsFirstIndex(
                models.F("arrested_on").asc(nulls_first=True),
                "person",
                name="public_record_by_arrest",
                condition=PUBLIC,
            ),
            models.Index(
                fields=["home_region", "name"], name="public_record_by_region", condition=PUBLIC
            ),
            models.Index(fields=["status"], name="public_record_by_status", condition=PUBLIC),
            # The register's filter on how much of the current arrest is known,
            # with or without "held now" (a set of statuses).
            models.Index(
                fields=["current_arrest_precision", "status"],
                name="public_record_by_precision",
                condition=PUBLIC,
            ),
            models.Index(fields=["arrested_year"], name="public_record_by_year", condition=PUBLIC),
            models.Index(
                fields=["import_run"],
                name="public_record_pending",
                condition=models.Q(import_run__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PublicVersion(models.Model):
    """One verified state of a person's public record; the public history."""

    # Found by person through the unique (person, number) index below.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="public_versions", db_index=False
    )
    number = models.PositiveIntegerField()
    data = models.JSONField()
    verified_at = models.DateTimeField(default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["person", "number"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="public_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} v{self.number}"


class DetentionSpan(models.Model):
    """A verified detention's public span, for the counts on any past day."""

    record = models.ForeignKey(PublicRecord, on_delete=models.CASCADE, related_name="spans")
    arrested_on = models.DateField(null=True, blank=True)
    arrested_precision = models.CharField(
        max_length=8,
        choices=Precision.choices,
        default=Precision.UNKNOWN,
        # Rows written in bulk without it (the benchmark's seed) know nothing.
        db_default=Precision.UNKNOWN,
    )
    released_on = models.DateField(null=True, blank=True)
    released_precision = models.CharField(
        max_length=8,
        choices=Precision.choices,
        default=Precision.UNKNOWN,
        # Rows written in bulk without it (the benchmark's seed) know nothing.
        db_default=Precision.UNKNOWN,
    )
    status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    region = models.CharField(max_length=100, blank=True)
    # As PublicRecord.import_run: the statistics read spans without their record.
    import_run = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = VisibleManager()
    all_objects = EveryRowManager()

    class Meta:
        indexes = [
            models.Index(
                fields=["import_run"],
                name="detention_span_pending",
                condition=models.Q(import_run__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.arrested_on} to {self.released_on or ''}"


class ImportStaged(models.Model):
    """A row of an import run that changes a person already in the register.

    Kept aside until the run's new records are public, then applied (see
    ImportRun): an existing person's record changes only after the flip.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="staged")
    line = models.PositiveIntegerField()
    row = models.JSONField()

    class Meta:
        ordering = ["run", "line"]
        constraints = [models.UniqueConstraint(fields=["run", "line"], name="import_staged_once")]

    def __str__(self) -> str:
        return f"import {self.run_id}, line {self.line}"
