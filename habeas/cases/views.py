"""Register pages: parse, access, call a service or query, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from habeas.cases import charts, citations, export, history, importer, queries, services
from habeas.cases import import_guide as guide
from habeas.cases.access import (
    access_campaign_shares,
    access_detention,
    access_facility_proposal,
    access_person,
    access_share,
)
from habeas.cases.forms import (
    CustodyForm,
    DetentionForm,
    EventForm,
    FacilityConfirmForm,
    PersonForm,
    RecognitionForm,
    RestrictedForm,
    ShareForm,
    StatusForm,
)
from habeas.cases.models import Precision, Status
from habeas.cases.publication import PERSON_FIELDS
from habeas.coalition.access import access_campaign
from habeas.core.forms import add_errors
from habeas.core.http import AuthedRequest
from habeas.core.pagecache import public_page
from habeas.core.text import format_isolated


@never_cache
@login_required
def campaign_persons(request: AuthedRequest, slug: str) -> HttpResponse:
    """A coordinator searches the register for persons the campaign defends.

    The search offers published records and the campaign's own working
    records, a page at a time; each row adds or removes one person.
    """
    campaign = access_campaign(request.user, slug, "coalition.coordinate_campaign")
    q = request.GET.get("q", "")[:100].strip()
    if request.method == "POST":
        found = queries.choosable_person(campaign, request.POST.get("person", ""))
        if found is None:
            raise Http404
        try:
            if request.POST.get("action") == "remove":
                services.campaign_person_remove(by=request.user, campaign=campaign, person=found)
                messages.success(request, _("The campaign no longer defends this person."))
            else:
                services.campaign_person_add(by=request.user, campaign=campaign, person=found)
                messages.success(request, _("The campaign defends this person."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        back = request.POST.get("q", "")[:100]
        url = reverse("cases:campaign_persons", kwargs={"slug": campaign.slug})
        return redirect(f"{url}?{urlencode({'q': back})}" if back else url)
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "cases/campaign_persons.html",
        {
            "campaign": campaign,
            "q": q,
            "page": queries.choosable_persons(campaign, q, request.GET.get("page")),
            "query_string": keep.urlencode(),
            "coordinates": request.user.has_perm("cases.see_shares", campaign),
        },
    )


@never_cache
@login_required
def campaign_shares(request: AuthedRequest, slug: str) -> HttpResponse:
    """The case work a campaign shares and is shared, for its coordinators alone."""
    campaign = access_campaign_shares(request.user, slug)
    return render(
        request,
        "cases/campaign_shares.html",
        {
            "campaign": campaign,
            "page": queries.shares_of_campaign(campaign, request.GET.get("page")),
        },
    )


@never_cache
@login_required
def person_shares(request: AuthedRequest, pk: int) -> HttpResponse:
    """The owning campaign's coordinator shares a person's case work, and sees every share."""
    found = access_person(request.user, pk, "cases.share_case")
    form = ShareForm(request.POST or None, campaigns=queries.campaigns_to_share_with(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_share_grant(
                by=request.user,
                person=found,
                campaign=form.cleaned_data["campaign"],
                restricted=form.cleaned_data["restricted"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The case work is shared, on record."))
            return redirect("cases:person_shares", pk=found.pk)
    return render(
        request,
        "cases/person_shares.html",
        {"person": found, "form": form, "shares": queries.shares_of_person(found)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def share_revoke(request: AuthedRequest, pk: int, share_id: int) -> HttpResponse:
    found = access_person(request.user, pk, "cases.share_case")
    share = access_share(request.user, found, share_id)
    try:
        services.case_share_revoke(by=request.user, share=share)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The share is revoked."))
    return redirect("cases:person_shares", pk=found.pk)


# --- Public register --------------------------------------------------------


@public_page(params=queries.RegisterFilters.PARAMS)
def register(request: HttpRequest) -> HttpResponse:
    """The public register: search, facets, sorting, 50 a page."""
    filters = queries.RegisterFilters.from_query(request.GET)
    page = queries.register_page(filters, request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "cases/register.html",
        {
            "page": page,
            "filters": filters,
            "facets": queries.register_facets(),
            "query_string": keep.urlencode(),
            # A visitor's query reaches the view cut already (the page cache's
            # MAX_VALUE_LENGTH): one of the full length may have been longer.
            "query_cut": len(request.GET.get("q", "")) >= queries.MAX_QUERY,
            "max_query": queries.MAX_QUERY,
            "sorts": queries.SORTS,
            "statuses": Status.choices,
            "arrest_known": [
                (Precision.DAY, _("the day")),
                (Precision.MONTH, _("the month only")),
                (Precision.YEAR, _("the year only")),
                (queries.NOT_DAY, _("the month or year only, or not known")),
                (Precision.UNKNOWN, _("not known")),
            ],
        },
    )


@public_page()
def person(request: HttpRequest, slug: str) -> HttpResponse:
    """A verified person's public page; unknown and unverified records answer 404."""
    record = queries.public_record(slug)
    if record is None:
        raise Http404
    data, sources = citations.numbered(record.data)
    next_hearing = min(
        (
            e["next_hearing_on"]
            for d in data.get("detentions", [])
            for e in d["events"]
            if e.get("next_hearing_on")
        ),
        default=None,
    )
    return render(
        request,
        "cases/person.html",
        {
            "record": record,
            "data": data,
            "sources": sources,
            "days": queries.days_detained(record),
            "next_hearing": next_hearing,
            "versions": queries.recent_versions(record),
            "campaign": queries.documenting_campaign(record),
            "letters_to": queries.letters_to(record),
            "campaigns": queries.campaigns_defending(record),
            "status_labels": dict(Status.choices),
        },
    )


