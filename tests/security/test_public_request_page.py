"""R28, R29: the public request page. Its token is the only key to the page, so it is kept
nowhere but in the email: not in the request row and not in the history written while the
page is used (pghistory's middleware records each request's URL, which holds the token)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled
from pghistory.models import Context

from companies.tokens import hash_token
from documents.models import CertificateRequest, Document, RequestStatus
from tests.factories import PDF_BYTES, make_customer

TOKEN = "tok-" + "x" * 40


def _request(world, customer, token=TOKEN, **fields):
    with world.scope():
        return CertificateRequest.objects.create(
            tenant=world.tenant,
            customer=customer,
            company=customer.company,
            regions=["TX"],
            email="ap@example.com",
            token_hash=hash_token(token),
            expires_at=timezone.now() + datetime.timedelta(days=14),
            **fields,
        )


def _contexts_text() -> str:
    return " ".join(
        str(metadata) for metadata in Context.objects.values_list("metadata", flat=True)
    )


def test_token_is_not_written_to_the_history(alice):
    """R28, R14: opening the link and uploading through it record the request (its public id)
    in the history, never the URL's token."""
    customer = make_customer(alice.company, "P-1", "Public Customer")
    item = _request(alice, customer)
    visitor = Client()
    assert visitor.get(f"/r/{TOKEN}/").status_code == 200
    response = visitor.post(
        f"/r/{TOKEN}/",
        {
            "files": [SimpleUploadedFile("cert.pdf", PDF_BYTES)],
            "doc_type": "exemption",
            "regions": "TX",
            "effective_date": "2024-01-01",
        },
    )
    assert response.status_code == 200, response.content.decode()[:500]
    with scopes_disabled():
        item.refresh_from_db()
        assert item.status == RequestStatus.FULFILLED
        assert Document.objects.filter(certificate_request=item).count() == 1
    history = _contexts_text()
    assert str(item.public_id) in history  # the writes are attributed to the request link
    assert TOKEN not in history


def test_public_page_shows_nothing_of_other_customers_or_tenants(alice, bob):
    """R29: the page shows its own tenant, company, customer name and regions, nothing of
    the customer's other data, other customers, or another tenant."""
    customer = make_customer(
        alice.company,
        "SECRET-NUMBER-1",
        "Shown Customer",
        email="hidden@example.com",
        fein="12-3456789",
    )
    make_customer(alice.company, "P-2", "Another Alice Customer")
    make_customer(bob.company, "P-3", "A Bob Customer")
    _request(alice, customer)
    html = Client().get(f"/r/{TOKEN}/").content.decode()
    assert "Shown Customer" in html and "Alice" in html and "Texas" in html
    for secret in (
        "SECRET-NUMBER-1",
        "hidden@example.com",
        "12-3456789",
        "Another Alice Customer",
        "A Bob Customer",
        "Bob",
    ):
        assert secret not in html, secret
