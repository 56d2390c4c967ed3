"""Sections other apps add to the person overview (people/overview.html), registered like access/registry.

People sits below plans, transitions and identify, so it must not import them; each app registers its panel in
its AppConfig.ready instead. A panel's builder gets the opened person (gate.PersonAccess) and goes through the
gate itself; its template reads the builder's result under the panel's key.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str  # the name the template reads the data under ("plans")
    template: str
    build: Callable  # (actor, access, context) -> data
    order: int  # smaller first
    banner: str = ""  # a template shown above the register data too (treatment limitations), same data


PANELS: dict[str, Panel] = {}


def register_overview_panel(key: str, template: str, build: Callable, order: int, banner: str = "") -> None:
    PANELS[key] = Panel(key, template, build, order, banner)


def build(actor, access, context: str) -> dict:
    """The data of every panel under its key, and the templates to include in order (`panel_templates`)."""
    panels = sorted(PANELS.values(), key=lambda p: (p.order, p.key))
    data = {p.key: p.build(actor, access, context) for p in panels}
    templates = {"banner": [p.banner for p in panels if p.banner], "main": [p.template for p in panels]}
    return {**data, "panel_templates": templates}
