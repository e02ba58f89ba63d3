"""The Addresses & Contacts tab (R15-R18)."""

import re

import pytest

from customers.models import Address, ChannelKind, Contact, ContactChannel
from tests.customers.helpers import make_address, make_document
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

ADDRESS = {
    "label": "Warehouse",
    "line1": "9 Dock Rd",
    "line2": "",
    "city": "Dallas",
    "county": "Dallas",
    "state": "TX",
    "country": "US",
    "zip": "75201",
    "is_ship_to": "on",
    "is_active": "on",
    "exemption_reason": "",
    "expiring_soon_days": "",
}


@pytest.fixture
def customer(alice):
    return make_customer(alice.company, "1001", "Granite Supply")


def _url(world, customer, path=""):
    return world.url(f"customers/{customer.public_id}/{path}")


def test_add_addresses_with_purposes_and_toggle_active(alice, customer, login):
    """R15, R17: addresses with purposes; active when created, can be made inactive."""
    client = login(alice.editor)
    response = client.post(
        _url(alice, customer, "addresses/add/"), {**ADDRESS, "is_statements": "on"}
    )
    assert response.status_code == 302
    with alice.scope():
        address = Address.objects.get()
    assert address.purposes == ["Ship-To", "Statements"] and address.is_active
    page = client.get(_url(alice, customer, "addresses/")).content.decode()
    assert "Warehouse" in page and "Statements" in page and "Make inactive" in page
    client.post(_url(alice, customer, f"addresses/{address.public_id}/toggle/"))
    address.refresh_from_db()
    assert not address.is_active
    assert "Make active" in client.get(_url(alice, customer, "addresses/")).content.decode()


def test_second_active_statements_address_is_a_form_error(alice, customer, login):
    """R15: at most one active Statements address: a form error, not a 500."""
    make_address(customer, is_statements=True)
    response = login(alice.editor).post(
        _url(alice, customer, "addresses/add/"), {**ADDRESS, "is_statements": "on"}
    )
    assert response.status_code == 200
    assert "already has an active Statements address" in response.content.decode()
    with alice.scope():
        assert Address.objects.count() == 1


def test_address_without_purpose_is_refused(alice, customer, login):
    """R15: each address has at least one purpose."""
    data = {k: v for k, v in ADDRESS.items() if k != "is_ship_to"}
    response = login(alice.editor).post(_url(alice, customer, "addresses/add/"), data)
    assert "Pick at least one purpose" in response.content.decode()


