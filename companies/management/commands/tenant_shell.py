"""`tenant_shell --tenant SLUG [shell options]`: Django's shell inside one tenant's scope (R4).

Outside a scope every query of tenant-owned data raises, so a plain `manage.py shell` reads
nothing of a tenant; `scopes_disabled()` there reads every tenant at once. This shell sees one
tenant, as its pages do, with the models imported and `tenant` set to the tenant.
"""

from typing import Any

from django.core.management.commands import shell

from companies.commands import tenant_scope
from companies.models import Tenant


class Command(shell.Command):
    help = "Django's shell inside one tenant's scope; `tenant` is that tenant."

    tenant: Tenant | None = None

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--tenant", required=True, metavar="SLUG")

    def handle(self, **options: Any) -> None:
        with tenant_scope(options.pop("tenant")) as tenant:
            self.tenant = tenant
            if options["verbosity"] > 0 and not options["command"]:
                self.stdout.write(f"In the scope of {tenant.slug} ({tenant.name}).")
            super().handle(**options)

    def get_namespace(self, **options: Any) -> dict[str, Any]:
        return {**super().get_namespace(**options), "tenant": self.tenant}
