"""`nara purge_access_log`: remove access-log rows older than NARA_AUDIT_RETENTION_YEARS (never below 5 years)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from nara.audit import services


class Command(BaseCommand):
    help = "Tar bort poster i åtkomstloggen som är äldre än lagringstiden (minst 5 år)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Visa hur många poster som skulle tas bort, utan att ta bort något.")

    def handle(self, *args, dry_run=False, **options):
        try:
            count, cutoff = services.purge_expired(dry_run=dry_run)
        except services.RetentionError as exc:
            raise CommandError(str(exc)) from None
        values = {"count": count, "cutoff": timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M")}
        if dry_run:
            text = ngettext("Provkörning: %(count)s loggpost äldre än %(cutoff)s skulle tas bort.",
                            "Provkörning: %(count)s loggposter äldre än %(cutoff)s skulle tas bort.", count)
        else:
            text = ngettext("Tog bort %(count)s loggpost äldre än %(cutoff)s.",
                            "Tog bort %(count)s loggposter äldre än %(cutoff)s.", count)
        self.stdout.write(text % values)
