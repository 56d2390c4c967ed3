"""The project's set-up holds: system checks, migrations in step with the models, a complete English
translation, and the throw-away PostgreSQL that `make test` relies on."""

from __future__ import annotations

import ast
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PO_EN = ROOT / "nara" / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Deployment warnings we accept on purpose: TLS is terminated by the region's reverse proxy / load balancer,
# which also sets HSTS; the operator guide (docs/operator-guide.md) says so.
ACCEPTED_DEPLOY_WARNINGS = [
    "security.W004",  # SECURE_HSTS_SECONDS
    "security.W008",  # SECURE_SSL_REDIRECT
    "security.W012",  # SESSION_COOKIE_SECURE
    "security.W016",  # CSRF_COOKIE_SECURE
]


def test_system_checks_pass():
    call_command("check", fail_level="WARNING", stdout=io.StringIO())


def test_deployment_checks_pass_except_the_https_ones(settings, monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # set only while the browser tests run
    settings.DEBUG = False
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, *ACCEPTED_DEPLOY_WARNINGS]
    call_command("check", deploy=True, fail_level="WARNING", stdout=io.StringIO())


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"models and migrations differ; run `nara makemigrations`:\n{out.getvalue()}")


# --- translations ---------------------------------------------------------------------------------


def parse_po(text: str) -> list[dict]:
    """The live entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list) and flags."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def flush():
        nonlocal entry
        if "msgid" in entry:
            entry.setdefault("msgstr", [])
            entries.append(entry)
        entry = {}

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            field = None
        elif line.startswith("#,"):
            if "msgid" in entry:
                flush()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue  # comments, references, and obsolete entries (#~)
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            elif field:
                entry[field] += value
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and "msgid" in entry and (keyword == "msgctxt" or field != "msgctxt"):
                flush()
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                entry.setdefault("msgstr", []).append(value)
                field = "msgstr"
            else:
                entry[keyword] = value
                field = keyword
    flush()
    return entries


def incomplete(entries: list[dict]) -> list[str]:
    bad = []
    for e in entries:
        if e["msgid"] == "":  # the header
            continue
        label = (f"[{e['msgctxt']}] " if "msgctxt" in e else "") + repr(e["msgid"])
        if "fuzzy" in e.get("flags", ()):
            bad.append(f"{label}: fuzzy")
        elif not e["msgstr"] or any(s == "" for s in e["msgstr"]):
            bad.append(f"{label}: not translated")
    return bad


def test_po_parser():
    po = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#: a.py:1
msgid "Logga in"
msgstr "Sign in"

#, fuzzy
msgid "Person"
msgstr "Persons"

msgctxt "verb"
msgid "Spara"
msgstr ""

msgid "en person"
msgid_plural "%(n)s personer"
msgstr[0] "one person"
msgstr[1] ""

msgid ""
"lång "
"text"
msgstr ""
"long "
"text"

#~ msgid "gammal"
#~ msgstr ""
'''
    entries = parse_po(po)
    assert [e["msgid"] for e in entries] == ["", "Logga in", "Person", "Spara", "en person", "lång text"]
    assert entries[-1]["msgstr"] == ["long text"]
    assert incomplete(entries) == [
        "'Person': fuzzy",
        "[verb] 'Spara': not translated",
        "'en person': not translated",
    ]


def _require_english_catalogue():
    if not PO_EN.exists():
        pytest.skip(f"{PO_EN.relative_to(ROOT)} does not exist yet")


def test_english_translation_is_complete():
    _require_english_catalogue()
    bad = incomplete(parse_po(PO_EN.read_text(encoding="utf-8")))
    assert not bad, f"{PO_EN.relative_to(ROOT)} has {len(bad)} untranslated or fuzzy entries:\n" + "\n".join(bad)


def test_english_catalogue_covers_every_string_in_the_code(tmp_path, settings, monkeypatch):
    """Extract the messages afresh (in a copy of the tree) and check the English catalogue covers them all."""
    _require_english_catalogue()
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed; `make test` installs it")
    copy = tmp_path / "nara"
    shutil.copytree(
        ROOT / "nara", copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo", "migrations")
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    extracted = parse_po((copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    bad = incomplete(extracted)
    assert not bad, (
        f"strings in the code lack an English translation; run `scripts/messages --update` and translate "
        f"them in {PO_EN.relative_to(ROOT)}:\n" + "\n".join(bad)
    )


# --- the throw-away PostgreSQL of `make test` -------------------------------------------------------


@pytest.mark.skipif(connection.vendor == "postgresql", reason="this run already uses it")
def test_throwaway_postgres_starts_and_is_removed():
    from tests import pg

    if pg.bindir() is None:
        pytest.skip("PostgreSQL server binaries are not installed; `make test` installs them")
    cluster = pg.Cluster()
    url = cluster.start()
    folder = cluster.tmp
    try:
        assert url.startswith("postgres://postgres@127.0.0.1:")
        ready = subprocess.run(
            [str(cluster.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(cluster.port)], capture_output=True
        )
        assert ready.returncode == 0, ready.stdout
    finally:
        cluster.stop()
    assert not folder.exists()
    gone = subprocess.run(
        [str(cluster.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(cluster.port)], capture_output=True
    )
    assert gone.returncode != 0
