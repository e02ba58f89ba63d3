"""R2, R3: roles on every tenant URL, found by walking the resolver. A viewer writes nothing:
every POST answers 403 (or 405 where the view takes no POST). An editor does no admin work:
the admin pages answer 403 to GET and POST."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from companies.models import ROLE_RANK, Role
from tests.security.objects import Place
from tests.security.test_isolation_matrix import URL_KINDS, _objects, _walk

# POSTs a viewer may make, and why they are not writes of tenant data.
VIEWER_MAY_POST = {
    "companies:pick": "picks the working company of the viewer's own session (R7)",
    "documents:exposure_export_start": "a download of the exposure report (R23): a read",
}
# Pages that read only and treat a POST like a GET: a viewer's POST there must write nothing.
# (Better still, such views take GET only: then they answer 405 and need no entry here.)
READ_PAGES: set[str] = set()
# Pages that take GET (and HEAD) only: a POST answers 405 whatever the role.
GET_ONLY_PAGES = {
    "companies:dashboard",
    "companies:list",
    "customers:list",
    "customers:detail",
    "customers:addresses",
    "customers:shipto",
    "documents:list",
    "documents:detail",
    "documents:customer_documents",
    "documents:file",
    "documents:review_queue",
    "documents:exposure",
    "documents:exposure_export",
    "documents:exposure_download",
    "documents:requests",
    "imports:batch",
    "imports:progress",
    "imports:errors",
    "imports:export",
    "imports:template",
}
# Pages only admins (and owners) open (R2: users, companies, settings).
ADMIN_URLS = {
    "companies:create",
    "companies:edit",
    "companies:move",
    "companies:delete",
    "companies:members",
    "companies:member_add",
    "companies:member_edit",
    "companies:member_remove",
    "companies:invitation_revoke",
    "companies:settings",
    "imports:mark_failed",
}
# Pages only owners open (R52: the security log).
OWNER_URLS = {"security:log"}
EXTRA_KWARGS = {"imports:template": {"kind": "basic"}}


def tenant_urls() -> list[str]:
    return sorted(
        {
            name
            for name, converters in _walk(get_resolver().url_patterns)
            if "tenant_slug" in converters
        }
    )


TENANT_URLS = tenant_urls()


def _url(name, world, place):
    kwargs = _objects(name, place) if name in URL_KINDS else EXTRA_KWARGS.get(name, {})
    return reverse(name, kwargs={"tenant_slug": world.tenant.slug, **kwargs})


def test_every_admin_url_exists():
    assert set(TENANT_URLS) >= ADMIN_URLS | OWNER_URLS
    assert set(VIEWER_MAY_POST) <= set(TENANT_URLS)


def _writes(queries) -> list[str]:
    """Statements that change data, the session's own row and the security log's entry of the
    refusal (R52) aside."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
        and "security_securityevent" not in q["sql"]
    ]


@pytest.mark.parametrize("name", [n for n in TENANT_URLS if n not in VIEWER_MAY_POST])
def test_viewer_cannot_post(name, alice, login):
    """R2, R3: a viewer's POST to any tenant URL answers 403 (405 where POST is not taken);
    a read-only page that treats POST as GET writes nothing."""
    url = _url(name, alice, Place(alice, alice.company, alice.viewer))
    client = login(alice.viewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url)
    assert not _writes(queries.captured_queries), url
    if name not in READ_PAGES:
        assert response.status_code in (403, 405), (url, response.status_code)


def test_read_pages_are_tenant_urls():
    assert set(TENANT_URLS) >= READ_PAGES | GET_ONLY_PAGES


@pytest.mark.parametrize("name", sorted(GET_ONLY_PAGES))
def test_read_only_pages_refuse_post(name, alice, login):
    """R2, R3: a page that only reads is marked safe-methods-only: an editor's POST answers
    405 and writes nothing, while GET still opens it."""
    url = _url(name, alice, Place(alice, alice.company, alice.editor))
    client = login(alice.editor)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url)
    assert response.status_code == 405, (url, response.status_code)
    assert not _writes(queries.captured_queries), url
    query = "?template=basic" if name == "imports:export" else ""
    assert client.get(url + query).status_code in (200, 302), url


@pytest.mark.parametrize("name", sorted(ADMIN_URLS))
def test_editor_cannot_do_admin_work(name, alice, login):
    """R2, R3: users, companies and settings are the admin's: an editor gets 403."""
    url = _url(name, alice, Place(alice, alice.company, alice.editor))
    client = login(alice.editor)
    assert client.get(url).status_code in (403, 405)
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("name", sorted(ADMIN_URLS))
def test_admin_opens_admin_pages(name, alice, login):
    """R2 (control): the admin reaches the same pages, so the 403 above is the role."""
    url = _url(name, alice, Place(alice, alice.company, alice.admin))
    client = login(alice.admin)
    assert client.get(url).status_code in (200, 405)
    assert client.post(url).status_code in (200, 302)


@pytest.mark.parametrize("name", sorted(OWNER_URLS))
def test_only_owners_open_owner_pages(name, alice, login):
    """R2, R52: an admin gets 403 on the owners' pages; the owner opens them."""
    url = _url(name, alice, Place(alice, alice.company, alice.admin))
    assert login(alice.admin).get(url).status_code == 403
    assert login(alice.owner).get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(VIEWER_MAY_POST))
def test_anonymous_posts_go_to_login(name, alice, client):
    """R3: no login redirects to the login page, POSTs included."""
    response = client.post(_url(name, alice, Place(alice, alice.company, alice.viewer)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_roles_are_ranked():
    """R2: each role can do what the roles below it can."""
    assert [ROLE_RANK[r] for r in (Role.VIEWER, Role.EDITOR, Role.ADMIN, Role.OWNER)] == [
        1,
        2,
        3,
        4,
    ]
