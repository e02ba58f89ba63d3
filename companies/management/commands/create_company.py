from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from companies.models import Company, Tenant
from companies.services import company_create


class Command(BaseCommand):
    help = "Create a company in a tenant's tree (R48)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--tenant", required=True, metavar="SLUG")
        parser.add_argument("--name", required=True)
        parser.add_argument("--parent", metavar="CODE")

    def handle(self, *args, code, tenant, name, parent, **options):
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if tenant_obj is None:
            raise CommandError(f"No tenant with the slug {tenant!r}.")
        with scope(tenant=tenant_obj.pk):
            parent_obj = None
            if parent:
                parent_obj = Company.objects.filter(code=parent).first()
                if parent_obj is None:
                    raise CommandError(f"No company with the code {parent!r} in {tenant}.")
            try:
                company = company_create(tenant=tenant_obj, name=name, code=code, parent=parent_obj)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        where = f"under {parent_obj.name}" if parent_obj else "as a root company"
        self.stdout.write(self.style.SUCCESS(f"Created {company.name} ({company.code}) {where}."))
