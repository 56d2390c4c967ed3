"""`nara db_worker`: django-tasks-db's worker, which first cleans up after a worker that was killed.

A killed worker (SIGKILL, the OOM killer, a machine going down) runs no `finally`: its import's batch would stay
"Pågår", its stored upload and the lake's scratch files (the extract's text, personnummer and all) would stay on
disk. Before it takes its first task, a starting worker fails such imports, deletes their uploads and sweeps the
scratch (nara.identify.import_tasks.recover); imports that other workers are running now are left alone (their
locks are held). The worker also runs with umask 077: what it writes is readable by the service's user only.

This command replaces django_tasks_db's own because nara.identify comes before django_tasks_db in
INSTALLED_APPS; every option of the original works the same.
"""

import os

from django_tasks_db.management.commands import db_worker

from nara.identify import import_tasks


class Command(db_worker.Command):
    help = "Run a database background worker (after failing the imports of workers that died)"

    def handle(self, *args, **options):
        os.umask(0o077)
        failed = import_tasks.recover(sweep=True)
        if failed and options.get("verbosity", 1):
            self.stdout.write(f"Marked {len(failed)} interrupted import(s) failed: {failed}")
        return super().handle(*args, **options)
