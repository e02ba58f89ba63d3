"""ImportChange.company: the company of the changed customer, since a `Company Code` column
routes rows to the companies below the batch's (R42). Existing changes get their batch's."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0001_initial'),
        ('imports', '0003_importchange_batch_without_db_constraint'),
    ]

    operations = [
        migrations.AddField(
            model_name='importchange',
            name='company',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='companies.company'),
        ),
        migrations.RunSQL(
            """UPDATE imports_importchange ch SET company_id = b.company_id
               FROM imports_importbatch b WHERE b.id = ch.batch_id""",
            reverse_sql=migrations.RunSQL.noop),
    ]
