"""The exposure report page and its .xlsx download (R23, R47)."""

import datetime
import io

import pytest
from django_scopes import scope
from openpyxl import load_workbook

from customers.models import ShipToLink, ShipToZone
from documents.models import ExportStatus, ExposureExport
from tests.factories import make_company, make_customer, make_document

TODAY = datetime.date.today()


def zones(customer, *regions):
    with scope(tenant=customer.tenant_id):
        for region in regions:
            ShipToZone.objects.create(
                tenant_id=customer.tenant_id, customer=customer, region=region
            )


@pytest.fixture
def exposed(alice):
    """Exposures in HQ and a child company; a covered customer; a billing/shipping pair."""
    child = make_company(alice.tenant, "ALICE-KID", parent=alice.company)
    a = make_customer(alice.company, "A-1", '=HYPERLINK("http://x")')
    b = make_customer(child, "B-1", "Bravo")
    covered = make_customer(alice.company, "C-1", "Covered")
    billing = make_customer(alice.company, "BILL", "Billing")
    shipping = make_customer(alice.company, "SHIP", "Shipping", state="OK", zip="74103")
    zones(a, "TX", "CA")
    zones(b, "TX")
    zones(covered, "NM")
    make_document(covered, ["NM"], expiration=TODAY + datetime.timedelta(days=5))
    with alice.scope():
        ShipToLink.objects.create(tenant=alice.tenant, billing=billing, shipping=shipping)
    return {"a": a, "b": b, "shipping": shipping}


def test_report_counts_lists_and_expiring(alice, exposed, login):
    """R23: exposures by region, the exposed customers with their regions, and the documents
    expiring soon, for the working company and the companies below it."""
    response = login(alice.viewer).get(alice.url("exposure/"))
    assert response.context["total"] == 4
    assert response.context["customers_count"] == 3
    assert [(r, c) for r, _, c, _ in response.context["map"]["rows"]] == [
        ("TX", 2),
        ("CA", 1),
        ("OK", 1),
    ]
    listed = {customer.number: regions for customer, regions in response.context["exposed"]}
    assert listed == {"A-1": ["CA", "TX"], "SHIP": ["OK"], "B-1": ["TX"]}
    assert [d.customer.number for d in response.context["expiring"]] == ["C-1"]
    assert b"Texas" in response.content


def test_report_for_a_child_company_leaves_the_parent_out(alice, exposed, login):
    """R7, R23: with the child company picked, only its customers are counted."""
    client = login(alice.viewer)
    client.post(alice.url("pick-company/"), {"company": str(exposed["b"].company.public_id)})
    response = client.get(alice.url("exposure/"))
    assert (response.context["total"], response.context["customers_count"]) == (1, 1)


def test_report_paginates_customers(alice, login):
    """R23: the customer list is paginated."""
    for n in range(55):
        zones(make_customer(alice.company, f"N{n:03}"), "TX")
    client = login(alice.viewer)
    first = client.get(alice.url("exposure/"))
    second = client.get(alice.url("exposure/"), {"page": 2})
    assert len(first.context["exposed"]) == 50
    assert [c.number for c, _ in second.context["exposed"]] == [f"N{n:03}" for n in range(50, 55)]


