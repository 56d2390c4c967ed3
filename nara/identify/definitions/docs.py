"""docs/definitions.md, generated from the definition files (`nara identify docs`). Defaults only: a region's
overrides are recorded on each RiskRun, not in the shared documentation."""

from __future__ import annotations

from pathlib import Path

from nara.identify.definitions import loader, reference

DOCS_PATH = Path(__file__).resolve().parents[3] / "docs" / "definitions.md"

INTRO = """\
# Riskdefinitioner

<!-- Genererad av `nara identify docs` från nara/identify/sql/ och nara/identify/reference/. Ändra inte här. -->

Varje kriterium är en SQL-fil (DuckDB-dialekt) och en TOML-fil med metadata i `nara/identify/sql/`. En regions
analytiker kan läsa och ändra dem utan att röra Python; höj då `version` i TOML-filen. Regionens egna
parametervärden läggs i en TOML-fil som inställningen `NARA_DEFINITIONS_OVERRIDES` pekar på, en tabell per
definition, t.ex.

```toml
[mangbesokare_vardcentral]
more_than_visits = 4
```

Varje riskkörning (`nara identify run [--date ÅÅÅÅ-MM-DD]`, och varje natt som bakgrundsjobb: schemalägg
`nara identify run --enqueue` med cron eller en systemd-timer, så kör `nara db_worker` jobbet) sparar
definitionernas versioner, kontrollsummor och parametervärden, vilka uttag som användes, antal per definition och
tid.

## Så skrivs en definition

- `<id>.sql` är *en* SELECT-sats (eller WITH … SELECT) som ger högst en rad per person med kolumnerna
  `pseudonym`, `value` (ett tal) och `flagged` (sant/falskt); fler kolumner får finnas och kan användas i
  motiveringen, t.ex. `{diagnoses}`.
- Satsen kan läsa `persons` och `stays` (grundtabellerna nedan), `encounters` och `population` (sjön, kolumner
  enligt `nara/identify/schema.py`) och kodlistorna `hfrs_points(category, points)` och
  `avoidable_codes(grupp, code)`.
- Parametrar skrivs `$namn` och binds som SQL-parametrar, aldrig som text i SQL: `$reference_date` (D) och
  parametrarna i TOML-filen. Varje parameter i TOML-filen ska användas i SQL och tvärtom.
- `<id>.toml` har `id` (= filnamnet), `name`, `version` (heltal), `source`, `description` (får använda
  `{parameter}`), `[parameters.<namn>]` med `default` och `description`, och `[output]` med `value`, `unit`,
  `reason` (mall: `{value}`, `{band}`, parametrar och SQL-kolumner), valfritt `reason_one` (när värdet är 1),
  `decimals` (0–2) och `[[output.bands]]` (`code`, `label` och `below` = värde under eller `at_most` = värde
  till och med; den sista gruppen tar resten).
- Efter en ändring: `nara identify docs` skriver om den här filen.

## Gemensamma regler

- **Referensdatum D.** Standard är dagens datum (Europe/Stockholm). Allt räknas som det ser ut på D.
- **Perioder.** ”Senaste N månader” betyder vårdkontakter vars *startdag* ligger efter dagen N månader före D och
  senast på D: (D − N mån, D]. Exempel: D = 2025-06-15 och 12 månader ger 2024-06-16 – 2025-06-15. Vid
  månadsslut används sista dagen i månaden (D = 2024-02-29 minus 12 månader är 2023-02-28). Kontakter som
  börjar efter D räknas aldrig.
- **Ålder** är fyllda år på D: den som fyller 65 på D är 65. Den som är född 29 februari fyller år 1 mars
  ett år som inte är skottår.
- **Avlidna.** Personer som avled före D är inte med; den som avled på D är med.
- **Befolkningen.** Finns en person i flera uttag gäller raden från det senaste uttaget.
- **Vårdkontakter** läses som de står i sjön: en rad per kontakt (senaste versionen), ICD-10-koder
  normaliserade på ett sätt överallt (versaler, utan punkt och mellanslag: `i50.9`, `I50.9` och `I509` är samma
  kod). Kodlistor jämförs med prefix eller med kategorin (tre första tecknen), så underkoder räknas in.
- **Vårdtillfällen** (`stays`): slutenvårdskontakter där överflyttningar samma dag och överlappande kontakter
  slås ihop, se grundtabellerna nedan. Oplanerat betyder att vårdtillfällets första kontakt inte är markerad som
  planerad (saknad uppgift räknas som oplanerad).
- **Två dataomfång.** Varje kriterium räknas två gånger. Omfånget `all` läser alla vårdkontakter. Omfånget
  `own` läser bara kontakterna vid enheter som hör till samma huvudman som personens listningsenhet (enhetens
  HSA-id slås upp i katalogen; en enhet som saknas där räknas som en annan huvudmans) och räknas bara för
  personer som har kontakter hos andra huvudmän; för alla andra är de två omfången lika. Vårdtillfällen bildas
  inom omfånget. Risklistan visar `all` bara när personens samtycke och spärrar låter användaren se varje annan
  huvudmans uppgifter, annars `own` med texten ”Uppgifter från andra vårdgivare ingår inte” (se
  docs/decisions.md). Analytikernas sammanställningar räknar `all`.
- **Resultatet** av en körning är en Parquet-fil i sjön (`risk/run-<id>.parquet`) med kolumnerna pseudonym,
  listed_unit_hsa, municipality_code, scope (`all` eller `own`), definition, flagged, value, band, reason,
  other_orgs (de andra huvudmän som har kontakter med personen till och med D) och unknown_units (någon sådan
  kontakt var vid en enhet som saknas i katalogen), sorterad på listningsenhet, pseudonym, omfång och
  definition. Den innehåller, för varje omfång, varje person som flaggas av minst ett kriterium, med en rad för
  varje kriterium som flaggar personen eller där personen har ett värde skilt från noll (t.ex. HFRS-poängen även
  när den inte flaggar). Personer som inte flaggas av något kriterium finns inte i filen. `value` avrundas till
  två decimaler; samma indata (sjön och katalogens enheter) ger en byte-identisk fil.
"""


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bands(output: loader.Output) -> list[str]:
    """Each band as an exact interval, e.g. `5 ≤ värde ≤ 15`."""
    if not output.bands:
        return []
    lines, lower = ["", "Riskgrupper (kolumnen `band`):", ""], ""
    for band in output.bands:
        if band.below is not None:
            upper, next_lower = f" < {loader.format_number(band.below)}", f"{loader.format_number(band.below)} ≤ "
        elif band.at_most is not None:
            upper, next_lower = f" ≤ {loader.format_number(band.at_most)}", f"{loader.format_number(band.at_most)} < "
        else:
            upper, next_lower = "", ""
        lines.append(f"- `{band.code}` ({band.label}): {lower}värde{upper}")
        lower = next_lower
    return lines


