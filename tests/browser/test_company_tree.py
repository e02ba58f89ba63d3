import pytest
from django_scopes import scope

from companies.models import Company, Role
from tests.browser.conftest import log_in
from tests.factories import make_company, make_membership

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_log_in_switch_tenant_pick_company_and_add_a_child(page, screenshot, alice, bob, password):
    """R1, R5, R7: a user of two tenants logs in, switches tenant, picks the working company,
    adds a child company and sees it in the tree."""
    make_membership(bob.tenant, alice.admin, Role.ADMIN)
    make_company(alice.tenant, "ALICE-WEST", "Alice West", parent=alice.company)

    log_in(page, alice.admin.email, password)
    page.wait_for_url("**/t/**")

    # Switch to bob's tenant and back to alice's through the top bar.
    page.get_by_test_id("tenant-switcher").locator("summary").click()
    page.get_by_role("link", name="Bob").click()
    page.wait_for_url(f"**/t/{bob.tenant.slug}/")
    assert page.get_by_test_id("tenant-switcher").locator("summary").inner_text().endswith("Bob")
    page.get_by_test_id("tenant-switcher").locator("summary").click()
    page.get_by_role("link", name="Alice").click()
    page.wait_for_url(f"**/t/{alice.tenant.slug}/")

    # Pick "Alice West" as the working company (the picker submits on change).
    with page.expect_navigation():
        page.get_by_label("Company").select_option(label="\u00a0\u00a0Alice West")
    assert "Alice West" in page.locator("main").inner_text()

    # Add a child company under it.
    page.get_by_role("link", name="Companies").click()
    row = page.locator("tr", has_text="Alice West")
    row.get_by_role("link", name="Add child").click()
    page.get_by_label("Name:", exact=True).fill("Alice Oregon")
    page.get_by_label("Code:", exact=True).fill("ALICE-OR")
    page.get_by_role("button", name="Save").click()

    tree = page.get_by_test_id("company-tree")
    assert "Alice Oregon" in tree.inner_text()
    screenshot("companies")

    with scope(tenant=alice.tenant.pk):
        child = Company.objects.get(code="ALICE-OR")
        assert child.parent.code == "ALICE-WEST"
