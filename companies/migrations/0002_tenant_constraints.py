"""R51: the database refuses a row whose references cross tenants (companies.tenant_constraints).

Existing rows are checked first: if any already crosses tenants, the migration stops and lists
them (table, id, the reference and both tenants), and nothing is changed.
"""

from django.db import migrations

from companies import tenant_constraints


def forwards(apps, schema_editor):
    tenant_constraints.apply(schema_editor.connection, apps.get_models(include_auto_created=True))


def backwards(apps, schema_editor):
    tenant_constraints.remove(schema_editor.connection, apps.get_models(include_auto_created=True))


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0001_initial"),
        ("customers", "0007_customer_fillfactor"),
        ("documents", "0002_document_checks_and_exposure_export"),
        ("imports", "0003_importchange_batch_without_db_constraint"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
