"""The `nara` command: Django's management commands under the project's name (`nara demo`, `nara migrate`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nara.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nara", *sys.argv[1:]])


if __name__ == "__main__":
    main()
