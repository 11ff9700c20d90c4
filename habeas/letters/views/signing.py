"""Signing a letter without an account: the form's answer, confirmation, withdrawal.

These pages are a visitor's: they set no cookie and carry no CSRF token.
A POST is refused unless the browser says it came from this site
(habeas.core.origin); confirming and withdrawing are bound by the token
in the mailed link besides.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from habeas.core.origin import same_origin
from habeas.core.pagecache import late_field, late_value, public_page
from habeas.core.privacy import client_address_pseudonym
from habeas.letters import tokens
from habeas.letters.access import access_letter_for_reader, access_letter_to_sign
from habeas.letters.forms import SignatureForm
from habeas.letters.models import Letter
from habeas.letters.services import signing as services

_STARTED_SALT = "habeas.letters.form-started"
# A form older than this is answered with a fresh one instead of being taken.
_FORM_LIFETIME = timedelta(days=2)


def _started_stamp(now: datetime) -> str:
    """A signed time the form was served: the same for every visitor in that second."""
    return signing.dumps(int(now.timestamp()), salt=_STARTED_SALT)


STARTED_FIELD = "letters-started"
late_field(STARTED_FIELD, lambda: _started_stamp(timezone.now()))


def _started_at(value: str) -> datetime | None:
    """When the form was served, or None if the stamp is missing, forged or too old."""
    try:
        seconds = signing.loads(value, salt=_STARTED_SALT, max_age=_FORM_LIFETIME)
    except signing.BadSignature:
        return None
    if not isinstance(seconds, int):
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def sign_form_context(
    request: HttpRequest, letter: Letter, form: SignatureForm | None = None
) -> dict[str, object]:
    """What ``letters/_sign_form.html`` needs: the form; whether the letter takes signatures."""
    now = timezone.now()
    if form is None:
        # A page kept for every visitor gets the served-at time as it is sent.
        form = SignatureForm(initial={"started": late_value(request, STARTED_FIELD)})
    return {
        "letter": letter,
        "sign_form": form,
        "letter_open": services.letter_is_open(letter, now),
    }


def _refused_origin(request: HttpRequest) -> HttpResponse:
    return render(request, "letters/refused_origin.html", status=403)


@public_page()
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    """The sign form on its own page; its POST records a signature and asks for confirmation.

    Every accepted submission is answered alike (303 to "check your e-mail"),
    whether the address had signed, was new, or was kept as suspect.
    """
    if request.method != "POST":
        letter = access_letter_for_reader(request.user, slug)
        return render(request, "letters/sign.html", sign_form_context(request, letter))
    letter = access_letter_to_sign(request.user, slug)
    if not same_origin(request):
        return _refused_origin(request)
    form = SignatureForm(request.POST)
    if not services.letter_is_open(letter, timezone.now()):
        return render(request, "letters/sign.html", sign_form_context(request, letter), status=409)
    if not form.is_valid():
        context = sign_form_context(request, letter, form)
        return render(request, "letters/sign.html", context, status=400)
    data = form.cleaned_data
    facts = services.SignatureFacts(
        name=data["name"],
        email=data["email"],
        country=data["country"],
        city=data["city"],
        affiliation=data["affiliation"],
        show_name=data["show_name"],
        send_updates=data["send_updates"],
        language=get_language() or "en",
    )
    try:
        services.signature_submit(
            letter=letter,
            facts=facts,
            ip_hash=client_address_pseudonym(request),
            honeypot=data["website"],
            started_at=_started_at(data["started"]),
        )
    except ValidationError:
        # The letter closed between the check above and the write.
        return render(request, "letters/sign.html", sign_form_context(request, letter), status=409)
    answer = HttpResponseRedirect(reverse("letters:signed", kwargs={"slug": letter.slug}))
    answer.status_code = 303  # See Other: the browser GETs the answer page
    return answer


@public_page()
@require_http_methods(["GET", "HEAD"])
def signed(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Check your e-mail": the one answer every submission gets."""
    letter = access_letter_for_reader(request.user, slug)
    return render(request, "letters/signed.html", {"letter": letter})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: a page whose button confirms (a POST), so that mail
    scanners that follow links neither confirm the signature nor use up the link."""
    signature = tokens.signature_for_confirm_token(token)
    if signature is None:
        return render(request, "letters/link_invalid.html", status=404)
    if request.method != "POST":
        return render(request, "letters/confirm.html", {"letter": signature.letter})
    if not same_origin(request):
        return _refused_origin(request)
    confirmed = services.signature_confirm(signature=signature)
    return render(
        request,
        "letters/confirmed.html",
        {"letter": confirmed.letter, "manage_token": tokens.manage_token(confirmed)},
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every mail: withdraw this signature, or erase everything of this address."""
    signature = tokens.signature_for_manage_token(token)
    if signature is None:
        return render(request, "letters/link_invalid.html", status=404)
    if request.method != "POST":
        return render(request, "letters/manage.html", {"signature": signature})
    if not same_origin(request):
        return _refused_origin(request)
    action = request.POST.get("action")
    if action == "withdraw":
        services.signature_withdraw(signature=signature)
        return render(request, "letters/withdrawn.html", {"letter": signature.letter})
    if action == "erase":
        services.signer_erase(signature=signature)
        return render(request, "letters/erased.html")
    return render(request, "letters/manage.html", {"signature": signature}, status=400)
