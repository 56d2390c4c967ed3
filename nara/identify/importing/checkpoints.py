"""Named points in an import where a test can freeze the process and kill it (crash-safety tests).

Set NARA_TEST_PAUSE_AT to a point's name: the import prints `NARA-PAUSED <name>` on stderr and sleeps there.
Without the variable this costs one dictionary lookup per point.
"""

import os
import sys
import time

POINTS = ("upload-claimed", "read", "validated", "pseudonymised", "keys-written", "lake-file-written", "lake-committed")


def checkpoint(name: str) -> None:
    if os.environ.get("NARA_TEST_PAUSE_AT") == name:
        print(f"NARA-PAUSED {name}", file=sys.stderr, flush=True)
        time.sleep(3600)
