"""The links a signer gets by e-mail: to confirm a signature, and to withdraw or erase it.

Nothing is stored: each token is the signature's id signed with the site's
secret, bound to what it acts on. The confirmation token also binds the
signature's status, so it works once (a confirmed signature no longer
matches it) and it expires with the signature (7 days). The manage token
binds the address's keyed hash, so it stops working once the signature has
been erased or anonymised.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.crypto import constant_time_compare, salted_hmac

from habeas.core.tokens import sign_id_and_binding, unsign_id_and_binding
from habeas.letters.models import Signature

CONFIRM_LIFETIME = timedelta(days=7)
_CONFIRM_SALT = "habeas.letters.confirm"
_MANAGE_SALT = "habeas.letters.manage"


def _binding(signature: Signature, *parts: str) -> str:
    return salted_hmac(
        "habeas.letters.binding",
        "\x00".join([str(signature.pk), signature.email_key or "", *parts]),
        algorithm="sha256",
    ).hexdigest()[:32]


def confirm_token(signature: Signature) -> str:
    """A token that confirms this pending signature once, for CONFIRM_LIFETIME."""
    binding = _binding(signature, signature.status)
    return sign_id_and_binding(signature.pk, binding, salt=_CONFIRM_SALT, timed=True)


def manage_token(signature: Signature) -> str:
    """A token that withdraws this signature or erases its signer's data."""
    return sign_id_and_binding(signature.pk, _binding(signature, "manage"), salt=_MANAGE_SALT)


def signature_for_confirm_token(token: str) -> Signature | None:
    """The pending signature this token confirms, or None if it is forged, expired or used."""
    found = unsign_id_and_binding(token, salt=_CONFIRM_SALT, max_age=CONFIRM_LIFETIME)
    if found is None:
        return None
    signature = Signature.objects.select_related("letter").filter(pk=found[0]).first()
    if signature is None or signature.status != Signature.Status.PENDING:
        return None
    if not constant_time_compare(found[1], _binding(signature, signature.status)):
        return None
    return signature


def signature_for_manage_token(token: str) -> Signature | None:
    """The signature this token manages, or None if forged or if it has been erased."""
    found = unsign_id_and_binding(token, salt=_MANAGE_SALT)
    if found is None:
        return None
    signature = Signature.objects.select_related("letter").filter(pk=found[0]).first()
    if signature is None or not signature.email_key:
        return None
    if not constant_time_compare(found[1], _binding(signature, "manage")):
        return None
    return signature