def test_xlsx_download_runs_as_a_task_with_text_numbers_and_dates(
    alice, exposed, login, django_capture_on_commit_callbacks
):
    """R23, R47, R42: the download is written by a background task into a stored workbook with
    the regions, the exposed customers and the expiring documents; text as text cells (a name
    starting with = stays text), counts and days left as number cells, dates as date cells."""
    client = login(alice.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("exposure/export/"))
    with alice.scope():
        export = ExposureExport.objects.get()
    assert response["Location"] == alice.url(f"exposure/exports/{export.public_id}/")
    assert export.status == ExportStatus.DONE and export.rows_done == 3
    assert export.file.name.startswith(f"tenants/{alice.tenant.public_id}/exports/")

    progress = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert progress["finished"] and progress["done"] == progress["total"] == 3

    download = client.get(alice.url(f"exposure/exports/{export.public_id}/download/"))
    assert download["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == ["Exposure by region", "Exposed customers", "Expiring soon"]
    regions = [[c.value for c in row] for row in workbook["Exposure by region"].iter_rows()]
    assert regions[1:] == [
        ["TX", "Texas", 2],
        ["CA", "California", 1],
        ["OK", "Oklahoma", 1],
        ["Total", None, 4],
    ]
    counts = [row[2] for row in workbook["Exposure by region"].iter_rows(min_row=2)]
    assert all(c.data_type == "n" for c in counts)
    customers = list(workbook["Exposed customers"].iter_rows(min_row=2))
    first = [c.value for c in customers[0]]
    assert first[:3] == ["ALICE-HQ", "A-1", '=HYPERLINK("http://x")']
    assert first[-1] == "CA, TX"
    assert all(c.data_type == "s" for row in customers for c in row if c.value is not None)
    expiring = list(workbook["Expiring soon"].iter_rows(min_row=2))
    *text, expires, days_left = expiring[0]
    assert [c.value for c in text[:3]] == ["ALICE-HQ", "C-1", "Covered"]
    assert all(c.data_type == "s" for c in text)
    assert expires.is_date and expires.value.date() == TODAY + datetime.timedelta(days=5)
    assert expires.number_format == "yyyy-mm-dd"
    assert days_left.data_type == "n" and days_left.value == 5


def test_export_belongs_to_its_requester(alice, exposed, login, django_capture_on_commit_callbacks):
    """R3: another user's export answers 404, page and download."""
    with django_capture_on_commit_callbacks(execute=True):
        login(alice.viewer).post(alice.url("exposure/export/"))
    with alice.scope():
        export = ExposureExport.objects.get()
    client = login(alice.owner)
    assert client.get(alice.url(f"exposure/exports/{export.public_id}/")).status_code == 404
    download = client.get(alice.url(f"exposure/exports/{export.public_id}/download/"))
    assert download.status_code == 404


def test_xlsx_holds_a_value_stored_before_the_character_rule(
    alice, exposed, login, django_capture_on_commit_callbacks
):
    """R49: a customer name holding U+000B (stored before the rule) does not fail the
    exposure workbook: it is written with U+FFFD in its place."""
    from customers.models import Customer

    with alice.scope():
        Customer.objects.filter(pk=exposed["b"].pk).update(name1="Bra\x0bvo")
    client = login(alice.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(alice.url("exposure/export/"))
    with alice.scope():
        export = ExposureExport.objects.get()
    assert export.status == ExportStatus.DONE, export.error
    download = client.get(alice.url(f"exposure/exports/{export.public_id}/download/"))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    names = [row[2] for row in workbook["Exposed customers"].iter_rows(min_row=2, values_only=True)]
    assert "Bra\ufffdvo" in names


def test_xlsx_download_of_one_region_lists_only_the_customers_exposed_there(
    alice, exposed, login, django_capture_on_commit_callbacks
):
    """R62, R23: downloading the report filtered to one region (the map's link) writes only the
    customers exposed there, says so in the file name and page, and "Export again" keeps it."""
    client = login(alice.viewer)
    page = client.get(alice.url("exposure/"), {"region": "tx"}).content.decode()
    assert 'name="region" value="TX"' in page and "Download .xlsx (TX only)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("exposure/export/"), {"region": "TX"})
    with alice.scope():
        export = ExposureExport.objects.get()
    assert export.region == "TX" and export.rows_total == export.rows_done == 2
    assert export.original_name.startswith("exposure-ALICE-HQ-TX-")
    assert "customers exposed in TX" in client.get(response["Location"]).content.decode()
    download = client.get(alice.url(f"exposure/exports/{export.public_id}/download/"))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    numbers = [
        row[1] for row in workbook["Exposed customers"].iter_rows(min_row=2, values_only=True)
    ]
    assert numbers == ["A-1", "B-1"]


def test_xlsx_download_with_an_unknown_region_lists_every_exposed_customer(
    alice, exposed, login, django_capture_on_commit_callbacks
):
    """R62: a region code that is not a US or Canadian region is ignored, as on the page."""
    with django_capture_on_commit_callbacks(execute=True):
        login(alice.viewer).post(alice.url("exposure/export/"), {"region": "ZZ"})
    with alice.scope():
        export = ExposureExport.objects.get()
    assert export.region == "" and export.rows_done == 3