@public_page(params=["page"])
def person_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every verified version of a public record, with what each one changed."""
    record = queries.public_record(slug)
    if record is None:
        raise Http404
    page, versions, before = queries.history_page(record, request.GET.get("page"))
    return render(
        request,
        "cases/person_history.html",
        {
            "record": record,
            "page": page,
            "entries": history.changes(versions, before),
            "campaign": queries.documenting_campaign(record),
        },
    )


@public_page()
def statistics(request: HttpRequest) -> HttpResponse:
    """Counts over time and breakdowns, as SVG drawn here and as tables."""
    stats = queries.register_statistics()
    return render(
        request,
        "cases/statistics.html",
        {
            "stats": stats,
            "daily_chart": charts.line_chart(
                [(day, n.verified, n.reported) for day, n in stats.daily],
                title=_("Detained on each day"),
            ),
            "status_chart": charts.bar_chart(
                [
                    (row.label, row.counted.verified, row.counted.reported)
                    for row in stats.by_status
                ],
                title=_("By status"),
            ),
            "region_chart": charts.bar_chart(
                [(name, n.verified, n.reported) for name, n in stats.by_region],
                title=_("By region"),
            ),
            "organisation_chart": charts.bar_chart(
                [(name, n.verified, n.reported) for name, n in stats.by_organisation],
                title=_("By organisation"),
            ),
            "daily_table": stats.daily[-60:],
            "left_out_url": reverse("cases:register")
            + "?"
            + urlencode({"held": "1", "arrest": queries.LEFT_OUT.arrest}),
            "held_statuses": [label for value, label in Status.choices if value in queries.HELD],
        },
    )


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export.csv_rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="habeas-register.csv"'
    return response


def export_json(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export.json_chunks(), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="habeas-register.json"'
    return response


# --- Documenters and the case team -------------------------------------------


@never_cache
@login_required
def review_queue(request: AuthedRequest) -> HttpResponse:
    """Records waiting for a second documenter, for the campaigns one documents."""
    page = queries.review_queue(request.user, request.GET.get("page"))
    return render(
        request,
        "cases/review_queue.html",
        {"page": page, "items": queries.pending_reviews(list(page.object_list))},
    )


@never_cache
@login_required
def import_guide(request: AuthedRequest) -> HttpResponse:
    """How to import a CSV file of persons on the console, for documenters: the
    columns, formats and errors are read from the importer itself."""
    campaigns = queries.documenter_campaigns(request.user)
    if not campaigns.exists():
        raise PermissionDenied
    return render(
        request,
        "cases/import_guide.html",
        {
            "columns": guide.columns(),
            "campaigns": campaigns,
            "sample": guide.SAMPLE,
            "sample_output": guide.sample_output(),
            "max_errors": importer.MAX_ERRORS_SHOWN,
        },
    )


@never_cache
@login_required
def working_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """A documenter's view of the working record, with the verify button and what
    verifying will change on the public record, fact by fact."""
    found = access_person(request.user, pk)
    can_see_restricted = request.user.has_perm("cases.view_restricted", found)
    [(_person, review)] = queries.pending_reviews([found])
    return render(
        request,
        "cases/working_record.html",
        {
            "person": found,
            "detentions": queries.working_detentions(found),
            "review": review,
            "restricted": queries.restricted_facts(found) if can_see_restricted else None,
            "can_see_restricted": can_see_restricted,
            "can_share": request.user.has_perm("cases.share_case", found),
        },
    )


@never_cache
@login_required
def working_history(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every verified version with who verified it and whose changes it published,
    for the campaign's members alone: public pages name no documenter."""
    found = access_person(request.user, pk, "cases.see_verifiers")
    page, versions, before = queries.verifiers_page(found, request.GET.get("page"))
    return render(
        request,
        "cases/working_history.html",
        {"person": found, "page": page, "entries": history.changes(versions, before)},
    )


