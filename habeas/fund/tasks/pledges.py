"""Mail to pledgers: the confirmation link, and the one reminder with how to pay.

Tasks take ids only: the worker reads the rows and makes the links itself,
so the queue never holds an address or a token. Each mail is in the
pledge's language. A pledge no longer waiting for what the mail is about
(confirmed, cancelled, received, lapsed, deleted), or without an address,
gets nothing.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django_tasks import task

from habeas.coalition.models import Campaign
from habeas.fund import tokens
from habeas.fund.models import Fund, Pledge
from habeas.fund.money import format_money
from habeas.fund.services import pledges as services

logger = logging.getLogger("habeas.fund")

StrOrPromise = str | Promise

# Translators: the subject of the mail that asks a pledger to confirm their pledge.
CONFIRM_SUBJECT = gettext_lazy("Confirm your pledge to %(title)s")
# Translators: the subject of the one reminder to a pledger who has not paid yet.
REMINDER_SUBJECT = gettext_lazy("Your pledge to %(title)s: how to pay")


def campaign_title(campaign: Campaign, language: str) -> str:
    """The campaign's title in ``language`` where it has one, else its English title."""
    if language == "ur" and campaign.title_ur:
        return campaign.title_ur
    return campaign.title


def how_to_pay(fund: Fund, language: str) -> str:
    """The fund's published payment details in ``language`` where given, else in English."""
    if language == "ur" and fund.how_to_pay_ur:
        return fund.how_to_pay_ur
    return fund.how_to_pay


def fund_page_path(fund: Fund) -> str:
    """The path of the fund's public page in the active language (its pledge page
    until the public page is routed)."""
    try:
        return fund.get_absolute_url()
    except NoReverseMatch:
        return reverse("fund:pledge", kwargs={"slug": fund.campaign.slug})


def _message(pledge: Pledge, template: str, subject: StrOrPromise) -> EmailMessage:
    """The mail ``template`` for ``pledge``, subject and all in the pledge's language."""
    fund = pledge.fund
    with translation.override(pledge.language):
        title = campaign_title(fund.campaign, pledge.language)
        context = {
            "name": pledge.name,
            "title": title,
            "amount": format_money(pledge.amount_minor, pledge.currency),
            "reference": services.pledge_reference(pledge),
            "how_to_pay": how_to_pay(fund, pledge.language),
            "confirm_days": tokens.confirm_within().days,
            "expire_days": services.expire_after().days,
            "fund_url": settings.SITE_URL + fund_page_path(fund),
        }
        if pledge.status == Pledge.Status.PENDING:
            context["confirm_url"] = settings.SITE_URL + reverse(
                "fund:pledge_confirm", kwargs={"token": tokens.confirm_token(pledge)}
            )
        else:
            context["manage_url"] = settings.SITE_URL + reverse(
                "fund:pledge_manage", kwargs={"token": tokens.manage_token(pledge)}
            )
        body = render_to_string(template, context)
        text = str(subject) % {"title": title}
    return EmailMessage(subject=text, body=body, to=[pledge.email])


def _pledges(ids: list[int], status: str) -> list[Pledge]:
    return list(
        Pledge.objects.select_related("fund__campaign")
        .filter(pk__in=ids, status=status)
        .exclude(email="")
        .order_by("pk")
    )


@task()
def send_pledge_confirmation(*, pledge_id: int) -> int:
    """Mail pledge ``pledge_id``'s confirmation link, if it still waits; return 0 or 1."""
    found = _pledges([pledge_id], Pledge.Status.PENDING)
    if not found:
        return 0
    return _message(found[0], "fund/pledge_confirm_email.txt", CONFIRM_SUBJECT).send()


@task()
def send_pledge_reminders(*, pledge_ids: list[int]) -> int:
    """Send the reminders claimed by ``pledges_remind_due`` over one SMTP connection;
    return how many the server took.

    A reminder the server refused, or all of them if it could not be reached,
    is made owed again for the next clock run.
    """
    found = _pledges(pledge_ids, Pledge.Status.CONFIRMED)
    if not found:
        return 0
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning(
            "Mail server unreachable (%s): %d pledge reminders wait",
            type(error).__name__,
            len(found),
        )
        services.pledge_reminder_failed(pledge_ids=[pledge.pk for pledge in found])
        return 0
    sent = 0
    failed: list[int] = []
    try:
        for pledge in found:
            message = _message(pledge, "fund/pledge_reminder_email.txt", REMINDER_SUBJECT)
            message.connection = connection
            try:
                sent += message.send()
            except (smtplib.SMTPException, OSError) as error:
                logger.warning("Pledge reminder refused (%s)", type(error).__name__)
                failed.append(pledge.pk)
    finally:
        connection.close()
    if failed:
        services.pledge_reminder_failed(pledge_ids=failed)
    return sent
