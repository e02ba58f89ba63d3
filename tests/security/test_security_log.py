"""R52: denied accesses are recorded with user, tenant, path, address and time: another tenant's
or an unreachable company's id (the 404 of R3), a tenant the user is not a member of, a role too
low (403), failed log-ins, unknown request-link tokens. A tenant's owners read their tenant's
entries on a page; superusers read all in the admin."""

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from companies.models import Role
from security.models import EventKind, SecurityEvent
from tests.factories import UserFactory, make_company, make_customer, make_membership


def _events(**filters) -> list[SecurityEvent]:
    with scopes_disabled():
        return list(SecurityEvent.objects.filter(**filters).select_related("tenant", "user"))


def _client(user) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.10")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_another_tenants_id_is_recorded(alice, bob):
    """R52: alice's editor asking for bob's customer gets 404, recorded with who, where from,
    which tenant and path, and when."""
    customer = make_customer(bob.company, "B-1")
    before = timezone.now()
    path = alice.url(f"customers/{customer.public_id}/")
    assert _client(alice.editor).get(path).status_code == 404
    [event] = _events()
    assert (event.kind, event.tenant, event.user, event.method, event.path, event.ip_address) == (
        EventKind.NOT_FOUND,
        alice.tenant,
        alice.editor,
        "GET",
        path,
        "192.0.2.10",
    )
    assert event.created_at >= before


def test_an_unreachable_companys_id_is_recorded(alice):
    """R52: a member limited to one company asking for a customer of another gets 404, and
    the entry says so."""
    side = make_company(alice.tenant, "SIDE", "Side", parent=alice.company)
    limited = make_membership(alice.tenant, role=Role.EDITOR, companies=[side]).user
    customer = make_customer(alice.company, "HQ-1")
    assert _client(limited).get(alice.url(f"customers/{customer.public_id}/")).status_code == 404
    [event] = _events()
    assert (event.kind, event.tenant, event.user) == (EventKind.NOT_FOUND, alice.tenant, limited)


def test_a_tenant_without_membership_is_recorded_for_that_tenant(alice, bob, login):
    """R52: alice's admin opening bob's tenant gets 404; the entry is bob's, so bob's owners
    see that a non-member knocked, without the account being named to them (R50: they learn
    nothing of accounts outside their tenant); superusers see who in the admin."""
    assert _client(alice.admin).get(bob.url("customers/")).status_code == 404
    [event] = _events()
    assert (event.kind, event.tenant, event.user, event.detail) == (
        EventKind.NOT_FOUND,
        bob.tenant,
        alice.admin,
        "Not a member of this tenant.",
    )
    html = login(bob.owner).get(bob.url("security-log/")).content.decode()
    assert "an account that is not a member" in html and alice.admin.email not in html


def test_a_role_too_low_is_recorded(alice):
    """R52: an editor posting to the settings page gets 403, recorded with the reason."""
    assert _client(alice.editor).post(alice.url("settings/"), {"name": "X"}).status_code == 403
    [event] = _events()
    assert (event.kind, event.tenant, event.user, event.method, event.detail) == (
        EventKind.FORBIDDEN,
        alice.tenant,
        alice.editor,
        "POST",
        "This needs the admin role.",
    )


def test_a_failed_log_in_is_recorded(alice):
    """R52: a wrong password is recorded with the email typed and the address, no tenant."""
    response = Client(REMOTE_ADDR="192.0.2.20").post(
        "/accounts/login/", {"username": "Alice-Viewer@Example.com", "password": "wrong"}
    )
    assert response.status_code == 200
    [event] = _events()
    assert (event.kind, event.tenant, event.user, event.username, event.ip_address) == (
        EventKind.LOGIN_FAILED,
        None,
        None,
        "alice-viewer@example.com",
        "192.0.2.20",
    )


def test_an_unknown_request_link_is_recorded_without_its_token(db):
    """R52: an unknown token on the public page is recorded; the token itself is not stored
    (it could be a real link mistyped)."""
    assert Client(REMOTE_ADDR="192.0.2.30").get("/r/almost-a-real-token/").status_code == 404
    [event] = _events()
    assert (event.kind, event.path, event.ip_address) == (
        EventKind.UNKNOWN_LINK,
        "/r/<token>/",
        "192.0.2.30",
    )


