"""Local commands (issue 13): after scripts/run, the README's management commands work as
written through scripts/manage, with no DJANGO_DEBUG or virtualenv set by hand."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_scripts_manage_runs_a_command_with_the_local_settings():
    """R45: `scripts/manage` runs manage.py with the project's virtualenv and debug settings;
    without them set, `create_tenant --help` still answers."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_DEBUG", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE")
    }
    env["PATH"] = "/usr/bin:/bin"  # no virtualenv on the path: the script finds .venv itself
    result = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts" / "manage"), "create_tenant", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--owner" in result.stdout
