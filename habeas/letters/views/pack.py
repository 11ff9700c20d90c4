"""The delivery pack: the letter as a PDF to hand over, and every public signatory as CSV.

For the letter's authoring organisations' editors and its campaign's
coordinators (``letters.delivery_pack``). Neither is cached: the pack is
made when asked for, from what counts at that moment.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from habeas.letters import pack as delivery


@never_cache
@require_safe
def pack_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    letter = delivery.access_pack(request.user, slug)
    response = HttpResponse(delivery.pack_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.slug}-delivery-pack.pdf"'
    return response


@never_cache
@require_safe
def pack_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    letter = delivery.access_pack(request.user, slug)
    response = StreamingHttpResponse(
        delivery.pack_csv(letter), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{letter.slug}-delivery-pack.csv"'
    return response
