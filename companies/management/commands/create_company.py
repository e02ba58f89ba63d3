from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certhub.errors import error_text
from companies.commands import company_by_code, tenant_scope
from companies.services import company_create


class Command(BaseCommand):
    help = "Create a company in a tenant's tree (R48)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--tenant", required=True, metavar="SLUG")
        parser.add_argument("--name", required=True)
        parser.add_argument("--parent", metavar="CODE")

    def handle(self, *args, code, tenant, name, parent, **options):
        with tenant_scope(tenant) as tenant_obj:
            parent_obj = company_by_code(tenant_obj, parent) if parent else None
            try:
                company = company_create(tenant=tenant_obj, name=name, code=code, parent=parent_obj)
            except ValidationError as error:
                raise CommandError(error_text(error)) from error
        where = f"under {parent_obj.name}" if parent_obj else "as a root company"
        self.stdout.write(self.style.SUCCESS(f"Created {company.name} ({company.code}) {where}."))
