"""Loading risk definitions: one `<id>.sql` plus one `<id>.toml` per definition in nara/identify/sql/.

Nothing here needs Django, so the benchmark's pandas reference can read the same definitions and parameters.
Errors are Swedish (an analyst edits these files) and name the file.
"""

from __future__ import annotations

import hashlib
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
BASE_DIR = SQL_DIR / "base"
# Built before the definitions, in this order; definitions read them by these names.
BASE_RELATIONS = ("persons", "stays")

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SQL_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_SQL_COMMENT = re.compile(r"--[^\n]*")
_SQL_STRING = re.compile(r"'(?:[^']|'')*'")
# Names the engine itself binds; a definition's parameters may not use them.
RESERVED_PREFIX = "nara_"
REFERENCE_DATE = "reference_date"


class DefinitionError(ValueError):
    pass


@dataclass(frozen=True)
class Parameter:
    name: str
    default: int | float | bool | str
    value: int | float | bool | str
    description: str


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    below: float | None = None  # value < below
    at_most: float | None = None  # value <= at_most; the last band has neither and takes the rest


@dataclass(frozen=True)
class Output:
    value: str
    unit: str
    reason: str
    reason_one: str  # used when the value is exactly 1 (Swedish singular); defaults to reason
    decimals: int
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Definition:
    id: str
    name: str
    version: int
    source: str
    description_template: str
    parameters: tuple[Parameter, ...]
    output: Output
    sql: str
    sha256: str  # of the .toml and .sql bytes: shows a local edit even when the version was not raised

    def params(self) -> dict[str, int | float | bool | str]:
        """Effective parameter values (defaults with the region's overrides)."""
        return {p.name: p.value for p in self.parameters}

    def sql_params(self, reference_date) -> dict:
        """The values to bind to the SQL's `$name` placeholders."""
        return {REFERENCE_DATE: reference_date, **self.params()}

    @property
    def description(self) -> str:
        return format_text(self.description_template, self.params())

    @property
    def value_description(self) -> str:
        return format_text(self.output.value, self.params())


@dataclass(frozen=True)
class BaseRelation:
    name: str
    sql: str
    sha256: str


def format_number(value: int | float | bool | str) -> str:
    """Numbers the Swedish way (decimal comma), for descriptions and reasons."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return (f"{value:.0f}" if value.is_integer() else f"{value:g}").replace(".", ",")
    return str(value)


def format_text(template: str, params: Mapping) -> str:
    return template.format_map({k: format_number(v) for k, v in params.items()})


def sql_placeholders(sql: str) -> set[str]:
    """The `$name` placeholders of a SQL text, comments and string literals ignored."""
    return set(_SQL_PARAM.findall(_SQL_STRING.sub("''", _SQL_COMMENT.sub("", sql))))


def _clean_sql(sql: str, path: Path) -> str:
    """One read-only statement: a SELECT (or WITH … SELECT), without a trailing semicolon."""
    text = sql.strip().rstrip(";").rstrip()
    code = _SQL_STRING.sub("''", _SQL_COMMENT.sub("", text)).strip()
    if ";" in code:
        raise DefinitionError(f"{path.name}: filen får bara innehålla en SQL-sats.")
    first = code.split(None, 1)[0].upper() if code else ""
    if first not in ("SELECT", "WITH"):
        raise DefinitionError(f"{path.name}: SQL-satsen ska börja med SELECT eller WITH.")
    return text


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _require(data: Mapping, key: str, kind: type, path: Path, where: str = ""):
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool or value == "":
        raise DefinitionError(f"{path.name}: {where}”{key}” saknas eller har fel typ.")
    return value


def _same_kind(default, value) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return type(default) is type(value)


def _parameters(meta: Mapping, overrides: Mapping, path: Path) -> tuple[Parameter, ...]:
    params = []
    for name, spec in (meta.get("parameters") or {}).items():
        if not _NAME.match(name) or name.startswith(RESERVED_PREFIX) or name == REFERENCE_DATE:
            raise DefinitionError(f"{path.name}: ogiltigt parameternamn ”{name}”.")
        if not isinstance(spec, Mapping) or "default" not in spec:
            raise DefinitionError(f"{path.name}: parametern ”{name}” saknar default.")
        default = spec["default"]
        if not isinstance(default, bool | int | float | str):
            raise DefinitionError(f"{path.name}: parametern ”{name}” ska vara ett tal, en text eller sant/falskt.")
        value = overrides.get(name, default)
        if not _same_kind(default, value):
            raise DefinitionError(
                f"{path.name}: regionens värde för ”{name}” har fel typ (standardvärdet är {default!r})."
            )
        if isinstance(default, float):
            value = float(value)
        params.append(Parameter(name, default, value, str(spec.get("description", ""))))
    unknown = set(overrides) - {p.name for p in params}
    if unknown:
        raise DefinitionError(f"{path.name}: okända parametrar i regionens inställningar: {', '.join(sorted(unknown))}.")
    return tuple(params)


def _bands(output: Mapping, path: Path) -> tuple[Band, ...]:
    bands = []
    for i, spec in enumerate(output.get("bands") or []):
        last = i == len(output["bands"]) - 1
        below, at_most = spec.get("below"), spec.get("at_most")
        if last and (below is not None or at_most is not None):
            raise DefinitionError(f"{path.name}: den sista riskgruppen tar resten och ska inte ha någon gräns.")
        if not last and (below is None) == (at_most is None):
            raise DefinitionError(f"{path.name}: riskgrupp {i + 1} ska ha antingen below eller at_most.")
        bands.append(Band(
            code=_require(spec, "code", str, path, "riskgrupp: "),
            label=_require(spec, "label", str, path, "riskgrupp: "),
            below=None if below is None else float(below),
            at_most=None if at_most is None else float(at_most),
        ))
    limits = [b.below if b.below is not None else b.at_most for b in bands[:-1]]
    if limits != sorted(limits):
        raise DefinitionError(f"{path.name}: riskgruppernas gränser ska vara stigande.")
    return tuple(bands)


def _check_template(template: str, allowed: set[str], path: Path, what: str) -> None:
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise DefinitionError(f"{path.name}: {what} går inte att tolka ({exc}).") from None
    for _literal, field, spec, conversion in fields:
        if field is None:
            continue
        if spec or conversion or not _NAME.match(field):
            raise DefinitionError(f"{path.name}: {what}: skriv fält som {{namn}}, utan format ({field!r}).")
        if allowed and field not in allowed:
            raise DefinitionError(f"{path.name}: {what}: okänt fält {{{field}}}.")


def load(toml_path: Path, overrides: Mapping | None = None) -> Definition:
    sql_path = toml_path.with_suffix(".sql")
    toml_bytes = toml_path.read_bytes()
    try:
        meta = tomllib.loads(toml_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{toml_path.name}: ogiltig TOML ({exc}).") from None
    if not sql_path.exists():
        raise DefinitionError(f"{toml_path.name}: SQL-filen {sql_path.name} saknas.")
    sql_bytes = sql_path.read_bytes()

    ident = _require(meta, "id", str, toml_path)
    if ident != toml_path.stem or not _NAME.match(ident):
        raise DefinitionError(f"{toml_path.name}: id ska vara filens namn (små bokstäver, siffror och _).")
    version = _require(meta, "version", int, toml_path)
    if version < 1:
        raise DefinitionError(f"{toml_path.name}: version ska vara ett heltal från 1.")
    parameters = _parameters(meta, overrides or {}, toml_path)
    names = {p.name for p in parameters}

    out = meta.get("output") or {}
    decimals = out.get("decimals", 0)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 2:
        raise DefinitionError(f"{toml_path.name}: output.decimals ska vara 0, 1 eller 2.")
    output = Output(
        value=_require(out, "value", str, toml_path, "output: "),
        unit=_require(out, "unit", str, toml_path, "output: "),
        reason=_require(out, "reason", str, toml_path, "output: "),
        reason_one=str(out.get("reason_one") or out["reason"]),
        decimals=decimals,
        bands=_bands(out, toml_path),
    )
    description = _require(meta, "description", str, toml_path).strip()
    _check_template(description, names, toml_path, "beskrivningen")
    _check_template(output.value, names, toml_path, "output.value")
    # The reason may also name the SQL's own output columns; those are checked when the SQL runs.
    _check_template(output.reason, set(), toml_path, "output.reason")
    _check_template(output.reason_one, set(), toml_path, "output.reason_one")
    if "{band}" in output.reason + output.reason_one and not output.bands:
        raise DefinitionError(f"{toml_path.name}: output.reason använder {{band}} men inga riskgrupper finns.")

    sql = _clean_sql(sql_bytes.decode("utf-8"), sql_path)
    used = sql_placeholders(sql)
    unknown = used - names - {REFERENCE_DATE}
    if unknown:
        raise DefinitionError(f"{sql_path.name}: okända parametrar i SQL: {', '.join('$' + n for n in sorted(unknown))}.")
    unused = names - used
    if unused:
        raise DefinitionError(f"{toml_path.name}: parametrar som SQL inte använder: {', '.join(sorted(unused))}.")

    return Definition(
        id=ident,
        name=_require(meta, "name", str, toml_path),
        version=version,
        source=_require(meta, "source", str, toml_path),
        description_template=description,
        parameters=parameters,
        output=output,
        sql=sql,
        sha256=_sha256(toml_bytes, sql_bytes),
    )


def read_overrides(path: Path | str | None) -> dict[str, dict]:
    """A region's parameter overrides: a TOML file with one table per definition id."""
    if not path:
        return {}
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionError(f"Regionens definitionsinställningar saknas: {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path.name}: ogiltig TOML ({exc}).") from None
    for key, value in data.items():
        if not isinstance(value, Mapping):
            raise DefinitionError(f"{path.name}: ”{key}” ska vara en tabell [{key}] med parametrar.")
    return data


def load_all(overrides: Mapping | Path | str | None = None, directory: Path = SQL_DIR) -> list[Definition]:
    """Every definition in `directory`, sorted by id, with the region's parameter overrides applied.

    `overrides` is a mapping {definition id: {parameter: value}} or the path of a TOML file of that shape.
    """
    table = dict(overrides) if isinstance(overrides, Mapping) else read_overrides(overrides)
    paths = sorted(directory.glob("*.toml"))
    unknown = set(table) - {p.stem for p in paths}
    if unknown:
        raise DefinitionError(f"Regionens inställningar nämner okända definitioner: {', '.join(sorted(unknown))}.")
    return [load(path, table.get(path.stem)) for path in paths]


def load_base(directory: Path = BASE_DIR) -> list[BaseRelation]:
    """The shared relations every definition may read, in build order."""
    relations = []
    for name in BASE_RELATIONS:
        path = directory / f"{name}.sql"
        raw = path.read_bytes()
        sql = _clean_sql(raw.decode("utf-8"), path)
        unknown = sql_placeholders(sql) - {REFERENCE_DATE}
        if unknown:
            raise DefinitionError(f"{path.name}: bara $reference_date får användas här.")
        relations.append(BaseRelation(name, sql, _sha256(raw)))
    return relations


def names() -> dict[str, str]:
    """Definition id → Swedish name (for lists and filters)."""
    return {d.id: d.name for d in load_all()}
