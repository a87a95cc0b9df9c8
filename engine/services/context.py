"""What every service needs: the database, the definition cache, roles and parameters."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from ..definitions import Bundle, Catalog
from ..identity import Actor  # noqa: F401 - re-exported for the services' callers
from ..registry import load_parameters, load_roles
from ..store import Database, UnitOfWork

DEFAULT_PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"


class BundleCache:
    """Parsed bundles by content: (item key, bundle hash). A bundle's content never changes under
    its hash, so entries never go stale and one cache serves every database in the process; it
    only bounds memory. Parsing happens once per version per process."""

    def __init__(self, size: int = 128):
        self.size = size
        self._items: OrderedDict[tuple, Bundle] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version) -> Bundle:
        key = (version.process_key, version.bundle_sha256)
        with self._lock:
            bundle = self._items.get(key)
            if bundle is None:
                files = {name: text.encode("utf-8") for name, text in version.files.items()}
                bundle = Catalog(files).bundle(version.process_key)
                self._items[key] = bundle
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return bundle


BUNDLES = BundleCache()
_CATALOGS: dict = {}          # content key -> Catalog: the last parse of the processes/ tree
_LOCK = threading.Lock()


class Context:
    def __init__(self, database: Database, processes_dir: Path = DEFAULT_PROCESSES_DIR):
        self.database = database
        self.processes_dir = Path(processes_dir)
        self.roles = load_roles(self.processes_dir)
        self.parameters = load_parameters(self.processes_dir)
        self.bundles = BUNDLES

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.database)

    def catalog(self) -> Catalog:
        """Every file under processes/, parsed and validated; parsed again only when a file,
        a role or a parameter changed."""
        files = {str(p.relative_to(self.processes_dir)): p.read_bytes() for p in sorted(self.processes_dir.rglob("*.bpmn"))}
        key = (str(self.processes_dir), hashlib.sha256(repr(sorted(
            (name, hashlib.sha256(data).hexdigest()) for name, data in files.items())).encode()).hexdigest(),
            frozenset(self.roles), frozenset(self.parameters))
        with _LOCK:
            if key not in _CATALOGS:
                _CATALOGS.clear()
                _CATALOGS[key] = Catalog(files, role_codes=set(self.roles), parameter_names=set(self.parameters))
            return _CATALOGS[key]
