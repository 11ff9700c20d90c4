"""What Habeas writes to its log, and what it leaves out.

A log line names a view by its URL name, a user, a task or a record by its
id, and nothing else about a person: no client address, no e-mail address,
no token. Settings attach the filter below to Django's request logger
(``LOGGING`` in habeas.settings); tasks log through habeas.core.tasks.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest


def request_place(request: HttpRequest) -> str:
    """Name where a request went and who sent it, by URL name and user id only.

    An address can carry a token (an invitation link), so the path itself
    is never named; an address that matched no view is "an unknown address".
    """
    match = request.resolver_match
    view = f"view {match.view_name}" if match is not None else "an unknown address"
    user = getattr(request, "user", None)
    who = f"user {user.pk}" if user is not None and user.is_authenticated else "anonymous"
    return f"{view}, {who}"


class ClientErrorFilter(logging.Filter):
    """Make Django's record of a refused request (4xx) one plain line.

    Django logs a PermissionDenied as "Forbidden (Permission denied): <path>"
    with the exception attached, which a handler prints as a traceback; a
    refusal is routine, not a fault. The record keeps Django's wording and
    level, loses the traceback, names the view and the user id in place of
    the path, and drops the request it carried (with the client's address in
    it), so no handler can print more. Server errors (5xx) keep everything.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if isinstance(request, HttpRequest):
            paths = {request.path, request.path.encode("unicode_escape").decode("ascii")}
            place = request_place(request)
            if isinstance(record.args, tuple):
                record.args = tuple(
                    place if isinstance(arg, str) and arg in paths else arg for arg in record.args
                )
            delattr(record, "request")
        return True
