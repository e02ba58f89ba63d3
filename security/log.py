"""Writes the security log (R52): each denied access with user, tenant, path, address, time."""

import logging

from django.db import DatabaseError, transaction

from security.models import EventKind, SecurityEvent

logger = logging.getLogger("certhub.security")


def client_address(request) -> str | None:
    """The address the request came from, as the web server saw it (REMOTE_ADDR). Behind a
    proxy, the proxy must set REMOTE_ADDR to the client's (e.g. gunicorn --forwarded-allow-ips);
    X-Forwarded-For is not read here, since any client can write it."""
    return request.META.get("REMOTE_ADDR") or None


def record(
    request, kind: EventKind, *, tenant=None, user=None, username: str = "", detail: str = ""
) -> SecurityEvent | None:
    """Store one denied access. `user` defaults to the request's logged-in user. The path has
    its secret parts (request-link tokens) left out. A failure to write the log never turns
    the refusal into a server error: it is logged instead."""
    from companies.middleware import redacted_path

    if (
        user is None
        and getattr(request, "user", None) is not None
        and request.user.is_authenticated
    ):
        user = request.user
    event = SecurityEvent(
        tenant=tenant,
        kind=kind,
        user=user,
        username=username[:254],
        method=request.method or "",
        path=redacted_path(request)[:500],
        detail=detail[:300],
        ip_address=client_address(request),
    )
    try:
        with transaction.atomic():  # creating a row needs no scope (companies.scoping)
            event.save()
    except DatabaseError:
        logger.exception("Could not write the security log: %s %s", kind, event.path)
        return None
    return event
