"""A small bounded in-process LRU of rendered charts, keyed by sha256 of everything that shapes
the output. Graphviz costs ~100 ms a chart while a cache hit costs microseconds, and the same
item is drawn again and again (list pages, every matter of an item at the same stage)."""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import asdict, is_dataclass


class RenderCache:
    """LRU bounded both by entries and by bytes, so a burst of large PNGs cannot eat memory."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()      # Flask may serve requests from several threads

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size += len(value) - (len(old) if old is not None else 0)
            self._items[key] = value
            while len(self._items) > self.max_entries or self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


def cache_key(bpmn: bytes, **options: object) -> str:
    """sha256 over the BPMN bytes and a canonical JSON of the options (sorted keys, dataclasses
    as dicts), so equal inputs map to one key whatever the dict order."""
    digest = hashlib.sha256(bpmn)
    digest.update(b'\0')
    digest.update(json.dumps(_canonical(options), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def _canonical(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return _canonical(asdict(value))
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=repr)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return f'{type(value).__name__}:{value}'
