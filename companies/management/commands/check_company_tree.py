"""Check, and repair, the company trees (R53).

Without --repair: reports each tenant's tree (or one tenant's) as consistent or lists what is
wrong, and exits 1 if anything is. With --repair (needs --tenant): recomputes that tenant's tree
from its parent links under the tenant's tree lock, writing no other tenant's rows.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certhub.errors import error_text
from companies.commands import tenant_scope
from companies.models import Tenant
from companies.services import tree_problems, tree_repair


class Command(BaseCommand):
    help = "Report whether each tenant's company tree is consistent; --repair fixes one tenant's."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", metavar="SLUG", help="Only this tenant.")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Recompute the tenant's tree from its parent links.",
        )

    def handle(self, *args, tenant, repair, **options):
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants:
                raise CommandError(f"No tenant with the slug {tenant!r}.")
        elif repair:
            raise CommandError("--repair works on one tenant: give --tenant SLUG.")
        broken = 0
        for each in tenants:
            with tenant_scope(each):
                if repair:
                    try:
                        changed = tree_repair(tenant=each)
                    except ValidationError as error:
                        raise CommandError(error_text(error)) from error
                    self.stdout.write(f"{each.slug}: repaired, {changed} companies changed.")
                problems = tree_problems(tenant=each)
            if problems:
                broken += 1
                self.stdout.write(self.style.ERROR(f"{each.slug}: inconsistent"))
                for line in problems[:50]:
                    self.stdout.write(f"  {line}")
                if len(problems) > 50:
                    self.stdout.write(f"  … and {len(problems) - 50} more")
            else:
                self.stdout.write(self.style.SUCCESS(f"{each.slug}: consistent"))
        if broken:
            raise CommandError(
                f"{broken} tenant tree(s) inconsistent; repair each with --tenant SLUG --repair.",
                returncode=1,
            )
