"""Denied attempts in the access log (issue 11 item 7): the action "denied", its reason, and rows without person
(a denial that named no existing person).

Making `person` nullable rebuilds the table on SQLite (a new table, the rows copied, the old one dropped), and the
old table's triggers go with it. So the guards of migrations 0003 and 0004 are lifted first and installed again
afterwards, on both databases (on PostgreSQL the ALTER keeps them, and installing twice would fail). The whole
migration is one transaction: the log is never left unguarded.
"""
import importlib

import django.db.models.deletion
from django.db import migrations, models

GUARD_MIGRATIONS = ("0003_append_only_guards", "0004_insert_guards")


def _guards():
    return [importlib.import_module(f"nara.audit.migrations.{name}") for name in GUARD_MIGRATIONS]


def lift_guards(apps, schema_editor):
    for guard in reversed(_guards()):
        guard.remove(apps, schema_editor)


def install_guards(apps, schema_editor):
    for guard in _guards():
        guard.install(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_insert_guards"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(lift_guards, install_guards),
        migrations.AddField(
            model_name="accesslogentry",
            name="reason",
            field=models.CharField(blank=True, help_text="Bara för nekade försök: skälet som användaren fick se.",
                                   max_length=300, verbose_name="skäl till nekandet"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="action",
            field=models.CharField(choices=[("read", "Läsning"), ("create", "Registrering"), ("change", "Ändring"),
                                            ("print", "Utskrift"), ("export", "Export"), ("emergency", "Nödåtkomst"),
                                            ("denied", "Nekad åtkomst")],
                                   max_length=20, verbose_name="åtgärd"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="person",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="people.person"),
        ),
        migrations.RunPython(install_guards, lift_guards),
    ]
