"""The import and export commands as a user types them for alice's root company (R41, R42)."""

import pytest
from django.core.management import call_command


def import_command(alice, path, *options: str) -> int:
    """`import_customers PATH --tenant alice --company <root> [options]`; returns its exit
    code (the command always exits: 0 applied, 1 errors, 2 refused)."""
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import_customers",
            str(path),
            "--tenant",
            alice.tenant.slug,
            "--company",
            alice.company.code,
            *options,
        )
    return exited.value.code


def export_command(alice, path, *options: str) -> None:
    """`export_customers PATH --tenant alice --company <root> [options]`."""
    call_command(
        "export_customers",
        str(path),
        "--tenant",
        alice.tenant.slug,
        "--company",
        alice.company.code,
        *options,
    )