def _definition(d: loader.Definition) -> list[str]:
    lines = [
        f"## {d.name}",
        "",
        f"- **id:** `{d.id}`",
        f"- **version:** {d.version}",
        f"- **källa:** {d.source}",
        f"- **värde (`value`):** {d.value_description} Enhet: {d.output.unit}.",
        f"- **motivering (`reason`):** ”{d.output.reason}”"
        + (f", vid värdet 1 ”{d.output.reason_one}”" if d.output.reason_one != d.output.reason else ""),
        "",
        d.description,
        *_bands(d.output),
        "",
        "| parameter | standard | betydelse |",
        "|---|---|---|",
        *[f"| `{p.name}` | `{_value(p.default)}` | {p.description} |" for p in d.parameters],
        "",
        f"`nara/identify/sql/{d.id}.sql`:",
        "",
        "```sql",
        d.sql,
        "```",
        "",
    ]
    return lines


def _reference_lists() -> list[str]:
    points = reference.hfrs_points()
    total = sum(p for _c, p in points)
    lines = [
        "## Kodlistor",
        "",
        f"- `nara/identify/reference/hfrs_icd10.csv`: {len(points)} ICD-10-kategorier med HFRS-poäng "
        f"(summa {loader.format_number(float(total))}), Gilbert m.fl. 2018.",
        "- `nara/identify/reference/avoidable_hospitalisation.csv`: undvikbar slutenvård, huvuddiagnoser per "
        "diagnosgrupp. **Standardlista – bekräfta mot Socialstyrelsens aktuella specifikation.**",
        "",
        "| diagnosgrupp | kodprefix |",
        "|---|---|",
    ]
    groups: dict[str, list[str]] = {}
    for group, code in reference.avoidable_codes():
        groups.setdefault(group, []).append(code)
    lines += [f"| {group} | {', '.join(codes)} |" for group, codes in sorted(groups.items())]
    return [*lines, ""]


def _base() -> list[str]:
    lines = ["## Grundtabeller", "", "Byggs en gång per körning och läses av definitionerna.", ""]
    for relation in loader.load_base():
        lines += [f"### {relation.name}", "", f"`nara/identify/sql/base/{relation.name}.sql`:", "", "```sql",
                  relation.sql, "```", ""]
    return lines


def render() -> str:
    defs = loader.load_all()
    lines = [INTRO, "## Innehåll", ""]
    lines += [f"- {d.name} (`{d.id}`, version {d.version})" for d in defs]
    lines.append("")
    for d in defs:
        lines += _definition(d)
    lines += _base()
    lines += _reference_lists()
    return "\n".join(lines).rstrip("\n") + "\n"


def write(path: Path = DOCS_PATH) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path
