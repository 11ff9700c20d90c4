"""Forms of the organisers' report pages: the report, a photo, a blur, a withdrawal.

They parse only; the services check uploads, regions and rights.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from habeas.core.text import validate_no_bidi_controls

# Rows of rectangle inputs on the blur page (no JavaScript needed).
BLUR_ROWS = 5


class ReportForm(forms.Form):
    body = forms.CharField(
        label=_("What happened"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        validators=[validate_no_bidi_controls],
    )


class PhotoForm(forms.Form):
    # A FileField, not an ImageField: the service reads the type from the bytes
    # and says clearly what is wrong, in one place for every caller.
    image = forms.FileField(
        label=_("Photo (JPEG, PNG or WebP, up to 15 MB; all its metadata is removed)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={
            "required": _("Choose a photo to upload."),
            "empty": _("The file is empty."),
        },
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    alt_text = forms.CharField(
        label=_("Description for people who cannot see the photo"),
        max_length=300,
        required=False,
    )
    keep_original = forms.BooleanField(required=False, initial=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = settings.ACTIONS_ORIGINAL_RETENTION.days
        self.fields["keep_original"].label = ngettext_lazy(
            "Keep the original privately for %(days)d day (never shown; deleted then)",
            "Keep the original privately for %(days)d days (never shown; deleted then)",
            days,
        ) % {"days": days}


class BlurForm(forms.Form):
    """Up to BLUR_ROWS rectangles (x, y, width, height in the photo's pixels) and why."""

    reason = forms.CharField(
        label=_("Why it is blurred (shown publicly beside the photo)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(BLUR_ROWS):
            for part, label in (
                ("x", _("x (from the left)")),
                ("y", _("y (from the top)")),
                ("width", _("width")),
                ("height", _("height")),
            ):
                self.fields[f"r{row}_{part}"] = forms.IntegerField(
                    label=label, required=False, min_value=0, max_value=100_000
                )

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"r{row}_{part}"] for part in ("x", "y", "width", "height")]
            for row in range(BLUR_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        regions = []
        for row in range(BLUR_ROWS):
            values = [data.get(f"r{row}_{part}") for part in ("x", "y", "width", "height")]
            if all(value is None for value in values):
                continue
            if any(value is None for value in values):
                raise ValidationError(
                    _("Area %(n)d: give x, y, width and height.") % {"n": row + 1}
                )
            x, y, width, height = values
            regions.append({"x": x, "y": y, "width": width, "height": height})
        if not regions and not self.errors:
            raise ValidationError(_("Mark at least one area to blur."))
        data["regions"] = regions
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (seen only by your organisation's editors)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
