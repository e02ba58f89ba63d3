"""Demo data of the companies app: two tenants, a company tree, users of every role (R46)."""

from django.contrib.auth import get_user_model
from django_scopes import scope

from companies.models import Company, Membership, Role, Tenant
from companies.services import company_create

DEMO_PASSWORD = "certhub-demo"  # noqa: S105  (a local demo; printed for the user)

TREE = [
    # code, name, parent code, city, state
    ("ACME", "Acme Distribution Inc.", None, "Chicago", "IL"),
    ("ACME-EAST", "Acme East", "ACME", "Newark", "NJ"),
    ("ACME-NY", "Acme New York", "ACME-EAST", "Albany", "NY"),
    ("ACME-PA", "Acme Pennsylvania", "ACME-EAST", "Pittsburgh", "PA"),
    ("ACME-WEST", "Acme West", "ACME", "Sacramento", "CA"),
    ("ACME-TX", "Acme Texas", "ACME-WEST", "Austin", "TX"),
    ("ACME-CA", "Acme Canada Ltd.", None, "Toronto", "ON"),
]
CANADIAN_STATES = {"ON", "BC"}  # the provinces of the trees below
GLOBEX_TREE = [
    ("GLOBEX", "Globex Supply Co.", None, "Springfield", "OR"),
    ("GLOBEX-NW", "Globex Northwest", "GLOBEX", "Portland", "OR"),
    ("GLOBEX-BC", "Globex Canada", "GLOBEX", "Vancouver", "BC"),
]


def _populate(
    tenant: Tenant, tree: list, users: dict, *, contact_emails: bool = False
) -> dict[str | None, Company]:
    """Make the demo's owner, editor and viewer members of the tenant with those roles, and
    create its company `tree` (code, name, parent code, city, state); returns the companies
    by code."""
    companies: dict[str | None, Company] = {}
    with scope(tenant=tenant.pk):
        for role in (Role.OWNER, Role.EDITOR, Role.VIEWER):
            Membership.objects.create(tenant=tenant, user=users[role.value], role=role)
        for code, name, parent, city, state in tree:
            email = f"tax@{code.lower()}.example.com" if contact_emails else ""
            companies[code] = company_create(
                tenant=tenant,
                name=name,
                code=code,
                parent=companies.get(parent),
                city=city,
                state=state,
                country="CA" if state in CANADIAN_STATES else "US",
                contact_email=email,
            )
    return companies


def load(stdout=None) -> dict:
    """Create the demo tenants; returns what the other apps' demo loaders build on."""
    User = get_user_model()
    users = {}
    for email, name in [
        ("owner@demo.certhub", "Olivia Owner"),
        ("editor@demo.certhub", "Eddie Editor"),
        ("viewer@demo.certhub", "Vera Viewer"),
    ]:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=name
        )
        users[email.split("@")[0]] = user
    users["owner"].is_staff = True
    users["owner"].save(update_fields=["is_staff"])

    acme = Tenant.objects.create(slug="acme", name="Acme Distribution")
    globex = Tenant.objects.create(slug="globex", name="Globex Supply")
    globex_companies = _populate(globex, GLOBEX_TREE, users)
    companies = _populate(acme, TREE, users, contact_emails=True)
    # The second tenant gets a small world of its own (the app loaders run again for it), so
    # switching tenant shows the product working.
    second = {"tenant": globex, "companies": globex_companies, "users": users, "per_company": 10}
    return {"tenant": acme, "companies": companies, "users": users, "second": second}
