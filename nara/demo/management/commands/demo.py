"""`nara demo`: load the synthetic demo region (Västra Götalandsregionen with Mark, Borås and Bollebygd)."""
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nara.demo import data, generator


def signin_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for signin in generator.demo_signins():
        for i, assignment in enumerate(signin["assignments"]):
            first = i == 0
            rows.append((
                signin["username"] if first else "",
                signin["name"] if first else "",
                assignment["unit"],
                ", ".join(assignment["roles"]),
            ))
    return rows


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = gettext_lazy("Skapar en syntetisk demoregion med enheter, personal och invånare (inga riktiga personuppgifter).")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED,
                            help=_("Slumpfrö; samma frö ger samma region (standard %(default)s)."))
        parser.add_argument("--persons", type=int, default=generator.DEFAULT_PERSONS,
                            help=_("Antal invånare (standard %(default)s)."))
        parser.add_argument("--if-empty", action="store_true",
                            help=_("Gör ingenting om databasen redan innehåller personer."))
        parser.add_argument("--signins", action="store_true",
                            help=_("Skriv bara ut demoinloggningarna (t.ex. efter start av servern)."))

    def handle(self, *args, seed, persons, if_empty, signins, **options):
        if signins:
            self.print_signins()
            return
        minimum = len(data.DEMO_PERSONS)
        if persons < minimum:
            raise CommandError(_("Ange minst %(n)d personer med --persons.") % {"n": minimum})
        if if_empty and generator.is_loaded():
            self.stdout.write(_("Demodata finns redan i databasen; ingenting ändrades."))
            return
        started = time.perf_counter()
        try:
            summary = generator.generate(seed=seed, persons=persons)
        except generator.AlreadyLoaded as exc:
            raise CommandError(
                _("%(reason)s Demoregionen läses bara in i en tom databas. Använd en ny databas, eller "
                  "--if-empty för att hoppa över inläsningen när data redan finns.") % {"reason": exc}
            ) from None
        elapsed = time.perf_counter() - started
        self.report(summary, elapsed)

    def report(self, summary: generator.Summary, elapsed: float) -> None:
        c = summary.counts
        self.stdout.write(self.style.SUCCESS(
            _("Demoregionen skapades på %(s)s s: %(orgs)d huvudmän, %(units)d enheter, %(staff)d medarbetare, "
              "%(persons)d invånare (varav %(old)d är 65 år eller äldre).") % {
                "s": number_format(elapsed, 1), "orgs": c["organisations"], "units": c["units"], "staff": c["staff"],
                "persons": c["persons"], "old": c["aged_65"]}
        ))
        self.stdout.write(
            _("%(rel)d närstående, %(fixed)d fasta kontakter, %(team)d vårdteamsposter, %(cons)d samtycken "
              "och %(blocks)d spärrar.") % {
                "rel": c["relatives"], "fixed": c["fixed_contacts"], "team": c["care_team"],
                "cons": c["consents"], "blocks": c["blocks"]}
        )
        names = ", ".join(
            _("%(name)s (född %(year)d)") % {"name": p.name, "year": p.birth_year} for p in summary.demo_persons
        )
        self.stdout.write("")
        self.stdout.write(_("Demopersoner: %(names)s.") % {"names": names})
        self.stdout.write(_(
            "De är listade på Vårdcentralen Kinna och finns i Hemsjukvården Marks vårdteam men har inget "
            "samtycke: logga in som anna.ssk, registrera ett samtycke och se att Marks kommuns uppgifter visas."
        ))
        self.stdout.write("")
        self.print_signins()

    def print_signins(self) -> None:
        self.stdout.write(_("Demoinloggningar (samma lösenord för alla: %(pw)s):") % {"pw": data.DEMO_PASSWORD})
        header = (_("Användarnamn"), _("Namn"), _("Enhet"), _("Roller"))
        self.stdout.write(format_table(header, signin_rows()))
        self.stdout.write(_("Övriga demomedarbetare har samma lösenord."))
