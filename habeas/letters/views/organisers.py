"""Organisers' pages: write, edit, publish and close letters; endorse; verify endorsements.

A letter's own pages are its authors' editors' alone (the anti-censorship
rule); coordinators decide the requests to endorse from organisations not on
Habeas. The request form itself is a visitor's: no account and no cookie.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from habeas.coalition.queries import editable_organisations
from habeas.core.forms import add_errors
from habeas.core.http import AuthedRequest
from habeas.core.origin import same_origin
from habeas.core.refusals import PUBLISH, role_needed
from habeas.core.text import format_isolated
from habeas.letters.access import access_letter, access_letter_for_reader
from habeas.letters.forms import (
    EndorseForm,
    EndorsementRequestForm,
    LetterCreateForm,
    LetterEditForm,
)
from habeas.letters.models import Letter
from habeas.letters.queries import organisers as queries
from habeas.letters.services import endorsements as endorsement_services
from habeas.letters.services import letters as letter_services


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_page(
    request: HttpRequest, form: object, *, title: str, submit: str, letter: Letter | None = None
) -> HttpResponse:
    return render(
        request,
        "letters/form_page.html",
        {"form": form, "title": title, "submit": submit, "letter": letter},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
def write(request: AuthedRequest) -> HttpResponse:
    """Draft a letter in the name of organisations the user edits for."""
    organisations = editable_organisations(request.user)
    if not organisations.exists():
        return role_needed(request, title=_("Write an open letter"), needed=str(PUBLISH))
    form = LetterCreateForm(
        request.POST or None,
        campaigns=queries.campaigns_to_write_in(request.user),
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter = letter_services.letter_create(
                by=request.user,
                campaign=form.cleaned_data["campaign"],
                authors=form.cleaned_data["authors"],
                texts=form.texts(),
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
                goal=form.cleaned_data["goal"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Draft saved. Only your organisations' editors see it until it is published."),
            )
            return redirect("letters:edit", slug=letter.slug)
    return _form_page(request, form, title=_("Write an open letter"), submit=_("Save the draft"))


@never_cache
@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """The letters the user's organisations wrote, drafts included."""
    return render(
        request,
        "letters/mine.html",
        {
            "page": queries.letters_written_by(request.user, request.GET),
            "can_write": editable_organisations(request.user).exists(),
        },
    )


