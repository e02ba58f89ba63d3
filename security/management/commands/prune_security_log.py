"""Retention of the security log (R52): remove entries older than a date, in every tenant."""

from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from companies import retention
from security.models import SecurityEvent


class Command(BaseCommand):
    help = "Delete security log entries (denied accesses, failed log-ins) recorded before a date."

    def add_arguments(self, parser):
        retention.add_arguments(parser, what="Entries")

    def handle(self, *args, before, dry_run, **options):
        cutoff = retention.cutoff(before)
        with scopes_disabled():  # an operator's command: every tenant's entries and none's
            old = SecurityEvent.objects.filter(created_at__lt=cutoff)
            count = old.count() if dry_run else old.delete()[0]
        verb = "would be deleted" if dry_run else "deleted"
        day = cutoff.date()
        self.stdout.write(self.style.SUCCESS(f"{count} security log entries before {day} {verb}."))
