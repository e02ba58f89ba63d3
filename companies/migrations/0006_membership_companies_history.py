"""R54: adding and removing a company a membership is limited to is recorded in the history.

Membership.companies' table (companies_membership_companies) becomes the declared model
MembershipCompany in the migration state only: the table, its columns, its unique pair and its
R51 constraint trigger (companies.tenant_constraints) stay exactly as they are.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0005_address_validation_setting'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MembershipCompany',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='companies.company')),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='companies.membership')),
                    ],
                    options={
                        'db_table': 'companies_membership_companies',
                        'unique_together': {('membership', 'company')},
                    },
                ),
                migrations.AlterField(
                    model_name='membership',
                    name='companies',
                    field=models.ManyToManyField(blank=True, help_text='Leave empty to reach every company; otherwise these and their descendants.', related_name='limited_memberships', through='companies.MembershipCompany', to='companies.company'),
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name='MembershipCompanyEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('company', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='companies.company')),
                ('membership', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='companies.membership')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='companies.membershipcompany')),
                ('tenant', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='companies.tenant')),
            ],
            options={
                'abstract': False,
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membershipcompany',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "companies_membershipcompanyevent" ("company_id", "id", "membership_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."company_id", NEW."id", NEW."membership_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;', hash='df1817a43e1bf893e1ad350b23ed5f9c6fd557ea', operation='INSERT', pgid='pgtrigger_insert_insert_dc1e4', table='companies_membership_companies', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membershipcompany',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "companies_membershipcompanyevent" ("company_id", "id", "membership_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."company_id", OLD."id", OLD."membership_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id"); RETURN NULL;', hash='62d55c53647c13aa44237405af5c922e1bb09f6e', operation='DELETE', pgid='pgtrigger_delete_delete_5cba7', table='companies_membership_companies', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membershipcompanyevent',
            trigger=pgtrigger.compiler.Trigger(name='tenant_of_membership', sql=pgtrigger.compiler.UpsertTriggerSql(func='NEW.tenant_id := (SELECT tenant_id FROM companies_membership WHERE id = NEW.membership_id); RETURN NEW;', hash='ea55000d132f1de1c121d6dfc3d7edfe029ab07f', operation='INSERT', pgid='pgtrigger_tenant_of_membership_957a9', table='companies_membershipcompanyevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membershipcompanyevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='e4164684de8718f730a0216db60fa207d244715f', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_00a18', table='companies_membershipcompanyevent', when='BEFORE')),
        ),
    ]