@never_cache
@login_required
def edit(request: AuthedRequest, slug: str) -> HttpResponse:
    """Change a draft; a published letter is never edited."""
    letter = access_letter(request.user, slug, "letters.edit_letter")
    if letter.status != Letter.Status.DRAFT:
        messages.error(
            request, _("A published letter cannot be changed: people signed its words.")
        )
        return redirect("letters:mine")
    texts = queries.letter_texts(letter)
    initial: dict[str, object] = {
        "opens_at": letter.opens_at,
        "closes_at": letter.closes_at,
        "goal": letter.goal,
    }
    for language, text in texts.items():
        initial.update(
            {
                f"title_{language}": text.title,
                f"addressees_{language}": text.addressees,
                f"body_{language}": text.body,
            }
        )
    form = LetterEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            letter_services.letter_update(
                by=request.user,
                letter=letter,
                texts=form.texts(),
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
                goal=form.cleaned_data["goal"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("letters:edit", slug=letter.slug)
    return _form_page(
        request, form, title=_("Edit the draft"), submit=_("Save the draft"), letter=letter
    )


def _confirm(
    request: AuthedRequest, slug: str, *, perm: str, service: str, question: str, done: str
) -> HttpResponse:
    letter = access_letter(request.user, slug, perm)
    if request.method == "POST":
        try:
            getattr(letter_services, service)(by=request.user, letter=letter)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(request, done)
        return redirect("letters:mine")
    return render(
        request,
        "letters/organiser_confirm.html",
        {
            "letter": letter,
            "title": queries.letter_title(letter, get_language() or "en"),
            "question": question,
            "submit": _("Yes, publish it") if service == "letter_publish" else _("Yes, close it"),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: AuthedRequest, slug: str) -> HttpResponse:
    """Ask, then open the draft for signing."""
    return _confirm(
        request,
        slug,
        perm="letters.publish_letter",
        service="letter_publish",
        question=_(
            "Publish this letter? Everyone will be able to read and sign it, "
            "and its words can no longer be changed."
        ),
        done=_("Published: the letter is open for signing."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def close(request: AuthedRequest, slug: str) -> HttpResponse:
    """Ask, then close the letter to signatures."""
    return _confirm(
        request,
        slug,
        perm="letters.close_letter",
        service="letter_close",
        question=_(
            "Close this letter? Nobody can sign it afterwards; "
            "its signatures and endorsements stay."
        ),
        done=_("Closed: the letter takes no more signatures."),
    )


@never_cache
@login_required
def endorse(request: AuthedRequest, slug: str) -> HttpResponse:
    """Endorse the letter for one of the user's organisations, or withdraw that endorsement."""
    letter = access_letter_for_reader(request.user, slug)
    organisations = editable_organisations(request.user)
    if not organisations.exists():
        return role_needed(
            request,
            title=_("Endorse"),
            needed=str(PUBLISH),
            back=letter.get_absolute_url(),
        )
    status = 200
    if request.method == "POST":
        form = EndorseForm(request.POST, organisations=organisations)
        if form.is_valid():
            _endorse_or_withdraw(request, letter, form)
            return redirect("letters:endorse", slug=letter.slug)
        # Not one of the user's organisations (or no such choice): nothing done.
        messages.error(request, _("Choose one of your organisations."))
        status = 400
    return render(
        request,
        "letters/endorse.html",
        {
            "letter": letter,
            "title": queries.letter_title(letter, get_language() or "en"),
            "choices": queries.endorse_choices(request.user, letter),
        },
        status=status,
    )


def _endorse_or_withdraw(request: AuthedRequest, letter: Letter, form: EndorseForm) -> None:
    organisation = form.cleaned_data["organisation"]
    try:
        if form.cleaned_data["action"] == "endorse":
            endorsement_services.endorsement_add(
                by=request.user, letter=letter, organisation=organisation
            )
            messages.success(
                request,
                format_isolated(
                    _("%(organisation)s endorses this letter."), organisation=organisation
                ),
            )
            return
        standing = queries.standing_endorsement(letter, organisation)
        if standing is None:
            messages.error(request, _("This organisation does not endorse this letter."))
            return
        endorsement_services.endorsement_withdraw(by=request.user, endorsement=standing)
        messages.success(
            request,
            format_isolated(
                _("%(organisation)s no longer endorses this letter."), organisation=organisation
            ),
        )
    except ValidationError as error:
        _report(request, error)


@csrf_exempt  # a visitor's form: no cookie; checked by origin instead (habeas.core.origin)
@require_http_methods(["GET", "HEAD", "POST"])
def endorse_ask(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation not on Habeas asks to endorse; it shows once a coordinator verifies.

    The page sets no cookie and holds no token: a POST is accepted only from
    this site's own pages, as the browser reports it. A bot that fills in the
    hidden field gets the same thanks as everyone, and nothing is stored.
    """
    # Every visitor, signed in or not, sees the same page: the letter as the public sees it.
    letter = access_letter_for_reader(AnonymousUser(), slug)
    title = queries.letter_title(letter, get_language() or "en")
    if request.method == "POST":
        if not same_origin(request):
            return render(request, "letters/refused_origin.html", status=403)
        form = EndorsementRequestForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["homepage"]:
                return _thanks(request, letter, title)
            try:
                endorsement_services.endorsement_request(
                    letter=letter,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    country=form.cleaned_data["country"],
                    signatory=form.cleaned_data["signatory"],
                    signatory_role=form.cleaned_data["signatory_role"],
                    contact_email=form.cleaned_data["contact_email"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                return _thanks(request, letter, title)
    else:
        form = EndorsementRequestForm()
    return render(
        request,
        "letters/endorse_ask.html",
        {
            "letter": letter,
            "title": title,
            "form": form,
            "open": letter.status == Letter.Status.OPEN,
        },
        status=400 if request.method == "POST" else 200,
    )


def _thanks(request: HttpRequest, letter: Letter, title: str) -> HttpResponse:
    return render(request, "letters/endorse_thanks.html", {"letter": letter, "title": title})


@never_cache
@login_required
def endorsements(request: AuthedRequest, slug: str) -> HttpResponse:
    """A coordinator's queue of requests to endorse from organisations not on Habeas."""
    letter = access_letter(request.user, slug, "letters.verify_endorsement")
    return render(
        request,
        "letters/endorsement_requests.html",
        {
            "letter": letter,
            "title": queries.letter_title(letter, get_language() or "en"),
            "requests": queries.pending_requests(letter, request.GET),
        },
    )


@require_POST
@login_required
def endorsement_decide(request: AuthedRequest, slug: str, endorsement_id: int) -> HttpResponse:
    """Verify (it shows on the letter) or reject a request; its contact address is erased."""
    letter = access_letter(request.user, slug, "letters.verify_endorsement")
    endorsement = queries.pending_request(letter, endorsement_id)
    if endorsement is None:
        raise Http404
    decision = request.POST.get("decision")
    if decision not in {"verify", "reject"}:
        messages.error(request, _("Choose to verify or to reject the request."))
        return redirect("letters:endorsement_requests", slug=letter.slug)
    try:
        endorsement_services.endorsement_decide(
            by=request.user, endorsement=endorsement, verify=decision == "verify"
        )
    except ValidationError as error:
        _report(request, error)
    else:
        if decision == "verify":
            messages.success(
                request,
                format_isolated(
                    _("Verified: %(name)s now shows on the letter."), name=endorsement.name
                ),
            )
        else:
            messages.success(
                request,
                format_isolated(_("Rejected: %(name)s will not show."), name=endorsement.name),
            )
    return redirect("letters:endorsement_requests", slug=letter.slug)
