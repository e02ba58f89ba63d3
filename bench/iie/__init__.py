"""django-import-export reference for P1: a plain customer model and its resources.

Installed only by the bench settings (bench/iie/settings.py), never by CertHub's own.
"""
