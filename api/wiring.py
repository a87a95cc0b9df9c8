"""Build the service context from settings: shared by the web app and the command line."""
from __future__ import annotations

from pathlib import Path

from engine.services import Context
from engine.settings import Settings
from engine.store import Database


def build_context(settings: Settings | None = None) -> Context:
    """The context for these settings (read from the environment when none are given)."""
    settings = settings or Settings.from_env()
    if not settings.database_url:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    return Context(Database(settings.resolved_database_url), settings)
