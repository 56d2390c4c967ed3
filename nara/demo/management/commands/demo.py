"""`nara demo`: load the synthetic demo region (Västra Götalandsregionen with Mark, Borås and Bollebygd), its
population and encounter extracts into the analytics lake, and a risk run, so the risk lists are filled."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nara.demo import data, extracts, generator


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
    help = gettext_lazy(
        "Skapar en syntetisk demoregion med enheter, personal och invånare (inga riktiga personuppgifter), skriver "
        "ett befolkningsuttag och två års vårdkontakter för den under var/demo-extracts/, läser in dem i "
        "analyslagret och gör en riskkörning för i dag, så att risklistorna är ifyllda. Med --if-empty görs "
        "ingenting om databasen redan har personer, utom när databasen har demoregionen men analyslagret är tomt "
        "(t.ex. när var/lake har tagits bort): då skapas uttagen på nytt, läses in och riskkörningen görs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED,
                            help=_("Slumpfrö; samma frö ger samma region (standard %(default)s)."))
        parser.add_argument("--persons", type=int, default=generator.DEFAULT_PERSONS,
                            help=_("Antal invånare (standard %(default)s)."))
        parser.add_argument("--if-empty", action="store_true",
                            help=_("Gör ingenting om databasen redan innehåller personer – utom att läsa in "
                                   "demouttagen och göra riskkörningen om demoregionen finns men analyslagret "
                                   "är tomt."))
        parser.add_argument("--signins", action="store_true",
                            help=_("Skriv bara ut demoinloggningarna (t.ex. efter start av servern)."))

    def handle(self, *args, seed, persons, if_empty, signins, **options):
        if signins:
            self.print_signins()
            return
        minimum = len(data.DEMO_PERSONS)
        if persons < minimum:
            raise CommandError(_("Ange minst %(n)d personer med --persons.") % {"n": minimum})
        today = timezone.localdate()
        if if_empty and generator.is_loaded():
            self.refill_lake(seed, today)
            return
        started = time.perf_counter()
        try:
            summary = generator.generate(seed=seed, persons=persons, today=today)
        except generator.AlreadyLoaded as exc:
            raise CommandError(
                _("%(reason)s Demoregionen läses bara in i en tom databas. Använd en ny databas, eller "
                  "--if-empty för att hoppa över inläsningen när data redan finns.") % {"reason": exc}
            ) from None
        elapsed = time.perf_counter() - started
        self.report(summary, elapsed)
        self.stdout.write("")
        if extracts.lake_tables():
            self.stdout.write(self.style.WARNING(_(
                "Analyslagret (%(dir)s) innehåller redan data, så demouttagen lästes inte in och ingen riskkörning "
                "gjordes. Töm analyslagret och kör `nara demo --if-empty` för att läsa in dem."
            ) % {"dir": settings.NARA_LAKE_DIR}))
        else:
            self.load_lake(seed, today)
        self.stdout.write("")
        self.print_signins()

    def refill_lake(self, seed: int, today) -> None:
        """--if-empty on a loaded database: only fill an empty lake of the demo region (and finish its risk run)."""
        tables = extracts.lake_tables()
        if not extracts.demo_region_loaded() or (tables and extracts.has_risk_run()):
            self.stdout.write(_("Demodata finns redan i databasen; ingenting ändrades."))
            return
        if not tables:
            self.stdout.write(_("Demoregionen finns i databasen men analyslagret är tomt: demouttagen skapas och "
                                "läses in på nytt."))
            self.load_lake(seed, today)
        elif set(tables) >= {"population", "encounters"}:
            self.stdout.write(_("Demodata finns redan; riskkörningen saknas och görs nu."))
            self.run_step(lambda: extracts.risk_run(today, self.say))
        else:
            self.stdout.write(self.style.WARNING(_(
                "Analyslagret (%(dir)s) är bara delvis fyllt; ingenting ändrades. Töm det och kör "
                "`nara demo --if-empty` igen.") % {"dir": settings.NARA_LAKE_DIR}))

    def say(self, line: str) -> None:
        self.stdout.write(line)

    def run_step(self, step):
        try:
            return step()
        except extracts.DemoLoadFailed as exc:
            raise CommandError(str(exc)) from None

    def load_lake(self, seed: int, today) -> None:
        self.stdout.write(_("Skapar demouttag, läser in dem i analyslagret och gör en riskkörning …"))
        started = time.perf_counter()
        self.run_step(lambda: extracts.load(seed, today, self.say))
        self.stdout.write(self.style.SUCCESS(
            _("Analysdata och risklistor är klara på %(s)s s.") % {"s": number_format(time.perf_counter() - started, 1)}
        ))

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
        self.stdout.write(
            _("%(cfs)d CFS-bedömningar, %(plans)d vårdplaner och %(lim)d behandlingsbegränsningar.") % {
                "cfs": c["cfs_ratings"], "plans": c["care_plans"], "lim": c["treatment_limitations"]}
        )
        self.stdout.write(
            _("%(agr)d överenskommelser om utskrivning och %(cases)d utskrivningsärenden.") % {
                "agr": c["agreements"], "cases": c["discharge_cases"]}
        )
        names = ", ".join(
            _("%(name)s (född %(year)d)") % {"name": p.name, "year": p.birth_year} for p in summary.demo_persons
        )
        self.stdout.write("")
        self.stdout.write(_("Demopersoner: %(names)s.") % {"names": names})
        self.stdout.write(_(
            "De är listade på Vårdcentralen Kinna och finns i Hemsjukvården Marks vårdteam. Astrid, Gösta och "
            "Margit har inget samtycke: logga in som anna.ssk, registrera ett samtycke och se att Marks kommuns "
            "uppgifter visas. Ingvar har en fastställd SIP med uppföljning den här veckan, Margit en palliativ "
            "vårdplan, och Gösta skrevs in på SÄS NÄVA i morse (nils.avd skickar inskrivningsmeddelandet)."
        ))

    def print_signins(self) -> None:
        self.stdout.write(_("Demoinloggningar (samma lösenord för alla: %(pw)s):") % {"pw": data.DEMO_PASSWORD})
        header = (_("Användarnamn"), _("Namn"), _("Enhet"), _("Roller"))
        self.stdout.write(format_table(header, signin_rows()))
        self.stdout.write(_("Övriga demomedarbetare har samma lösenord."))
