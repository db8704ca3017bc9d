"""What a process keeps in its own memory beside the shared cache: the entries it used last, by key, each
for a number of seconds. Entries are Python objects, never serialised, so a hit costs a dictionary lookup;
callers put a version in the key (or in the entry) so that a change on any host retires what is kept here.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class RecentEntries(Generic[T]):
    """At most `size` entries, the least recently used dropped first, each until its `seconds` are up."""

    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, entry = found
            if expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: T, *, size: int, seconds: float) -> None:
        if size <= 0 or seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, entry)
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
