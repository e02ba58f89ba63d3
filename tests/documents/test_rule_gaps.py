"""Rule gaps of issue 13 on documents and requests: R17 (inactive addresses' emails), R19 (a
document on an address takes the address's exemption reason), R30 (pending documents answer a
request; the single form asks only for exposed regions; a bulk send lists what it sent)."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from customers.models import ChannelKind, ContactChannel
from documents.models import CertificateRequest, Document, DocumentStatus
from tests.customers.helpers import make_address
from tests.documents.test_requests import add_zones, checked_regions
from tests.factories import PDF_BYTES, make_company, make_customer, make_document

pytestmark = pytest.mark.django_db


def _address_email(address, value):
    with scope(tenant=address.tenant_id):
        ContactChannel.objects.create(
            tenant_id=address.tenant_id, address=address, kind=ChannelKind.EMAIL, value=value
        )


def test_inactive_address_email_is_not_offered_as_recipient(alice, login):
    """R17: an inactive address's email is not offered on the request form, and posting it is
    refused; an active address's email is offered."""
    customer = make_customer(alice.company, "C-1", "Acme", email="ap@acme.example")
    add_zones(customer, "TX")
    _address_email(make_address(customer, label="Dock"), "dock@acme.example")
    _address_email(make_address(customer, label="Old", is_active=False), "old@acme.example")
    client = login(alice.editor)
    url = alice.url(f"customers/{customer.public_id}/request/")
    html = client.get(url).content.decode()
    assert 'value="dock@acme.example"' in html
    assert "old@acme.example" not in html
    response = client.post(
        url, {"regions": "TX", "email": "old@acme.example", "expires_in_days": 14}
    )
    assert response.status_code == 200
    with alice.scope():
        assert not CertificateRequest.objects.exists()


def test_document_on_an_address_takes_the_address_reason(alice, login):
    """R19: a document tied to an address whose own exemption reason is B, of a customer set to
    G, is saved with B; with no address it is saved with the customer's G."""
    customer = make_customer(alice.company, "C-1", "Acme", exemption_reason="G")
    address = make_address(customer, exemption_reason="B")
    client = login(alice.editor)
    url = alice.url(f"customers/{customer.public_id}/documents/new/")
    page = client.get(url).content.decode()
    assert not re.search(r'<option value="G" selected', page)  # not pre-filled: left to R19
    data = {
        "doc_type": "exemption",
        "regions": ["TX"],
        "exemption_reason": "",
        "signed_date": "",
        "effective_date": "2024-01-05",
        "expiration_date": "",
    }
    for choice, name in ((str(address.public_id), "on-address.pdf"), ("", "no-address.pdf")):
        response = client.post(
            url, {**data, "address": choice, "file": SimpleUploadedFile(name, PDF_BYTES)}
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    with alice.scope():
        reasons = dict(Document.objects.values_list("address_id", "exemption_reason"))
    assert reasons == {address.pk: "B", None: "G"}


def test_address_card_shows_its_effective_settings_and_level(alice, login):
    """R19: each address shows its effective exemption reason and where it comes from."""
    customer = make_customer(alice.company, "C-1", "Acme", exemption_reason="G")
    make_address(customer, label="Dock", exemption_reason="B")
    make_address(customer, label="Yard")
    html = (
        login(alice.viewer)
        .get(alice.url(f"customers/{customer.public_id}/addresses/"))
        .content.decode()
    )
    cards = re.findall(r'data-testid="address-settings">(.*?)</dl>', html, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card)).strip() for card in cards]
    assert any("Exemption reason B" in t and "(from this address)" in t for t in text)
    assert any("Exemption reason G" in t and "(from customer)" in t for t in text)


def test_request_missing_skips_regions_answered_by_pending_documents(
    alice, login, django_capture_on_commit_callbacks
):
    """R30: pending documents count as asked and answered: a customer whose PA documents wait
    in the review queue is not asked for PA again; its other exposed region still is. After the
    send the list shows the requests just sent, in the subtree the send covered."""
    child = make_company(alice.tenant, "A-CHILD", "Alice West", parent=alice.company)
    waiting = make_customer(child, "W-1", "Waiting Co", email="w@waiting.example")
    add_zones(waiting, "PA")
    make_document(waiting, ["PA"], DocumentStatus.PENDING)
    make_document(waiting, ["PA"], DocumentStatus.PENDING)
    partly = make_customer(alice.company, "P-1", "Partly Co", email="p@partly.example")
    add_zones(partly, "PA", "OH")
    make_document(partly, ["PA"], DocumentStatus.PENDING)
    old = make_customer(alice.company, "O-1", "Old Request Co", email="o@old.example")
    with alice.scope():
        earlier = CertificateRequest.objects.create(
            tenant=alice.tenant,
            customer=old,
            company=alice.company,
            regions=["TX"],
            email="o@old.example",
            token_hash="x" * 64,
            status="fulfilled",
            expires_at="2030-01-01T00:00:00Z",
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(alice.editor).post(alice.url("requests/missing/"))
    assert response.status_code == 302
    assert "descendants=on" in response.url and "since=" in response.url
    with alice.scope():
        sent = list(
            CertificateRequest.objects.exclude(pk=earlier.pk).values_list(
                "customer__number", "regions"
            )
        )
    assert sent == [("P-1", ["OH"])]
    assert [m.to for m in mail.outbox] == [["p@partly.example"]]
    listing = login(alice.editor).get(response.url).content.decode()
    assert listing.count('data-testid="request-row"') == 1
    assert "Partly Co" in listing and "Old Request Co" not in listing


def test_request_form_prefills_only_exposed_regions(alice, login):
    """R30: the single request form pre-fills the regions the customer is exposed in, not
    those a valid document covers nor those a pending document answers."""
    customer = make_customer(alice.company, "C-1", "Acme", email="ap@acme.example")
    add_zones(customer, "TX", "CA", "PA")
    make_document(customer, ["TX"])
    make_document(customer, ["PA"], DocumentStatus.PENDING)
    html = (
        login(alice.editor)
        .get(alice.url(f"customers/{customer.public_id}/request/"))
        .content.decode()
    )
    assert checked_regions(html) == ["CA"]
