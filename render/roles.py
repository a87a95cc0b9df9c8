"""Role code -> Chinese role name, from the role registry (processes/roles.toml)."""
from __future__ import annotations

import tomllib
from os import PathLike

from .errors import RenderError


def load_role_names(path: str | PathLike[str]) -> dict[str, str]:
    """Read `[roles.CODE] name = "..."` tables; a role without a name keeps its code."""
    try:
        with open(path, 'rb') as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise RenderError(f'{path}: cannot read the role registry: {exc.strerror}') from exc
    except tomllib.TOMLDecodeError as exc:
        raise RenderError(f'{path}: the role registry is not valid TOML: {exc}') from exc
    roles = data.get('roles', {})
    if not isinstance(roles, dict):
        raise RenderError(f'{path}: [roles] must be a table of role codes')
    return {code: str(entry.get('name') or code) if isinstance(entry, dict) else code
            for code, entry in roles.items()}
