"""Request-level safety across the app: CSRF on every POST, no open redirects, no scope turned
off in request code beyond the reviewed places, no stored file reachable by a plain URL
(R3, R4, R27)."""

import ast
import pathlib

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, reverse

from tests.security import objects
from tests.security.objects import Place
from tests.security.test_isolation_matrix import URL_KINDS, _objects, _walk
from tests.security.test_role_matrix import EXTRA_KWARGS

ROOT = pathlib.Path(settings.BASE_DIR)


def _all_urls() -> list[str]:
    """Every named URL of the project except the Django admin's (Django tests those)."""
    return sorted(
        {name for name, _ in _walk(get_resolver().url_patterns) if not name.startswith("admin:")}
    )


ALL_URLS = _all_urls()


def _url(name, alice):
    kwargs = {}
    if name in URL_KINDS:
        kwargs = _objects(name, Place(alice, alice.company, alice.admin))
    kwargs.update(EXTRA_KWARGS.get(name, {}))
    if name == "public:request_upload":  # an open link: an unknown one answers 404 at once
        kwargs["token"] = objects.open_link(Place(alice, alice.company, alice.admin))
    if name == "invitation_accept":
        kwargs["token"] = "unknown-token"
    if name == "accounts:password_reset_confirm":
        kwargs.update(uidb64="MQ", token="set-password")
    pattern_kwargs = {
        k for n, converters in _walk(get_resolver().url_patterns) if n == name for k in converters
    }
    if "tenant_slug" in pattern_kwargs:
        kwargs["tenant_slug"] = alice.tenant.slug
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", ALL_URLS)
def test_every_post_needs_the_csrf_token(name, alice):
    """R3: a POST without the CSRF token is refused by the CSRF check (403 naming CSRF), for
    every URL of the app, the upload views that swap the CSRF middleware for an inner check
    and the public request page included."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(_url(name, alice), {"text": "no token"})
    assert response.status_code == 403, (name, response.status_code)
    assert b"CSRF" in response.content


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]
)
def test_login_next_cannot_leave_the_site(alice, client, password, target):
    """Open redirects: the log-in's `next` goes only to this site."""
    response = client.post(
        "/accounts/login/", {"username": alice.viewer.email, "password": password, "next": target}
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_logout_next_cannot_leave_the_site(alice, login, target):
    """Open redirects: the log-out's `next` goes only to this site."""
    response = login(alice.viewer).post("/accounts/logout/", {"next": target})
    assert "evil" not in response.get("Location", "")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_company_picker_next_cannot_leave_the_site(alice, login, target):
    """Open redirects (R7): the working-company picker comes back only to this site."""
    response = login(alice.viewer).post(
        alice.url("pick-company/"), {"company": str(alice.company.public_id), "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == alice.url()


def test_request_actions_next_stays_on_the_requests_list(alice, login):
    """Open redirects (R30): resend/cancel come back to the requests list only."""
    item = _objects("documents:request_cancel", Place(alice, alice.company, alice.editor))
    response = login(alice.editor).post(
        alice.url(f"requests/{item['public_id']}/cancel/"), {"next": "//evil.example/"}
    )
    assert response["Location"] == alice.url("requests/")


def test_stored_files_are_not_served_by_a_plain_url(alice, client, login, settings):
    """R4, R27: the bytes of a stored document are reachable only through the permission-
    checked view, not by their storage name under any public path."""
    from tests.security.objects import document

    doc = document(Place(alice, alice.company, alice.admin))
    browser = login(alice.admin)
    for prefix in ("/", "/media/", "/static/", settings.MEDIA_URL or "/"):
        path = prefix.rstrip("/") + "/" + doc.file.name
        assert browser.get(path).status_code == 404, path
    assert browser.get(alice.url(f"documents/{doc.public_id}/file/")).status_code == 200


# Where request code turns the tenant scope off, and why each is safe (R4). Management
# commands, migrations and the Django admin's own classes are outside request code.
SCOPES_DISABLED_ALLOWED = {
    "companies/middleware.py": "the Django admin, which filters by the staff user's tenants",
    "companies/views.py": "home: the user's own memberships, filtered by user",
    "companies/context_processors.py": "the top bar's tenant switcher: the user's memberships",
    "companies/admin_scoping.py": "the admin's querysets, filtered by tenant ids",
    "companies/admin.py": "admin forms reading the acting user's membership",
    "documents/services/request_links.py": "the public link's lookup by token hash, the only key",
    "companies/invitations.py": "an invitation link's lookup by token hash, the only key (R50)",
    "security/log.py": "writing a security log entry, whose tenant may be none (R52)",
    "security/admin.py": "the security log's admin, for superusers only (R52)",
}


def test_scopes_are_turned_off_only_where_reviewed():
    """R4: `scopes_disabled()` and `with_scopes_disabled()` appear in app code only in the
    reviewed places; a new use must be reviewed and listed here."""
    found = set()
    for app in ("accounts", "companies", "customers", "documents", "imports", "security"):
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/management/" in relative:
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                name = getattr(node, "attr", None) or getattr(node, "id", None)
                if name in ("scopes_disabled", "with_scopes_disabled"):
                    found.add(relative)
    assert found <= set(SCOPES_DISABLED_ALLOWED), sorted(found - set(SCOPES_DISABLED_ALLOWED))
