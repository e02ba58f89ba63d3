"""The import preview (R38, issue 13): new customers show every field they get (folded),
customer numbers link to existing customers, a refused or failed batch offers another upload."""

import re

import pytest
from django_scopes import scope

from customers.models import Customer
from tests.factories import make_customer
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def _upload(client, alice, path, capture):
    with capture(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    assert response.status_code == 302
    return response["Location"], client.get(response["Location"]).content.decode()


def test_preview_folds_every_field_of_a_new_customer_and_links_numbers(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R38: before and after Apply, a new customer's row folds out all the fields it gets; an
    existing customer's number links to its page."""
    existing = make_customer(alice.company, "100", "Acme", phone="555")
    path = wb.basic_file(
        tmp_path / "a.xlsx",
        [
            wb.customer("100", Name_1="Acme", Phone=""),
            wb.customer("200", Name_1="Prairie Feed", City="Dallas", Zip="75201"),
        ],
    )
    client = login(alice.editor)
    url, page = _upload(client, alice, path, django_capture_on_commit_callbacks)
    [folded] = re.findall(r'<details class="new-customer".*?</details>', page, re.S)
    assert "Prairie Feed" in folded
    for label, value in (
        ("City", "Dallas"),
        ("Zip / postal code", "75201"),
        ("Address line 1", "1 Main St"),
        ("Email", "ap200@example.com"),
        ("State", "TX"),
        ("Country", "US"),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in folded, label
    link = alice.url(f"customers/{existing.public_id}/")
    assert f'<a href="{link}" data-testid="customer-link">100</a>' in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "apply/").status_code == 302
    page = client.get(url).content.decode()
    with scope(tenant=alice.tenant.pk):
        created = Customer.objects.get(number="200")
    assert f'customers/{created.public_id}/" data-testid="customer-link">200</a>' in page
    assert "<dt>City</dt><dd>Dallas</dd>" in page


def test_refused_and_failed_batches_offer_another_upload(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R38, R41: a refused file and a file with row errors offer "Upload another file"; a
    valid preview does not."""
    client = login(alice.editor)
    bad = tmp_path / "not.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    _, page = _upload(client, alice, bad, django_capture_on_commit_callbacks)
    assert 'data-testid="upload-another"' in page
    errors = wb.basic_file(tmp_path / "e.xlsx", [wb.customer("1", Email="bad")])
    _, page = _upload(client, alice, errors, django_capture_on_commit_callbacks)
    assert 'data-testid="upload-another"' in page
    fine = wb.basic_file(tmp_path / "f.xlsx", [wb.customer("2")])
    _, page = _upload(client, alice, fine, django_capture_on_commit_callbacks)
    assert 'data-testid="upload-another"' not in page
