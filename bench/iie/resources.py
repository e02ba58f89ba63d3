"""django-import-export 4.x resources for the basic template, in the three configurations its
documentation offers for speed, each into two targets.

Configurations:
- default: the library's defaults (a lookup query and a save per row, a savepoint per row).
- bulk: `use_bulk = True` with `batch_size`, as its documentation recommends for speed.
- bulk+: bulk, plus its other documented speed-ups: `skip_diff` and the
  CachedInstanceLoader (one query for all existing rows instead of one per row).

Targets:
- `certhub` (P1's reference, on equal terms): CertHub's own `customers.Customer` and
  `customers.ShipToZone` tables, with their indexes, constraints and history triggers, written in
  the tenant's scope. Each row's `Shipping Customer State` becomes a ship-to zone: per row in the
  default configuration (after the row's save), in one `bulk_create` after the import in the bulk
  ones (the rows' ids are only known then).
- `plain` (information): `BenchCustomer`, a plain table without indexes or history.
P1 takes the fastest configuration into the `certhub` target as its reference.
"""

import time
from pathlib import Path

from import_export import resources
from import_export.fields import Field
from import_export.formats.base_formats import XLSX
from import_export.instance_loaders import CachedInstanceLoader
from import_export.widgets import CharWidget

from bench.iie.models import BenchCustomer
from bench.workbooks import COLUMNS
from customers.models import Customer, ShipToZone
from customers.services import CUSTOMER_TEXT_FIELDS

FIELDS = [*CUSTOMER_TEXT_FIELDS, "ship_to_state"]


def _field(attribute: str, title: str) -> Field:
    return Field(attribute=attribute, column_name=title, widget=CharWidget())


class CustomerResource(resources.ModelResource):
    """Maps the basic template's titles to the plain model, upserting by number per company."""

    number = _field("number", COLUMNS[0])
    alternate_id = _field("alternate_id", COLUMNS[1])
    fein = _field("fein", COLUMNS[2])
    name1 = _field("name1", COLUMNS[3])
    name2 = _field("name2", COLUMNS[4])
    attention_name = _field("attention_name", COLUMNS[5])
    address_line1 = _field("address_line1", COLUMNS[6])
    address_line2 = _field("address_line2", COLUMNS[7])
    city = _field("city", COLUMNS[8])
    state = _field("state", COLUMNS[9])
    country = _field("country", COLUMNS[10])
    zip = _field("zip", COLUMNS[11])
    phone = _field("phone", COLUMNS[12])
    fax = _field("fax", COLUMNS[13])
    email = _field("email", COLUMNS[14])
    ship_to_state = _field("ship_to_state", COLUMNS[15])

    class Meta:
        model = BenchCustomer
        fields = FIELDS
        import_id_fields = ["number"]

    def __init__(self, *, company, **kwargs):
        super().__init__(**kwargs)
        self.company = company

    def get_queryset(self):
        return BenchCustomer.objects.filter(company=self.company)

    def before_save_instance(self, instance, row, **kwargs):
        instance.company_id = self.company.pk
        instance.tenant_id = self.company.tenant_id


class BulkCustomerResource(CustomerResource):
    class Meta(CustomerResource.Meta):
        use_bulk = True
        batch_size = 1000


class TunedBulkCustomerResource(CustomerResource):
    class Meta(CustomerResource.Meta):
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        instance_loader_class = CachedInstanceLoader


class CertHubCustomerResource(CustomerResource):
    """The same columns into CertHub's own customer table, the state column into ship-to zones."""

    ship_to_state = Field(column_name=COLUMNS[15], attribute=None, widget=CharWidget())

    class Meta(CustomerResource.Meta):
        model = Customer

    def __init__(self, *, company, **kwargs):
        super().__init__(company=company, **kwargs)
        self.zone_states: dict[str, str] = {}  # customer number -> region, for the bulk modes

    def get_queryset(self):
        return Customer.objects.filter(company=self.company)

    def get_bulk_update_fields(self):
        return [f for f in super().get_bulk_update_fields() if f != "ship_to_state"]

    def after_save_instance(self, instance, row, **kwargs):
        region = (row.get(COLUMNS[15]) or "").strip()
        if not region:
            return
        if self._meta.use_bulk:  # not saved yet: zones go in after the import
            self.zone_states[instance.number] = region
        else:
            ShipToZone.objects.get_or_create(
                tenant_id=instance.tenant_id, customer=instance, region=region
            )

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not self.zone_states:
            return
        ids = dict(
            Customer.objects.filter(company=self.company, number__in=self.zone_states).values_list(
                "number", "id"
            )
        )
        ShipToZone.objects.bulk_create(
            [
                ShipToZone(tenant_id=self.company.tenant_id, customer_id=ids[number], region=region)
                for number, region in self.zone_states.items()
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )


class CertHubBulkCustomerResource(CertHubCustomerResource):
    class Meta(CertHubCustomerResource.Meta, BulkCustomerResource.Meta):
        pass


class CertHubTunedBulkCustomerResource(CertHubCustomerResource):
    class Meta(CertHubCustomerResource.Meta, TunedBulkCustomerResource.Meta):
        pass


MODES = {
    "default": CustomerResource,
    "bulk": BulkCustomerResource,
    "bulk+": TunedBulkCustomerResource,
}
CERTHUB_MODES = {
    "default": CertHubCustomerResource,
    "bulk": CertHubBulkCustomerResource,
    "bulk+": CertHubTunedBulkCustomerResource,
}


def run_import(path: Path, *, mode: str, company, target: str = "plain") -> tuple[float, dict]:
    """Import one file as the library does (its XLSX format, then import_data in a
    transaction, in the tenant's scope); returns the seconds from file to committed rows and
    the result totals. `target` is "certhub" (CertHub's tables) or "plain" (BenchCustomer)."""
    from django_scopes import scope

    resource = (CERTHUB_MODES if target == "certhub" else MODES)[mode]
    start = time.perf_counter()
    dataset = XLSX().create_dataset(path.read_bytes())
    with scope(tenant=company.tenant_id):
        result = resource(company=company).import_data(
            dataset, dry_run=False, raise_errors=True, use_transactions=True
        )
    seconds = time.perf_counter() - start
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError(f"import-export ({mode}) reported errors on {path.name}")
    return seconds, dict(result.totals)
