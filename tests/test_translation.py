"""The English translation (nara/locale/en/LC_MESSAGES/django.po) is complete, keeps every placeholder, is in
step with the Swedish strings in the code, and is what a user who switches language actually sees."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PO_EN = ROOT / "nara" / "locale" / "en" / "LC_MESSAGES" / "django.po"

# The same options as the documented extraction (see the catalogue's references):
#   nara makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks ...
# The copy below holds only nara/, so those folders are absent anyway.
MAKEMESSAGES_OPTIONS = {
    "locale": ["en"],
    "no_obsolete": True,
    "ignore_patterns": [".venv", "var", "tests", "benchmarks", "build"],
    "verbosity": 0,
}

# A printf-style placeholder as Python's % operator reads it: %s, %d, %(name)s, %(n)d, %.1f ... but not %%.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]"
)


# --- a small .po reader (polib is not a project dependency) -----------------------------------------


def read_po(text: str) -> list[dict]:
    """The live entries of a .po file, each a dict with msgctxt (or None), msgid, msgid_plural (or None),
    msgstr (a list: one string, or one per plural form) and flags (a set). Obsolete entries (#~) are dropped."""
    entries: list[dict] = []
    entry: dict = {}
    field: str | None = None

    def flush():
        nonlocal entry, field
        if "msgid" in entry:
            entries.append(
                {
                    "msgctxt": entry.get("msgctxt"),
                    "msgid": entry["msgid"],
                    "msgid_plural": entry.get("msgid_plural"),
                    "msgstr": [entry["msgstr"][k] for k in sorted(entry.get("msgstr", {}))],
                    "flags": entry.get("flags", set()),
                }
            )
        entry, field = {}, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            if "msgid" in entry:
                flush()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#"):
            if "msgid" in entry and field and field.startswith("msgstr"):
                flush()
            continue  # translator and extracted comments, references, previous msgids, obsolete entries
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field is None:
                raise ValueError(f"a continuation line with nothing to continue: {raw!r}")
            if field.startswith("msgstr"):
                key = int(field[7:-1]) if field != "msgstr" else 0
                entry["msgstr"][key] += value
            else:
                entry[field] += value
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and "msgid" in entry:
                flush()
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                key = int(keyword[7:-1]) if keyword != "msgstr" else 0
                entry.setdefault("msgstr", {})[key] = value
            elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                entry[keyword] = value
            else:
                raise ValueError(f"unknown .po keyword: {raw!r}")
            field = keyword
    flush()
    return entries


def key(entry: dict) -> tuple:
    return (entry["msgctxt"], entry["msgid"])


def label(entry: dict) -> str:
    return (f"[{entry['msgctxt']}] " if entry["msgctxt"] else "") + repr(entry["msgid"])


def placeholders(text: str) -> Counter:
    text = text.replace("%%", "")
    return Counter(m.group(0) for m in PLACEHOLDER.finditer(text))


def problems(entries: list[dict]) -> list[str]:
    """Every way an entry falls short of a finished translation, in words."""
    bad = []
    for e in entries:
        if e["msgid"] == "":  # the header
            continue
        if "fuzzy" in e["flags"]:
            bad.append(f"{label(e)}: fuzzy")
            continue
        forms = 2 if e["msgid_plural"] is not None else 1
        if len(e["msgstr"]) != forms:
            bad.append(f"{label(e)}: {len(e['msgstr'])} msgstr forms, English needs {forms}")
            continue
        if any(not s.strip() for s in e["msgstr"]):
            bad.append(f"{label(e)}: not translated")
            continue
        if "no-python-format" in e["flags"]:
            continue
        sources = [e["msgid"]] if forms == 1 else [e["msgid"], e["msgid_plural"]]
        for i, (source, translation) in enumerate(zip(sources, e["msgstr"], strict=True)):
            want, got = placeholders(source), placeholders(translation)
            if want != got:
                form = f" msgstr[{i}]" if forms > 1 else ""
                bad.append(
                    f"{label(e)}{form}: placeholders {sorted(got.elements())} "
                    f"differ from the Swedish {sorted(want.elements())}"
                )
    return bad


def test_po_reader_and_checks():
    po = r"""# comment
msgid ""
msgstr ""
"Language: en\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: a.py:1
msgid "Logga in"
msgstr "Sign in"

#, fuzzy
msgid "Person"
msgstr "Persons"

msgctxt "verb"
msgid "Spara"
msgstr ""

#, python-format
msgid "%(n)s uppgift"
msgid_plural "%(n)s uppgifter"
msgstr[0] "one item"
msgstr[1] "%(n)s items"

#, python-format
msgid "Sida %(n)s av %(total)d"
msgstr "Page %(n)s of %(count)d"

#, python-format
msgid "100 %% säkert, %s"
msgstr ""
"100 %% "
"sure, %s"

#~ msgid "gammal"
#~ msgstr ""
"""
    entries = read_po(po)
    assert [e["msgid"] for e in entries] == [
        "",
        "Logga in",
        "Person",
        "Spara",
        "%(n)s uppgift",
        "Sida %(n)s av %(total)d",
        "100 %% säkert, %s",
    ]
    assert entries[3]["msgctxt"] == "verb"
    assert entries[4]["msgid_plural"] == "%(n)s uppgifter"
    assert entries[4]["msgstr"] == ["one item", "%(n)s items"]
    assert entries[6]["msgstr"] == ["100 %% sure, %s"]
    assert "python-format" in entries[4]["flags"]
    assert problems(entries) == [
        "'Person': fuzzy",
        "[verb] 'Spara': not translated",
        "'%(n)s uppgift' msgstr[0]: placeholders [] differ from the Swedish ['%(n)s']",
        "'Sida %(n)s av %(total)d': placeholders ['%(count)d', '%(n)s'] differ from the Swedish ['%(n)s', '%(total)d']",
    ]


# --- (a) the committed catalogue is complete --------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    assert PO_EN.exists(), f"{PO_EN.relative_to(ROOT)} is missing"
    return read_po(PO_EN.read_text(encoding="utf-8"))


def test_catalogue_header_is_english(catalogue):
    header = catalogue[0]
    assert header["msgid"] == "", "the .po file must start with its header entry"
    assert "fuzzy" not in header["flags"], "the header is still marked fuzzy"
    meta = dict(line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line)
    assert meta.get("Language") == "en"
    assert meta.get("Content-Type") == "text/plain; charset=UTF-8"
    assert meta.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"


def test_every_entry_is_translated_with_the_same_placeholders(catalogue):
    assert len(catalogue) > 100, "the English catalogue is suspiciously small"
    bad = problems(catalogue)
    assert not bad, f"{PO_EN.relative_to(ROOT)} has {len(bad)} unfinished entries:\n" + "\n".join(bad)


def test_no_entry_is_left_in_swedish(catalogue):
    """A msgstr with Swedish letters is almost always an untranslated copy (Nära itself, and proper names
    of Swedish places and organisations inside a sentence, are the known exceptions)."""
    allowed = re.compile(r"Nära|Vårdcentralen|Hemsjukvården|Marks kommun|Vårdguiden|NPÖ|Gösta|SÄS NÄVA")
    suspicious = [
        label(e) for e in catalogue[1:] for s in e["msgstr"] if re.search("[åäöÅÄÖ]", allowed.sub("", s))
    ]
    assert not suspicious, "these English strings look Swedish:\n" + "\n".join(suspicious)


def test_no_duplicate_entries(catalogue):
    seen = Counter(key(e) for e in catalogue)
    assert not [k for k, n in seen.items() if n > 1]


# --- (b) the catalogue is up to date with the code --------------------------------------------------


def test_catalogue_has_every_message_in_the_code(tmp_path, settings, monkeypatch, catalogue):
    """Extract afresh from a copy of the tree (never touching the committed files): no msgid may be missing."""
    if shutil.which("xgettext") is None:
        pytest.skip(
            "GNU gettext (xgettext) is not installed, so messages cannot be extracted; `make test` installs it"
        )
    shutil.copytree(
        ROOT / "nara",
        tmp_path / "nara",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.po", "static"),
    )
    settings.LOCALE_PATHS = [tmp_path / "nara" / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", **MAKEMESSAGES_OPTIONS)
    extracted = read_po(
        (tmp_path / "nara" / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    )
    assert len(extracted) > 100, "extraction found suspiciously few messages"

    committed = {key(e): e for e in catalogue}
    missing = [label(e) for e in extracted[1:] if key(e) not in committed]
    plural_changed = [
        label(e)
        for e in extracted[1:]
        if key(e) in committed and committed[key(e)]["msgid_plural"] != e["msgid_plural"]
    ]
    hint = (
        "run `.venv/bin/nara makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests "
        f"--ignore=benchmarks --ignore=build`, translate the new entries in {PO_EN.relative_to(ROOT)}, "
        "and `nara compilemessages --ignore=.venv`"
    )
    assert not missing, (
        f"{len(missing)} messages in the code are missing from the English catalogue; {hint}:\n"
        + "\n".join(missing)
    )
    assert not plural_changed, f"the plural form changed in the code; {hint}:\n" + "\n".join(plural_changed)


# --- (c) switching language shows the English translation -------------------------------------------


@pytest.fixture
def compiled_catalogue(tmp_path, settings):
    """Serve the committed .po, compiled afresh, so the test never relies on a stale (git-ignored) .mo."""
    if shutil.which("msgfmt"):
        target = tmp_path / "locale" / "en" / "LC_MESSAGES"
        target.mkdir(parents=True)
        subprocess.run(
            ["msgfmt", "--check-format", "-o", str(target / "django.mo"), str(PO_EN)],
            check=True,
            capture_output=True,
        )
        # The setting_changed signal resets Django's translation caches, here and on teardown.
        settings.LOCALE_PATHS = [tmp_path / "locale"]
        return
    mo = PO_EN.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < PO_EN.stat().st_mtime:
        pytest.skip("msgfmt is not installed and the compiled django.mo is missing or older than django.po")


@pytest.mark.django_db
def test_default_language_is_swedish(client):
    html = client.get("/logga-in/").content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in i Nära" in html
    assert "Användarnamn" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_switching_to_english_shows_english(client, compiled_catalogue):
    response = client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 302

    html = client.get("/logga-in/").content.decode()
    assert '<html lang="en">' in html
    assert "<title>Sign in – Nära</title>" in html
    assert "Sign in to Nära" in html
    assert "Username" in html and "Password" in html
    assert "Skip to content" in html and "Change language" in html
    assert "Logga in" not in html and "Användarnamn" not in html

    # ... and back again.
    client.post("/i18n/setlang/", {"language": "sv"})
    html = client.get("/logga-in/").content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in i Nära" in html
