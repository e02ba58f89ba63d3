"""The list pages fit a 1,300 px and a 1,024 px window in Chromium: long names, emails and file
names wrap or fold into another column, so neither the page nor a table's frame scrolls
sideways (a table frame that scrolls hides its last columns, the actions among them)."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scope

from customers.models import ShipToZone
from documents.models import CertificateRequest, RequestStatus
from imports.models import ImportBatch, Status, Template
from tests.browser.conftest import log_in
from tests.factories import make_company, make_customer, make_document

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]

SHOTS = Path(os.environ.get("CERTHUB_LOOK_SHOTS", "/tmp/certhub-look"))

LONG_NAME = "Granite Supply and Industrial Distribution Company of North Texas"
LONG_EMAIL = "accounts.payable.department@granite-supply-industrial-distribution.example.com"
REGIONS = ["TX", "OK", "NM", "LA", "AR", "KS", "NE", "CO", "MA", "NL", "NT", "DC"]


def _long_rows(alice):
    """Rows as long as real ones get, in alice's company and a child company."""
    alice.editor.full_name = "Maximiliana Bartholomew-Featherstonehaugh"
    alice.editor.save()
    child = make_company(
        alice.tenant,
        "NORTHERN-PLAINS-DAKOTAS",
        "Northern Plains Agricultural Supply Cooperative of the Dakotas",
        parent=alice.company,
    )
    now = timezone.now()
    for n, company in enumerate([alice.company, child, child]):
        customer = make_customer(
            company,
            f"LONG-NUMBER-{n:04}",
            LONG_NAME,
            name2="Accounts Payable Department, Attention Certificates",
            email=LONG_EMAIL,
            city="Fort Worth",
            zip="76102",
        )
        with scope(tenant=alice.tenant.pk):
            for region in REGIONS:
                ShipToZone.objects.create(tenant=alice.tenant, customer=customer, region=region)
            for status in (RequestStatus.SENT, RequestStatus.FULFILLED, RequestStatus.CANCELLED):
                request = CertificateRequest.objects.create(
                    tenant=alice.tenant,
                    customer=customer,
                    company=company,
                    regions=REGIONS,
                    email=LONG_EMAIL,
                    token_hash=f"{n}-{status}",
                    status=status,
                    sent_by=alice.editor,
                    sent_at=now,
                    expires_at=now + datetime.timedelta(days=14),
                )
            make_document(
                customer,
                REGIONS[:2],
                status="pending",
                certificate_request=request,
                original_name=f"scan-{n}-texas-resale-certificate-01-339-signed.pdf",
                expiration=datetime.date.today() + datetime.timedelta(days=20),
            )
            make_document(customer, REGIONS[2:4], expiration=datetime.date.today())
            ImportBatch.objects.create(
                tenant=alice.tenant,
                company=company,
                created_by=alice.editor if n else None,
                original_name=f"{'granite-supply-customer-master-list-' * 5}{n}.xlsx",
                template=Template.FULL,
                replace=True,
                mirror=True,
                status=Status.APPLIED,
                applied_at=now,
                counts={"new": 123456, "updated": 654321, "errors": 12345, "error_rows": 9876},
            )


@pytest.mark.parametrize("width", [1300, 1024])
def test_list_pages_do_not_scroll_sideways(alice, browser, live_server, password, width):
    """The requests, customers, documents, review queue, import batches and exposure lists fit
    the window: the page is no wider than the window and every table no wider than its frame."""
    _long_rows(alice)
    pages = {
        "requests": "requests/?descendants=on",
        "customers": "customers/?scope=subtree",
        "documents": "documents/?descendants=on",
        "review-queue": "documents/review/",
        "imports": "imports/",
        "exposure": "exposure/",
    }
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, alice.owner.email, password)
    page.wait_for_url("**/t/**")
    too_wide = {}
    for name, path in pages.items():
        page.goto(alice.url(path))
        assert page.locator("table tbody tr td a").count() >= 3, name  # the long rows are listed
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"list-{name}-{width}.png"), full_page=True)
        widths = page.evaluate("""() => ({
            page: document.documentElement.scrollWidth, window: window.innerWidth,
            tables: [...document.querySelectorAll('.table-wrap')].map(
                (frame) => [frame.scrollWidth, frame.clientWidth])})""")
        if widths["page"] > widths["window"] or any(s > c for s, c in widths["tables"]):
            too_wide[name] = widths
    context.close()
    assert too_wide == {}