@require_POST
@login_required
def verify(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access_person(request.user, pk)
    try:
        record = services.person_verify(by=request.user, person=found)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("cases:working_record", pk=pk)
    messages.success(request, _("Verified and published."))
    return redirect("cases:person", slug=record.slug)


@never_cache
@login_required
def restricted(request: AuthedRequest, pk: int) -> HttpResponse:
    """The case team's restricted facts; anyone else gets 404."""
    found = access_person(request.user, pk, "cases.view_restricted")
    current = queries.restricted_facts(found)
    initial = (
        {name: getattr(current, name) for name in RestrictedForm.base_fields} if current else {}
    )
    form = RestrictedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.restricted_save(by=request.user, person=found, **form.cleaned_data)
        messages.success(request, _("Saved. Only the case team can see these facts."))
        return redirect("cases:working_record", pk=pk)
    return render(
        request,
        "coalition/form_page.html",
        {
            "form": form,
            "title": format_isolated(_("Restricted facts: %(name)s"), name=found.name),
            "intro": _(
                "Only the campaign's case team can see these, on no public page or export."
            ),
            "submit": _("Save"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _page(request: HttpRequest, form: forms.Form, title: str) -> HttpResponse:
    return render(
        request,
        "coalition/form_page.html",
        {"form": form, "title": title, "submit": _("Save"), "multipart": True},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
def person_new(request: AuthedRequest) -> HttpResponse:
    """A documenter records a new person, documented by one of their campaigns
    (not public yet)."""
    campaigns = queries.documenter_campaigns(request.user)
    if not campaigns.exists():
        raise PermissionDenied
    form = PersonForm(request.POST or None, request.FILES or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.person_save(
                by=request.user,
                source=form.source(),
                campaign=form.cleaned_data["campaign"],
                photo=request.FILES.get("photo"),
                photo_consent=form.cleaned_data["photo_consent"],
                **{name: form.cleaned_data[name] for name in PERSON_FIELDS},
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Saved. A second documenter verifies it before anything is public.")
            )
            return redirect("cases:working_record", pk=created.pk)
    return _page(request, form, _("Record a person"))


@never_cache
@login_required
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access_person(request.user, pk)
    initial = {name: getattr(found, name) for name in PERSON_FIELDS}
    initial.update(source_title=found.source.title, source_publisher=found.source.publisher)
    initial["photo_consent"] = found.photo_consent
    form = PersonForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        cited=citations.cited_sources(found),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_save(
                by=request.user,
                source=form.source(),
                person=found,
                photo=request.FILES.get("photo"),
                photo_consent=form.cleaned_data["photo_consent"],
                **{name: form.cleaned_data[name] for name in PERSON_FIELDS},
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved. The public sees the change once verified."))
            return redirect("cases:working_record", pk=found.pk)
    return _page(request, form, format_isolated(_("Edit: %(name)s"), name=found.name))


@never_cache
@login_required
def detention_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access_person(request.user, pk)
    form = DetentionForm(request.POST or None, cited=citations.cited_sources(found))
    if request.method == "POST" and form.is_valid():
        arrested_on, precision = form.cleaned_data["arrested_on"]
        try:
            services.detention_add(
                by=request.user,
                person=found,
                source=form.source(),
                arrested_on=arrested_on,
                arrested_precision=precision,
                status=form.cleaned_data["status"],
                facility=form.chosen_facility(),
                place=form.cleaned_data["place"],
                authority=form.cleaned_data["authority"],
                sentence=form.cleaned_data["sentence"],
                certainty=form.cleaned_data["certainty"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            _saved(request, form)
            return redirect("cases:working_record", pk=found.pk)
    return _page(request, form, format_isolated(_("Add an arrest: %(name)s"), name=found.name))


def _saved(request: HttpRequest, form: forms.Form) -> None:
    """Say what happens next: a second documenter verifies, and a proposed facility
    waits for confirmation too."""
    chosen = form.chosen_facility() if isinstance(form, CustodyForm) else None
    if isinstance(chosen, services.FacilityFacts):
        messages.success(
            request,
            _(
                "Saved. The facility you proposed waits for a site admin or your "
                "campaign's coordinator to confirm it; until then the public sees no place "
                "of custody and no address."
            ),
        )
    else:
        messages.success(
            request, _("Saved. A second documenter verifies it before anything is public.")
        )


@never_cache
@login_required
def status_new(request: AuthedRequest, pk: int, detention_id: int) -> HttpResponse:
    detention = access_detention(request.user, pk, detention_id)
    form = StatusForm(request.POST or None, cited=citations.cited_sources(detention.person))
    if request.method == "POST" and form.is_valid():
        on, precision = form.cleaned_data["on"]
        try:
            services.status_add(
                by=request.user,
                detention=detention,
                status=form.cleaned_data["status"],
                on=on,
                precision=precision,
                source=form.source(),
                facility=form.chosen_facility(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            _saved(request, form)
            return redirect("cases:working_record", pk=pk)
    return _page(request, form, _("Change of status"))


@never_cache
@login_required
def event_new(request: AuthedRequest, pk: int, detention_id: int) -> HttpResponse:
    detention = access_detention(request.user, pk, detention_id)
    form = EventForm(request.POST or None, cited=citations.cited_sources(detention.person))
    if request.method == "POST" and form.is_valid():
        on, precision = form.cleaned_data["on"]
        try:
            services.event_add(
                by=request.user,
                detention=detention,
                source=form.source(),
                kind=form.cleaned_data["kind"],
                on=on,
                precision=precision,
                description=form.cleaned_data["description"],
                next_hearing_on=form.cleaned_data["next_hearing_on"],
                certainty=form.cleaned_data["certainty"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            _saved(request, form)
            return redirect("cases:working_record", pk=pk)
    return _page(request, form, _("Add a step in the case"))


@never_cache
@login_required
def recognition_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access_person(request.user, pk)
    form = RecognitionForm(request.POST or None, cited=citations.cited_sources(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.recognition_save(
                by=request.user,
                person=found,
                organisation=form.cleaned_data["organisation"],
                source=form.source(),
                since_on=form.cleaned_data["since_on"],
                criterion=form.cleaned_data["criterion"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            _saved(request, form)
            return redirect("cases:working_record", pk=pk)
    return _page(request, form, _("Recognised as a political prisoner by"))


# --- Places of custody ----------------------------------------------------------


@never_cache
@login_required
def facility_proposals(request: AuthedRequest) -> HttpResponse:
    """Proposed facilities waiting for confirmation: every one for a site admin, those of
    its documenters for a campaign's coordinator; anyone else gets 404."""
    if not request.user.has_perm("cases.see_facility_proposals"):
        raise Http404
    page = queries.facilities_to_confirm(request.user, request.GET.get("page"))
    rows = [
        (
            facility,
            FacilityConfirmForm(
                initial={
                    "postal_address": facility.postal_address,
                    "letters_accepted": facility.letters_accepted,
                },
                prefix=f"f{facility.pk}",
            ),
        )
        for facility in page.object_list
    ]
    return render(request, "cases/facility_proposals.html", {"page": page, "rows": rows})


@require_POST
@login_required
def facility_confirm(request: AuthedRequest, facility_id: int) -> HttpResponse:
    found = access_facility_proposal(request.user, facility_id)
    form = FacilityConfirmForm(request.POST, prefix=f"f{found.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("cases:facility_proposals")
    try:
        services.facility_confirm(
            by=request.user,
            facility=found,
            postal_address=form.cleaned_data["postal_address"],
            letters_accepted=form.cleaned_data["letters_accepted"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "The facility is confirmed. Records that name it wait for a second "
                "documenter, whose verification makes the place public."
            ),
        )
    return redirect("cases:facility_proposals")


@require_POST
@login_required
def facility_reject(request: AuthedRequest, facility_id: int) -> HttpResponse:
    found = access_facility_proposal(request.user, facility_id)
    try:
        services.facility_reject(by=request.user, facility=found)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The proposal is rejected. Records that named it name no facility now."),
        )
    return redirect("cases:facility_proposals")
