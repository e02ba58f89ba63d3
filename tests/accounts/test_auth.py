"""Accounts: log in with an email address, log out, change and reset the password (by email
through the task framework), Argon2 hashes, lockout after repeated failures, the tenant
switcher."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from certhub import settings as project_settings
from companies.models import Role
from tests.factories import PASSWORD, UserFactory, make_membership

NEW_PASSWORD = "a-new-and-long-passphrase-42"


def _log_in(client, email, password):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_log_in_with_email_lands_on_the_first_tenant(alice, client):
    """R1: a member logs in with email and password and lands on their tenant's dashboard."""
    response = _log_in(client, alice.viewer.email.upper(), PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == alice.url()
    assert client.get(alice.url()).status_code == 200


def test_wrong_password_is_refused_on_the_login_page(alice, client):
    """Accounts: a wrong password keeps the visitor on the login page with a message."""
    response = _log_in(client, alice.viewer.email, "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct email address and password" in response.content
    assert "_auth_user_id" not in client.session


def test_a_user_without_a_tenant_is_told_so(db, client):
    """R1: a user with no membership sees an explanation, no tenant data."""
    user = UserFactory(email="lonely@example.com")
    _log_in(client, user.email, PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    assert b"You are not a member of any tenant yet" in response.content


def test_log_out_ends_the_session(alice, login):
    """Accounts: logging out (POST) ends the session; tenant pages then ask to log in."""
    client = login(alice.viewer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    response = client.get(alice.url())
    assert response["Location"].startswith("/accounts/login/")


def test_password_change(alice, client):
    """Accounts: a user changes their password; the old one stops working."""
    _log_in(client, alice.viewer.email, PASSWORD)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    assert _log_in(client, alice.viewer.email, PASSWORD).status_code == 200
    assert _log_in(client, alice.viewer.email, NEW_PASSWORD).status_code == 302


def test_password_reset_by_email(alice, client):
    """Accounts, R47: the reset email goes out through the task framework; its link sets a new
    password."""
    response = client.post("/accounts/password/reset/", {"email": alice.viewer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.viewer.email]
    assert message.subject == "Reset your CertHub password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert _log_in(client, alice.viewer.email, NEW_PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(db, client):
    """Accounts: the reset page does not reveal whether an address has an account."""
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_dev_email_goes_to_the_console_by_default():
    """Accounts: with no mail settings, email is printed (console backend), never sent."""
    assert project_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def test_passwords_are_hashed_with_argon2(db, settings):
    """Accounts: Argon2 is the first password hasher, so new passwords are stored with it."""
    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = get_user_model().objects.create_user(email="hash@example.com", password="pw-123456")
    assert user.password.startswith("argon2$")
    assert user.check_password("pw-123456")


def test_five_failures_lock_the_account_with_the_lockout_page(alice, client):
    """Accounts: after five failed log-ins the account is locked (429 and the lockout page),
    even for the right password."""
    for _ in range(4):
        assert _log_in(client, alice.viewer.email, "wrong").status_code == 200
    locked = _log_in(client, alice.viewer.email, "wrong")
    assert locked.status_code == 429
    assert b"Too many failed log-ins" in locked.content
    response = _log_in(client, alice.viewer.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("tenants", [1, 2])
def test_tenant_switcher_lists_only_the_users_tenants(alice, bob, login, tenants):
    """R1: the switcher offers the tenants the user is a member of, and no others."""
    if tenants == 2:
        make_membership(bob.tenant, alice.viewer, Role.EDITOR)
    content = login(alice.viewer).get(alice.url()).content.decode()
    switcher = content.split('data-testid="tenant-switcher"')[1].split("</details>")[0]
    assert f'href="{alice.url()}"' in switcher
    assert (f'href="{bob.url()}"' in switcher) == (tenants == 2)


def test_lockout_counts_every_spelling_of_the_email_as_one_account(alice, client):
    """Accounts: failures under "ALICE@..." and "alice@..." add up; the lock holds for the
    right password in any case, and another account from the same address is not locked."""
    email = alice.viewer.email
    for spelling in (email, email.upper(), email.title(), f" {email} ", email.upper()):
        _log_in(client, spelling, "wrong")
    assert _log_in(client, email.upper(), PASSWORD).status_code == 429
    assert _log_in(client, email, PASSWORD).status_code == 429
    assert _log_in(client, alice.editor.email, PASSWORD).status_code == 302
