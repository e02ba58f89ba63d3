"""Regions are picked with grouped checkboxes (US states; DC and territories; Canada) that
post without JavaScript (issue 13; R20, R28 and R29 pick regions)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import CertificateRequest, Document
from tests.documents.test_requests import add_zones
from tests.factories import PDF_BYTES, make_customer

pytestmark = pytest.mark.django_db


def _groups(html: str) -> dict[str, list[str]]:
    groups = re.findall(
        r'<fieldset class="region-group">\s*<legend>([^<]+)</legend>(.*?)</fieldset>', html, re.S
    )
    return {name: re.findall(r'name="regions" value="(\w+)"', body) for name, body in groups}


def test_document_form_offers_grouped_checkboxes_that_post_without_javascript(alice, login):
    """R20: the upload form lists every region as a checkbox in three groups, with a filter
    box left for the script; ticked boxes post as a plain form (no script) and are saved."""
    customer = make_customer(alice.company, "C-1", "Acme")
    client = login(alice.editor)
    url = alice.url(f"customers/{customer.public_id}/documents/new/")
    html = client.get(url).content.decode()
    groups = _groups(html)
    assert list(groups) == ["US states", "DC and US territories", "Canada"]
    assert len(groups["US states"]) == 50 and "DC" in groups["DC and US territories"]
    assert {"PR", "GU", "VI"} <= set(groups["DC and US territories"])
    assert len(groups["Canada"]) == 13
    assert "data-region-filter hidden" in html  # shown by the script only
    response = client.post(
        url,
        {
            "doc_type": "exemption",
            "regions": ["TX", "ON", "PR"],
            "effective_date": "2025-01-01",
            "exemption_reason": "",
            "address": "",
            "file": SimpleUploadedFile("multi.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    with alice.scope():
        assert Document.objects.get().regions == ["TX", "ON", "PR"]


def test_request_form_posts_ticked_regions(alice, login, django_capture_on_commit_callbacks):
    """R28: the request form's regions are the same checkboxes; the ticked ones are asked."""
    customer = make_customer(alice.company, "C-1", "Acme", email="ap@acme.example")
    add_zones(customer, "TX")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(alice.editor).post(
            alice.url(f"customers/{customer.public_id}/request/"),
            {"regions": ["TX", "BC"], "email": "ap@acme.example", "expires_in_days": 14},
        )
    assert response.status_code == 302
    with alice.scope():
        assert CertificateRequest.objects.get().regions == ["TX", "BC"]
