"""`export_customers FILE --tenant SLUG --company CODE [--template basic|full] [--descendants]`
(R42): a company's customers as a template workbook; importing it unchanged changes nothing.
With --descendants a `Company Code` column routes each row back to its company."""

from django.core.management.base import BaseCommand

from companies.commands import company_by_code, tenant_scope
from companies.models import Company
from imports.export import export_customers
from imports.management.commands._lookup import add_file_tenant_company


class Command(BaseCommand):
    help = "Export a company's customers as a basic or full template .xlsx (R42)."

    def add_arguments(self, parser):
        add_file_tenant_company(parser)
        parser.add_argument("--template", choices=["basic", "full"], default="basic")
        parser.add_argument(
            "--descendants",
            action="store_true",
            help="Include the customers of the company's descendants.",
        )

    def handle(self, *args, file, tenant, company, template, descendants, **options):
        with tenant_scope(tenant) as tenant_obj:
            company_obj = company_by_code(tenant_obj, company)
            ids = [company_obj.pk]
            if descendants:
                ids = list(
                    Company.objects.filter(company_obj.subtree_q()).values_list("pk", flat=True)
                )
            rows = export_customers(
                file, company_ids=ids, template=template, company_code=descendants
            )
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows:,} rows to {file}."))