def test_allowed_pages_record_nothing(alice, login):
    """R52 (control): opening pages one may open writes no entry."""
    client = login(alice.editor)
    for path in ("", "customers/", "documents/"):
        assert client.get(alice.url(path)).status_code == 200
    assert _events() == []


# --- reading the log ----------------------------------------------------------------------------


def test_owners_see_their_tenants_entries_only(alice, bob, login):
    """R52: the owner's page lists alice's entries, not bob's nor failed log-ins; it is
    paginated in the app's layout."""
    customer = make_customer(bob.company, "B-1")
    _client(alice.editor).get(alice.url(f"customers/{customer.public_id}/"))
    _client(bob.editor).post(bob.url("settings/"))
    Client().post("/accounts/login/", {"username": "nobody@example.com", "password": "x"})
    page = login(alice.owner).get(alice.url("security-log/"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="sidenav"' in html and "Security log" in html
    assert alice.editor.email in html and f"/customers/{customer.public_id}/" in html
    assert bob.editor.email not in html and "nobody@example.com" not in html


def test_the_log_is_paginated(alice, login):
    """R52: 50 entries a page, newest first."""
    for n in range(55):
        _client(alice.viewer).post(alice.url("settings/"), {"n": n})
    html = login(alice.owner).get(alice.url("security-log/")).content.decode()
    assert html.count(alice.viewer.email) == 50 and "Page 1 of 2" in html
    html = login(alice.owner).get(alice.url("security-log/?page=2")).content.decode()
    assert html.count(alice.viewer.email) == 5


def test_an_empty_log_says_so(alice, login):
    """R52: no entries yet: the page says so."""
    html = login(alice.owner).get(alice.url("security-log/")).content.decode()
    assert "No refused access" in html


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_only_owners_read_the_log(alice, login, role):
    """R52, R2: the log is the owners'; others get 403 (itself recorded)."""
    assert login(getattr(alice, role)).get(alice.url("security-log/")).status_code == 403


def test_superusers_read_every_entry_in_the_admin_and_cannot_change_them(alice, bob, client):
    """R52, R44: the admin lists every tenant's entries, read only, for superusers only."""
    _client(alice.editor).post(alice.url("settings/"))
    _client(bob.editor).post(bob.url("settings/"))
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/admin/security/securityevent/").content.decode()
    assert alice.editor.email in html or "Alice" in html
    assert "Bob" in html
    [event] = _events(tenant=alice.tenant)
    change = client.post(f"/admin/security/securityevent/{event.pk}/change/", {"path": "/x/"})
    assert change.status_code in (403, 200)
    assert _events(tenant=alice.tenant)[0].path == event.path
    assert client.get("/admin/security/securityevent/add/").status_code == 403

    staff = UserFactory(email="staff@example.com", is_staff=True)
    make_membership(alice.tenant, staff, Role.OWNER)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/admin/security/securityevent/").status_code == 403


def test_the_retention_command_removes_entries_before_the_date_only(alice):
    """R52: `prune_security_log --before DATE` deletes the log entries of every tenant recorded
    before the date and keeps the later ones; `--dry-run` only counts; a bad date is refused."""
    import datetime

    from django.core.management import CommandError, call_command

    with scopes_disabled():
        old = SecurityEvent.objects.create(tenant=alice.tenant, kind=EventKind.FORBIDDEN, path="/a")
        anonymous = SecurityEvent.objects.create(kind=EventKind.LOGIN_FAILED, path="/login")
        recent = SecurityEvent.objects.create(kind=EventKind.NOT_FOUND, path="/b")
        SecurityEvent.objects.filter(pk__in=[old.pk, anonymous.pk]).update(
            created_at=datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC)
        )
    call_command("prune_security_log", "--before", "2021-01-01", "--dry-run")
    assert len(_events()) == 3
    call_command("prune_security_log", "--before", "2021-01-01")
    assert [event.pk for event in _events()] == [recent.pk]
    with pytest.raises(CommandError, match="not a date"):
        call_command("prune_security_log", "--before", "last year")
    with pytest.raises(CommandError, match="in the future"):
        call_command("prune_security_log", "--before", "2999-01-01")
