"""Register pages: parse, access, call a service or query, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from habeas.cases import services
from habeas.cases.models import Person
from habeas.coalition.access import access_campaign


class CampaignPersonsForm(forms.Form):
    persons = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Persons this campaign defends"),
        queryset=Person.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@never_cache
@login_required
def campaign_persons(request: HttpRequest, slug: str) -> HttpResponse:
    """A coordinator chooses, from the register, the persons the campaign defends."""
    campaign = access_campaign(request.user, slug, "coalition.coordinate_campaign")
    form = CampaignPersonsForm(
        request.POST or None, initial={"persons": list(campaign.persons.all())}
    )
    if request.method == "POST" and form.is_valid():
        services.campaign_persons_set(
            by=request.user, campaign=campaign, persons=form.cleaned_data["persons"]
        )
        messages.success(request, _("The campaign's list of prisoners is saved."))
        return redirect(campaign)
    return render(
        request,
        "coalition/form_page.html",
        {
            "form": form,
            "title": _("Persons this campaign defends"),
            "submit": _("Save"),
            "back": campaign.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )
