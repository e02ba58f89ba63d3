"""Bench settings: CertHub's, plus the import-export reference app, with DEBUG off."""

from certhub.settings import *  # noqa: F403
from certhub.settings import INSTALLED_APPS

DEBUG = False  # no query log: it would slow every run and grow memory
INSTALLED_APPS = [*INSTALLED_APPS, "bench.iie"]
