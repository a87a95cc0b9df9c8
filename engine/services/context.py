"""What every service needs: the database, the definition cache, roles and parameters."""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from ..definitions import Bundle, Catalog
from ..identity import Actor  # noqa: F401 - re-exported for the services' callers
from ..registry import load_parameters, load_roles
from ..store import Database, UnitOfWork

DEFAULT_PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"


class BundleCache:
    """Parsed bundles by definition version id. A version is immutable, so entries never go
    stale; the cache only bounds memory. Parsing happens once per version per process."""

    def __init__(self, size: int = 128):
        self.size = size
        self._items: OrderedDict[int, Bundle] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version) -> Bundle:
        with self._lock:
            bundle = self._items.get(version.id)
            if bundle is None:
                files = {name: text.encode("utf-8") for name, text in version.files.items()}
                bundle = Catalog(files).bundle(version.process_key)
                self._items[version.id] = bundle
            self._items.move_to_end(version.id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return bundle


class Context:
    def __init__(self, database: Database, processes_dir: Path = DEFAULT_PROCESSES_DIR):
        self.database = database
        self.processes_dir = Path(processes_dir)
        self.roles = load_roles(self.processes_dir)
        self.parameters = load_parameters(self.processes_dir)
        self.bundles = BundleCache()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.database)

    def catalog(self) -> Catalog:
        """Parse and validate every file under processes/ (at start-up and for `processes list`)."""
        return Catalog.from_directory(self.processes_dir, role_codes=set(self.roles),
                                      parameter_names=set(self.parameters))
