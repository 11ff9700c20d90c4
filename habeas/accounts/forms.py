"""Forms of the sign-in pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from habeas.accounts.tasks import send_password_reset


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


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. Both are case-sensitive; nothing was changed."
        ),
        "inactive": _("This account is switched off."),
    }


class PasswordResetByTaskForm(PasswordResetForm):
    """Django's reset form, queueing only the account's id: the worker makes the link."""

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Queue one reset mail per matching account, by id, in the current language.

        Takes Django's arguments; only ``domain_override``, ``use_https``
        and ``request`` are used, the templates being the worker's.
        """
        request = kwargs.get("request")
        domain = kwargs.get("domain_override") or (request.get_host() if request else "")
        use_https = bool(kwargs.get("use_https"))
        language = translation.get_language() or settings.LANGUAGE_CODE
        for user in self.get_users(self.cleaned_data["email"]):
            user_id = user.pk
            transaction.on_commit(
                lambda user_id=user_id: send_password_reset.enqueue(
                    user_id=user_id, domain=domain, use_https=use_https, language=language
                )
            )
