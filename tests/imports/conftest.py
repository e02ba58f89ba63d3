import pytest
from django_scopes import scope

from tests.factories import import_file
from tests.streamed_upload import upload_temp  # noqa: F401  (a fixture of the cap tests)


@pytest.fixture
def run_import(alice):
    """Import a file into alice's root company as her editor; returns the ImportResult."""

    def _run(path, **options):
        options.setdefault("user", alice.editor)
        return import_file(path, tenant=alice.tenant, company=alice.company, **options)

    return _run


@pytest.fixture
def customers(alice):
    """Alice's customers by number, read in her scope."""
    from customers.models import Customer

    def _read():
        with scope(tenant=alice.tenant.pk):
            return {c.number: c for c in Customer.objects.filter(company=alice.company)}

    return _read


@pytest.fixture
def zones(alice):
    from customers.models import ShipToZone

    def _read(number):
        with scope(tenant=alice.tenant.pk):
            return sorted(
                ShipToZone.objects.filter(
                    customer__number=number, customer__company=alice.company
                ).values_list("region", flat=True)
            )

    return _read
