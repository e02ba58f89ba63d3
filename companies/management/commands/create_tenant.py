from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certhub.errors import error_text
from companies.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant and its owner (R48)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner", required=True, metavar="EMAIL")

    def handle(self, *args, slug, name, owner, **options):
        try:
            tenant, user, password = tenant_create(slug=slug, name=name, owner_email=owner)
        except ValidationError as error:
            raise CommandError(error_text(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Created tenant {tenant.slug} ({tenant.name})."))
        if password:
            self.stdout.write(f"Owner {user.email}, one-time password: {password}")
            self.stdout.write("Change it after the first log-in (user menu > Change password).")
        else:
            self.stdout.write(f"Owner {user.email} already had an account; it is now the owner.")
