"""Risk definitions as data (DESIGN.md §2): SQL + TOML metadata in nara/identify/sql/, run set-based in DuckDB.

    from nara.identify import definitions
    for d in definitions.load_all():       # id, name, version, params(), sql, output …
        ...

`load_all` and `load_base` need no Django and no database, so an independent (e.g. pandas) implementation can use
the same ids, versions and parameter values. The engine (`engine.compute`) runs them against any DuckDB
connection that has `population` and `encounters`.
"""

from nara.identify.definitions.loader import (
    BaseRelation,
    Definition,
    DefinitionError,
    Parameter,
    load_all,
    load_base,
    names,
    read_overrides,
)

__all__ = [
    "BaseRelation", "Definition", "DefinitionError", "Parameter", "load_all", "load_base", "names", "read_overrides",
]
