"""The organisation whose data a log row is about (issue 11 item 8), so that the data-holding organisation's log
review sees every access to its data.

A nullable column without default: SQLite adds it with ALTER TABLE ADD COLUMN (no table rebuild), so the guards
of migrations 0003 and 0004 stay in place (tests/audit/test_guards.py checks them after every migration).
Existing rows keep an empty data organisation: they are reviewed, as before, by the organisation of the unit.
"""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_denied_attempts"),
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="data_org",
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="directory.organisation", verbose_name="uppgifternas huvudman"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["data_org", "logged_at"], name="audit_acces_data_or_1d5d27_idx"),
        ),
    ]
