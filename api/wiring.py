"""Build the service context from settings: shared by the web app and the command line."""
from __future__ import annotations

import os
from pathlib import Path

from engine.services import Context
from engine.services.context import DEFAULT_PROCESSES_DIR
from engine.store import Database, database_url_from_env


def build_context(database_url: str | None = None, processes_dir: str | None = None) -> Context:
    url = database_url or database_url_from_env()
    processes = Path(processes_dir or os.environ.get("XIAOWEI_PROCESSES_DIR") or DEFAULT_PROCESSES_DIR)
    return Context(Database(url), processes)
