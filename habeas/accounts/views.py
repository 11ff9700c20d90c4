"""Sign-in, second factor, password reset and sessions: parse, call a service, render."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from habeas.accounts import queries, services, throttle
from habeas.accounts.forms import (
    NewPasswordForm,
    PasswordResetByTaskForm,
    SignInForm,
    TokenForm,
    throttled_error,
)
from habeas.core.http import AuthedRequest
from habeas.core.privacy import client_address_pseudonym


def _next_url(request: HttpRequest, default: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code, drawn on the server (no script, no request)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@never_cache
@login_required
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Show a new authenticator's QR code and secret; confirm it with a code from the phone."""
    device = services.totp_device_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                user=request.user, token=form.cleaned_data["token"]
            )
        except ValidationError as error:
            form.add_error("token", error)
        else:
            django_otp.login(request, queries.two_factor_device(request.user))
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request, str(reverse_lazy("my_roles")))},
            )
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 — our own SVG markup
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request, ""),
        "replacing": queries.two_factor_device(request.user) is not None,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request: AuthedRequest) -> HttpResponse:
    """Ask for a code from the authenticator, or a recovery code, after the password.

    Behind the sign-in guard (habeas.accounts.throttle): five wrong codes
    from one address stop that address for fifteen minutes, and wrong codes
    from many addresses make strangers wait, never the account's own
    addresses. An attempt that must wait answers 429, its code unchecked.
    """
    if request.user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        guard = {
            "factor": throttle.SECOND_FACTOR,
            "account": str(request.user.pk),
            "address": client_address_pseudonym(request),
        }
        wait = throttle.wait_seconds(**guard)
        if wait:
            form.add_error(None, throttled_error(wait))
            status = 429
        else:
            verified = _verify_any_device(request, form.cleaned_data["token"])
            if verified is not None:
                throttle.success_record(**guard)
                django_otp.login(request, verified)
                if isinstance(verified, StaticDevice):
                    left = verified.token_set.count()
                    messages.warning(
                        request,
                        _("You used a recovery code; %(left)d are left.") % {"left": left},
                    )
                return redirect(_next_url(request))
            throttle.failure_record(**guard)
            form.add_error(
                "token",
                _("That code is not right, or it was already used. Wait for the next code."),
            )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request, "")},
        status=status,
    )


def _verify_any_device(request: AuthedRequest, token: str) -> Any:
    """The user's confirmed device that accepts the code, or None."""
    for device in queries.confirmed_devices(request.user):
        verified = django_otp.verify_token(request.user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


@require_POST
@login_required
def sessions_end_all(request: AuthedRequest) -> HttpResponse:
    """Sign out on every device, this one included."""
    services.sessions_end_all(user=request.user)
    logout(request)
    messages.success(request, _("You are signed out everywhere."))
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetByTaskForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
