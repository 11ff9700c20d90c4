"""Mail about an account, built in the task worker."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


@task()
def send_password_reset(*, user_id: int, domain: str, use_https: bool, language: str) -> int:
    """Make a password-reset link for the user and mail it to them, in ``language``.

    The queue holds only the user's id: the token is made here, from the
    account's current state (Django's token generator), and exists nowhere
    but in the mail. Sends nothing (returns 0) when the account was switched
    off, lost its address or its usable password before the worker ran.
    """
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return 0
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with translation.override(language):
        subject = "".join(
            render_to_string("accounts/password_reset_subject.txt", context).splitlines()
        )
        body = render_to_string("accounts/password_reset_email.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email]).send()
