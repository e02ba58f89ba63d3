import re

import pytest
from django.core import mail
from django_scopes import scope

from customers.models import ShipToZone
from documents.demo_files import tiny_pdf
from documents.models import CertificateRequest, Document, DocumentStatus, RequestStatus
from tests.browser.conftest import log_in
from tests.factories import make_customer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_send_a_request_and_answer_it_through_the_link(
    page, browser, live_server, alice, password, tmp_path, screenshot
):
    """R28-R30: an editor sends a request; the customer opens the emailed link with no login,
    uploads a certificate; it arrives pending and the request shows fulfilled."""
    customer = make_customer(
        alice.company, "C-3001", "Prairie Feed & Seed", email="ap@prairie.example"
    )
    with scope(tenant=alice.tenant.pk):
        for region in ("TX", "OK"):
            ShipToZone.objects.create(tenant=alice.tenant, customer=customer, region=region)
    certificate = tmp_path / "texas-01-339.pdf"
    certificate.write_bytes(
        tiny_pdf("Texas Sales and Use Tax Resale Certificate", "Prairie Feed & Seed")
    )
    mail.outbox.clear()

    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    page.goto(alice.url(f"customers/{customer.public_id}/request/"))
    # Grouped checkboxes, the exposed regions ticked (R30).
    assert page.get_by_label("OK Oklahoma").is_checked()
    assert page.get_by_label("TX Texas").is_checked()
    assert not page.get_by_label("CA California").is_checked()
    page.get_by_label("Message:").fill("Please send your current certificates for our files.")
    screenshot("request-form")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/documents/")
    assert "Request sent to ap@prairie.example" in page.locator("main").inner_text()
    [message] = mail.outbox
    link = re.search(r"http://\S+/r/[\w-]+/", message.body).group(0)

    customer_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1100, "height": 900}
    )
    visitor = customer_context.new_page()
    visitor.goto(link)
    assert "Prairie Feed & Seed" in visitor.locator("main").inner_text()
    assert "Texas" in visitor.get_by_test_id("requested-regions").inner_text()
    form = visitor.get_by_test_id("upload")
    form.get_by_label("Files:").set_input_files([str(certificate)])  # one input, up to 10
    form.get_by_label("Document type:").select_option("resale")
    form.get_by_label("OK Oklahoma").uncheck()  # the regions asked for come ticked
    form.get_by_label("Effective date:").fill("2025-02-01")
    screenshot("request", of=visitor)
    visitor.get_by_role("button", name="Send documents").click()
    visitor.wait_for_load_state()
    assert "Thank you" in visitor.get_by_test_id("public-upload-done").inner_text()
    visitor.goto(link)
    assert "already been answered" in visitor.locator("main").inner_text()
    customer_context.close()

    page.goto(alice.url("requests/"))
    row = page.get_by_test_id("request-row").filter(has_text="Prairie Feed")
    assert row.get_by_test_id("request-status").inner_text() == "Fulfilled"
    with scope(tenant=alice.tenant.pk):
        document = Document.objects.get(customer=customer)
        request = CertificateRequest.objects.get(customer=customer)
    assert (document.status, document.regions, document.certificate_request_id) == (
        DocumentStatus.PENDING,
        ["TX"],
        request.pk,
    )
    assert request.status == RequestStatus.FULFILLED
