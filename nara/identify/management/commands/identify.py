"""`nara identify run [--date D]` computes every risk definition for a reference date; `nara identify docs`
regenerates docs/definitions.md from the definition files."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from nara.identify import definitions, runs
from nara.identify.definitions import DefinitionError
from nara.identify.definitions import docs as definition_docs


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ogiltigt datum ”{text}”: skriv ÅÅÅÅ-MM-DD, t.ex. 2026-11-22.") from None


class Command(BaseCommand):
    help = "Riskidentifiering: kör alla riskdefinitioner (run) eller skriv om docs/definitions.md (docs)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Beräkna alla riskdefinitioner för ett referensdatum.")
        run.add_argument("--date", type=_date, default=None,
                         help="Referensdatum ÅÅÅÅ-MM-DD (standard: i dag).")
        run.add_argument("--enqueue", action="store_true",
                         help="Lägg körningen i bakgrundskön i stället för att köra den nu (för schemaläggning).")
        run.add_argument("--no-progress", action="store_true", help="Visa ingen förloppsindikator.")
        docs = sub.add_parser("docs", help="Skriv om docs/definitions.md från definitionsfilerna.")
        docs.add_argument("--check", action="store_true",
                          help="Ändra ingenting; avsluta med fel om filen inte är aktuell.")

    def handle(self, *args, action, **options):
        if action == "docs":
            return self.docs(options["check"])
        return self.run(options["date"], options["enqueue"], options["no_progress"] or options["verbosity"] == 0)

    def docs(self, check: bool) -> None:
        try:
            text = definition_docs.render()
        except DefinitionError as exc:
            raise CommandError(str(exc)) from None
        path = definition_docs.DOCS_PATH
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path.name} är inte aktuell: kör `nara identify docs`.")
            self.stdout.write(f"{path.name} är aktuell.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Skrev {path}."))

    def run(self, date: dt.date | None, enqueue: bool, quiet: bool) -> None:
        if enqueue:
            from nara.identify.tasks import risk_run

            result = risk_run.enqueue(reference_date=date.isoformat() if date else None)
            self.stdout.write(self.style.SUCCESS(f"Riskkörningen ligger i kön (jobb {result.id})."))
            return
        try:
            total = len(definitions.load_all())
        except DefinitionError as exc:
            raise CommandError(str(exc)) from None
        bar = tqdm(total=total, desc="Riskdefinitioner", unit="def", disable=quiet, file=self.stderr)
        try:
            run = runs.execute(date, triggered_by="kommandorad",
                               progress=lambda d: (bar.set_postfix_str(d.id), bar.update()))
        except runs.RiskRunFailed as exc:
            raise CommandError(f"{exc.run.message} (körning {exc.run.pk})") from None
        finally:
            bar.close()
        counts = run.counts
        self.stdout.write(self.style.SUCCESS(
            f"Riskkörning {run.pk} för {run.reference_date:%Y-%m-%d} klar på {run.duration_seconds:.1f} s: "
            f"{counts['persons_flagged']} personer flaggade, {counts['rows']} rader i {run.results_path}."
        ))
        for ident, c in counts["definitions"].items():
            self.stdout.write(f"  {ident}: {c['flagged']} flaggade")
