"""The tables and columns the import's SQL names (engine, undo, export), read from the models'
`_meta`: a renamed table or column is followed, and a field that is gone fails at once.

    customer = Table(Customer)
    f"SELECT c.{customer.number} FROM {customer} c WHERE c.{customer.company} = ..."

renders `SELECT c.number FROM customers_customer c WHERE c.company_id = ...`. The names are
Django's own (lower case, no quoting needed).
"""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model

from companies.models import Company
from customers.models import Customer, ShipToLink, ShipToZone
from imports.columns import FIELD_NAMES
from imports.models import ImportChange


class Table:
    """A model's table: `str()` is its name, an attribute the column of that field (a foreign
    key's `_id` column for its name); AttributeError for a field the model lacks."""

    def __init__(self, model: type[Model]):
        self.model = model

    def __str__(self) -> str:
        return self.model._meta.db_table

    def __getattr__(self, name: str) -> str:
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise AttributeError(f"{self.model.__name__} has no field {name!r}") from error
        if not isinstance(field, Field) or field.column is None:  # a relation pointing here
            raise AttributeError(f"{self.model.__name__}.{name} has no column")
        return field.column

    def columns(self, names: list[str]) -> dict[str, str]:
        """{field name: column} of these fields."""
        return {name: getattr(self, name) for name in names}

    def insert(self, names: list[str]) -> str:
        """`INSERT INTO table (columns of these fields)`."""
        return f"INSERT INTO {self} ({', '.join(getattr(self, name) for name in names)})"


CUSTOMERS, ZONES, LINKS = Table(Customer), Table(ShipToZone), Table(ShipToLink)
CHANGES, COMPANIES = Table(ImportChange), Table(Company)
# {field: column} of the customer fields an import reads (imports.columns): `c.{COLUMN[f]}`.
COLUMN = CUSTOMERS.columns(FIELD_NAMES)
