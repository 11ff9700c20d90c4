"""No secret at rest: the links mailed by the worker are found nowhere in storage.

An invitation and a password reset are asked for through the pages, a real
worker sends them to a real SMTP server, and then every table of the
database (and, on Redis, every key) is read back in full: neither token nor
link is there, while both links work.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client

from habeas.coalition.models import Invitation, Role
from habeas.coalition.services import token_digest
from tests.conftest import Mailbox
from tests.factories import OrganisationFactory, UserFactory, grant, sign_in

INVITATION_LINK = re.compile(r"http://testserver(/accounts/invitations/([\w-]+)/)")
RESET_LINK = re.compile(r"http://testserver(/accounts/password-reset/([\w-]+)/([\w-]+)/)")


def database_dump() -> str:
    """Every value of every row of every table, as text."""
    values: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        values.append(bytes(value).decode("latin-1"))
                    else:
                        values.append(str(value))
    return "\n".join(values)


def redis_dump(client: Any) -> bytes:
    """Every value under every key of the Redis database, and its zlib-inflated form."""
    values: list[bytes] = []
    for key in client.scan_iter("*"):
        kind = client.type(key)
        if kind == b"string":
            found = [client.get(key)]
        elif kind == b"hash":
            found = [part for item in client.hgetall(key).items() for part in item]
        elif kind == b"list":
            found = client.lrange(key, 0, -1)
        elif kind == b"set":
            found = list(client.smembers(key))
        elif kind == b"zset":
            found = client.zrange(key, 0, -1)
        elif kind == b"stream":
            found = [
                part
                for _id, fields in client.xrange(key)
                for item in fields.items()
                for part in item
            ]
        else:
            found = []
        values.append(key)
        for value in found:
            values.append(value)
            with contextlib.suppress(zlib.error):
                values.append(zlib.decompress(value))  # RQ stores job data compressed
    return b"\n".join(values)


def _ask_for_both(admin: Any) -> None:
    """An organisation admin invites an editor; an organiser asks for a password reset."""
    inviter = sign_in(Client(), admin)
    response = inviter.post(
        "/organisations/org-a/members/invite/",
        {"email": "new.editor@example.org", "role": Role.ORG_EDITOR},
    )
    assert response.status_code == 302
    response = Client().post("/accounts/password-reset/", {"email": "forgetful@example.org"})
    assert response.status_code == 302


def _links(mailbox: Mailbox) -> tuple[re.Match[str], re.Match[str]]:
    bodies = [m.get_payload(decode=True).decode() for m in mailbox.messages]  # type: ignore[union-attr]
    [invitation] = [found for b in bodies if (found := INVITATION_LINK.search(b))]
    [reset] = [found for b in bodies if (found := RESET_LINK.search(b))]
    return invitation, reset


def _assert_links_work(invitation: re.Match[str], reset: re.Match[str], user: Any) -> None:
    assert Invitation.objects.get().token_sha256 == token_digest(invitation.group(2))
    page = Client().get(invitation.group(1))
    assert page.status_code == 200
    assert "invites you to be Organisation editor for <bdi>Org A</bdi>" in page.content.decode()
    client = Client()
    form = client.get(reset.group(1), follow=True)
    assert form.status_code == 200
    new_password = "a fresh and long passphrase"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).check_password(new_password)


@pytest.fixture
def people(db: None) -> tuple[Any, Any]:
    admin = UserFactory(username="admin_a")
    grant(admin, Role.ORG_ADMIN, organisation=OrganisationFactory(slug="org-a", name="Org A"))
    forgetful = UserFactory(username="forgetful", email="forgetful@example.org")
    return admin, forgetful


@pytest.mark.django_db(transaction=True)
def test_no_mailed_token_or_link_is_left_in_any_table(
    smtp_server: Mailbox, people: tuple[Any, Any]
) -> None:
    """After the database worker sends both mails, no table holds either token or link."""
    admin, forgetful = people
    _ask_for_both(admin)
    queued = database_dump()
    assert "invites you" not in queued  # the queue holds ids, not the mail
    assert "reset the password" not in queued

    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0
    )

    assert len(smtp_server.messages) == 2
    invitation, reset = _links(smtp_server)
    dump = database_dump()
    for secret in (invitation.group(0), invitation.group(2), reset.group(0), reset.group(3)):
        assert secret not in dump
    assert "invites you" not in dump
    assert "reset the password" not in dump
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.exists()  # finished tasks are deleted
    _assert_links_work(invitation, reset, forgetful)


@pytest.mark.django_db(transaction=True)
def test_no_mailed_token_or_link_is_left_in_redis(
    smtp_server: Mailbox,
    redis_queue: Any,
    people: tuple[Any, Any],
) -> None:
    """On RQ, the queued jobs carry ids only, and nothing of them is left once they ran."""
    import django_rq

    admin, forgetful = people
    _ask_for_both(admin)
    jobs = django_rq.get_queue("default").jobs
    assert sorted(sorted(job.kwargs) for job in jobs) == [
        ["domain", "language", "use_https", "user_id"],
        ["invitation_id", "language", "site_url"],
    ]
    queued = redis_dump(redis_queue)
    assert b"invites you" not in queued
    assert b"reset the password" not in queued

    worker = django_rq.get_worker(
        "default", job_class="django_tasks_rq.Job", worker_class="rq.worker.SimpleWorker"
    )
    worker.work(burst=True)

    assert len(smtp_server.messages) == 2
    invitation, reset = _links(smtp_server)
    dump = redis_dump(redis_queue)
    for secret in (invitation.group(0), invitation.group(2), reset.group(0), reset.group(3)):
        assert secret.encode() not in dump
    assert b"invites you" not in dump
    assert redis_queue.keys("rq:job:*") == []
    assert redis_queue.keys("rq:results:*") == []
    database = database_dump()
    for secret in (invitation.group(0), invitation.group(2), reset.group(0), reset.group(3)):
        assert secret not in database
    _assert_links_work(invitation, reset, forgetful)
