"""`nara import population|encounters FILE`: import an extract into the analytics lake, with a progress bar."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from nara.identify.importing import contract, sources
from nara.identify.models import ImportBatch
from nara.identify.services import STAGES, import_extract


class ProgressBars:
    """One tqdm bar per stage on stderr, counting rows, so the rate shows as rows per second."""

    def __init__(self, stream):
        self.stream = stream
        self.stage = None
        self.bar = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=str(STAGES[stage]), unit=" rader", unit_scale=True,
                            file=self.stream, leave=True, dynamic_ncols=True)
        if total is not None and self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = gettext_lazy("Läser in ett befolkningsuttag eller vårdkontakter (CSV, Parquet eller FHIR NDJSON) i "
                        "analyslagret. Se docs/extract-contract.md.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=contract.KINDS, help=_("population eller encounters"))
        parser.add_argument("file", help=_("filen som ska läsas in"))
        parser.add_argument("--accept-valid-rows", action="store_true",
                            help=_("läs in de felfria raderna och skriv de avvisade till en felrapport"))
        parser.add_argument("--report", help=_("var felrapporten (CSV) ska skrivas"))
        parser.add_argument("--format", choices=sources.FORMATS, help=_("filformat (standard: filändelsen)"))
        parser.add_argument("--extract-date", type=dt.date.fromisoformat,
                            help=_("uttagsdatum ÅÅÅÅ-MM-DD när filen saknar kolumnen (standard: i dag)"))
        parser.add_argument("--no-progress", action="store_true", help=_("visa ingen förloppsindikator"))

    def handle(self, *args, **options):
        bars = None if options["no_progress"] else ProgressBars(sys.stderr)
        try:
            batch = import_extract(
                options["kind"], options["file"], accept_valid_rows=options["accept_valid_rows"],
                report_path=options["report"], progress=bars, file_format=options["format"],
                extract_date=options["extract_date"],
            )
        finally:
            if bars:
                bars.close()
        if batch.status != ImportBatch.Status.SUCCEEDED:
            raise CommandError(batch.message or batch.get_status_display(), returncode=2)
        self.stdout.write(self.style.SUCCESS(batch.message))
