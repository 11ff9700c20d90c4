"""Forms of the sign-in pages."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from habeas.accounts import throttle
from habeas.accounts.tasks import send_password_reset
from habeas.core.privacy import client_address_pseudonym


class TokenForm(forms.Form):
    """A six-digit authenticator code or an eight-character recovery code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].replace(" ", "").replace("-", "")
        if not token.isalnum():
            raise forms.ValidationError(_("A code has only letters and digits."))
        return token


def throttled_error(seconds: int) -> forms.ValidationError:
    """The refusal of an attempt that must wait, saying how long."""
    return forms.ValidationError(
        ngettext(
            "Too many wrong attempts for this account from other places. Nothing was "
            "checked; try again in %(seconds)d second.",
            "Too many wrong attempts for this account from other places. Nothing was "
            "checked; try again in %(seconds)d seconds.",
            seconds,
        ),
        code="throttled",
        params={"seconds": seconds},
    )


class SignInForm(AuthenticationForm):
    """Username and password, behind the sign-in guard (habeas.accounts.throttle).

    A password attempt the guard says must wait is refused unchecked; a
    wrong password counts against the account; a right one makes the
    address one of the account's own.
    """

    error_messages = {
        "invalid_login": _(
            "Wrong username or password. Both are case-sensitive; nothing was changed."
        ),
        "inactive": _("This account is switched off."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password") or self.request is None:
            return super().clean()
        address = client_address_pseudonym(self.request)
        guard = {"factor": throttle.FIRST_FACTOR, "account": username, "address": address}
        wait = throttle.wait_seconds(**guard)
        if wait:
            raise throttled_error(wait)
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            # A pair axes has locked was not checked either: nothing to count.
            if error.code == "invalid_login" and not getattr(
                self.request, "axes_locked_out", False
            ):
                throttle.failure_record(**guard)
            raise
        throttle.success_record(**guard)
        return cleaned


class PasswordResetByTaskForm(PasswordResetForm):
    """Django's reset form, queueing only the account's id: the worker makes the link."""

    # Django's label ("Email") has no Urdu in Django's own catalogue.
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Queue one reset mail per matching account, by id, in the current language.

        Takes Django's arguments; only ``domain_override``, ``use_https``
        and ``request`` are used, the templates being the worker's.
        """
        request = kwargs.get("request")
        domain = kwargs.get("domain_override") or (request.get_host() if request else "")
        use_https = bool(kwargs.get("use_https"))
        language = translation.get_language() or settings.LANGUAGE_CODE
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(
                partial(
                    send_password_reset.enqueue,
                    user_id=user.pk,
                    domain=domain,
                    use_https=use_https,
                    language=language,
                )
            )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's set-password form, with labels the Urdu catalogue translates
    (Django's own has no Urdu for "New password confirmation")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password, again")
