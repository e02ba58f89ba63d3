"""R14: the History tab lists who changed what, with old and new values, bulk writes too."""

import re

import pghistory
import pytest

from customers import services
from customers.models import ChannelKind, Customer
from tests.customers.test_customer_pages import FORM
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _rows(response) -> list[str]:
    body = response.content.decode().split('data-testid="history"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_web_edits_show_user_and_old_and_new_values(alice, login):
    """R14: who (the user), what, and each changed field's old and new value."""
    client = login(alice.editor)
    client.post(alice.url("customers/add/"), FORM)
    with alice.scope():
        customer = Customer.objects.get()
    client.post(
        alice.url(f"customers/{customer.public_id}/edit/"),
        {**FORM, "city": "Dallas", "zip": "75201"},
    )
    rows = _rows(client.get(alice.url(f"customers/{customer.public_id}/history/")))
    assert len(rows) == 2
    assert alice.editor.display_name in rows[0] and "Customer changed" in rows[0]
    assert "City : Austin → Dallas" in rows[0] and "ZIP / postal code : 78701 → 75201" in rows[0]
    assert "updated_at" not in rows[0]
    assert "Customer added" in rows[1] and "Name 1 : Widget Works" in rows[1]


def test_bulk_update_and_import_batch_context_are_recorded(alice, login):
    """R14: a bulk `.update()` (as imports do) is in the history, naming the batch."""
    customer = make_customer(alice.company, "1", city="Austin")
    with alice.scope(), pghistory.context(batch=42):
        Customer.objects.filter(pk=customer.pk).update(city="El Paso", zip="79901")
    rows = _rows(login(alice.viewer).get(alice.url(f"customers/{customer.public_id}/history/")))
    assert "import batch 42" in rows[0]
    assert "City : Austin → El Paso" in rows[0] and "ZIP / postal code : 78701 → 79901" in rows[0]


def test_addresses_contacts_channels_zones_and_links_are_in_the_history(alice, login):
    """R14: the customer's related records are listed too, deletions included."""
    customer = make_customer(alice.company, "B1")
    make_customer(alice.company, "S1", kind="ship-to")
    with alice.scope():
        zone = services.zone_add(customer=customer, region="TX", actor=alice.editor)
        services.zone_remove(zone=zone, actor=alice.editor)
        link = services.link_add(billing=customer, shipping_number="S1", actor=alice.editor)
        address = services.address_create(
            customer=customer,
            line1="1 A",
            city="Austin",
            state="TX",
            is_bill_to=True,
            actor=alice.editor,
        )
        services.address_update(address=address, line1="2 B", actor=alice.editor)
        contact = services.contact_create(customer=customer, name="Maria", actor=alice.editor)
        services.channel_add(
            contact=contact, kind=ChannelKind.PHONE, value="555-0100", actor=alice.editor
        )
        services.channel_add(
            address=address, kind=ChannelKind.EMAIL, value="dock@a.example", actor=alice.editor
        )
        services.link_remove(link=link, actor=alice.editor)
    text = "\n".join(
        _rows(login(alice.viewer).get(alice.url(f"customers/{customer.public_id}/history/")))
    )
    for expected in (
        "Ship-to zone TX added",
        "Ship-to zone TX deleted",
        "Ship-to link B1 → S1 (billing → shipping) added",
        "Ship-to link B1 → S1 (billing → shipping) deleted",
        "Address line 1 : 1 A → 2 B",
        "Contact Maria added",
        "Phone/email 555-0100 added",
        "Phone/email dock@a.example added",
    ):
        assert expected in text, expected
    assert alice.editor.display_name in text


def test_history_is_paginated(alice, login):
    customer = make_customer(alice.company, "1")
    with alice.scope():
        for n in range(30):
            services.customer_update(customer=customer, phone=str(n))
    client = login(alice.viewer)
    url = alice.url(f"customers/{customer.public_id}/history/")
    assert len(_rows(client.get(url))) == 25
    assert len(_rows(client.get(url, {"page": 2}))) == 6


def test_history_tab_four_cases(alice, bob, login, client):
    """R3, R14: read only for everyone; other tenant 404; anonymous to login."""
    customer = make_customer(alice.company, "1")
    url = alice.url(f"customers/{customer.public_id}/history/")
    assert client.get(url).status_code == 302
    assert login(bob.owner).get(url).status_code == 404
    response = login(alice.owner).get(url)
    assert response.status_code == 200
    assert "<form" not in response.content.decode().split('data-testid="history"')[1]
    assert login(alice.owner).post(url).status_code == 405
