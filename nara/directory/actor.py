"""Who acts: a user under one assignment (medarbetaruppdrag). Every layer needs it, so it lives with the
directory that owns assignments and roles, below access, audit and the domain apps."""

from __future__ import annotations

from dataclasses import dataclass

from nara.directory.roles import capabilities


@dataclass(frozen=True)
class Actor:
    """Who acts: a user under one assignment (unit, organisation, roles)."""

    user_id: int
    unit_id: int
    org_id: int
    roles: frozenset[str]
    username: str = ""
    display_name: str = ""
    unit_name: str = ""
    org_name: str = ""
    assignment_id: int | None = None

    def can(self, capability: str) -> bool:
        return capability in capabilities(self.roles)