def test_locked_address_form_refuses_tax_components_with_a_reason(alice, customer, login):
    """R18: the form says why the change is refused and what to do instead; street lines
    still change."""
    address = make_address(customer, county="Dallas")
    make_document(customer, address=address)
    client = login(alice.editor)
    url = _url(alice, customer, f"addresses/{address.public_id}/edit/")
    page = client.get(url).content.decode()
    assert "locked" in page
    response = client.post(url, {**ADDRESS, "city": "Austin", "zip": "78701"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "The city cannot change: a document refers to this address" in text
    assert "add a new address and make this one inactive" in text
    address.refresh_from_db()
    assert address.city == "Dallas"
    assert client.post(url, {**ADDRESS, "line1": "11 New Dock Rd"}).status_code == 302
    address.refresh_from_db()
    assert address.line1 == "11 New Dock Rd"


def test_main_address_lock_in_the_customer_form(alice, customer, login):
    """R18: the customer form refuses a new state for a main address a document uses."""
    make_document(customer, uses_main_address=True)
    from tests.customers.test_customer_pages import FORM

    data = {
        **FORM,
        "number": "1001",
        "name1": "Granite Supply",
        "city": "Austin",
        "state": "OK",
        "zip": "73102",
    }
    response = login(alice.editor).post(_url(alice, customer, "edit/"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "The state cannot change: a document refers to the customer&#x27;s main address" in text
    customer.refresh_from_db()
    assert customer.state == "TX"


def test_contacts_and_channels(alice, customer, login):
    """R16: phones and emails for an address or a named contact; removable."""
    address = make_address(customer)
    client = login(alice.editor)
    assert (
        client.post(
            _url(alice, customer, "contacts/add/"), {"name": "Maria Lopez", "title": "AP"}
        ).status_code
        == 302
    )
    with alice.scope():
        contact = Contact.objects.get()
    client.post(
        _url(alice, customer, f"contacts/{contact.public_id}/channels/add/"),
        {"kind": ChannelKind.EMAIL, "value": "maria@granite.example", "label": "work"},
    )
    client.post(
        _url(alice, customer, f"addresses/{address.public_id}/channels/add/"),
        {"kind": ChannelKind.PHONE, "value": "+1 214 555 0100", "label": "dock"},
    )
    response = client.post(
        _url(alice, customer, f"contacts/{contact.public_id}/channels/add/"),
        {"kind": ChannelKind.EMAIL, "value": "nope"},
        follow=True,
    )
    assert "is not a valid email address" in response.content.decode()
    page = client.get(_url(alice, customer, "addresses/")).content.decode()
    assert "maria@granite.example" in page and "+1 214 555 0100" in page
    with alice.scope():
        assert ContactChannel.objects.filter(contact=contact).count() == 1
        phone = ContactChannel.objects.get(address=address)
    client.post(_url(alice, customer, f"channels/{phone.public_id}/remove/"))
    url = _url(alice, customer, f"contacts/{contact.public_id}/edit/")
    assert client.post(url, {"name": "Maria L.", "title": "Controller"}).status_code == 302
    with alice.scope():
        assert not ContactChannel.objects.filter(address=address).exists()
        assert Contact.objects.get().name == "Maria L."
    client.post(_url(alice, customer, f"contacts/{contact.public_id}/delete/"))
    with alice.scope():
        assert not Contact.objects.exists()


def test_addresses_tab_four_cases(alice, bob, customer, login, client):
    """R3: other tenant 404 (also guessing an address id), viewer 403 on writes, anonymous
    to login."""
    address = make_address(customer)
    url = _url(alice, customer, "addresses/")
    assert client.get(url).status_code == 302
    assert login(bob.owner).get(url).status_code == 404
    other = make_customer(bob.company, "B")
    assert (
        login(bob.owner).get(_url(bob, other, f"addresses/{address.public_id}/edit/")).status_code
        == 404
    )
    viewer = login(alice.viewer)
    page = viewer.get(url)
    assert page.status_code == 200 and "9 Dock Rd" in page.content.decode()
    assert "Make inactive" not in page.content.decode()
    assert viewer.post(_url(alice, customer, "addresses/add/"), ADDRESS).status_code == 403
    assert (
        viewer.post(_url(alice, customer, f"addresses/{address.public_id}/toggle/")).status_code
        == 403
    )
    assert viewer.post(_url(alice, customer, "contacts/add/"), {"name": "X"}).status_code == 403


def test_refused_channel_keeps_the_input_and_shows_the_error_beside_the_field(
    alice, customer, login
):
    """R16 (issue 13): a bad phone or email on an address's channel form comes back on the
    same page with what was typed kept and the error beside that form's field, not a banner."""
    address = make_address(customer)
    other = make_address(customer, label="Yard")
    client = login(alice.editor)
    url = _url(alice, customer, f"addresses/{address.public_id}/channels/add/")
    for kind, value, message in (
        (ChannelKind.PHONE, "call me", "is not a phone number"),
        (ChannelKind.EMAIL, "ap@@example", "is not a valid email"),
    ):
        response = client.post(url, {"kind": kind, "value": value, "label": "dock"})
        assert response.status_code == 200
        html = response.content.decode()
        form = re.search(rf'<form[^>]*action="{re.escape(url)}".*?</form>', html, re.S).group(0)
        assert f'value="{value}"' in form and 'value="dock"' in form
        assert f'<option value="{kind}" selected>' in form
        assert message in re.search(r'data-testid="channel-error">([^<]*)', form).group(1)
        assert html.count('data-testid="channel-error"') == 1  # only under that address
        assert html.count(message) == 1  # beside the field, not also in a banner
    with alice.scope():
        assert not ContactChannel.objects.filter(address__in=[address, other]).exists()
