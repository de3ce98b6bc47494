"""Sign-in rate limiting per client address (issue 6, "login rate limiting").

A sliding window in memory: after `attempts` failed sign-ins from an address in `window`, further
sign-ins from it are refused until the oldest failure leaves the window. Only failures count: a whole
hospital often reaches the service through one proxy address, and its staff signing in at 9 o'clock
must not lock each other out. It slows guessing across many accounts; the per-account lockout in
`store.authenticate` handles one account. Per process: behind several workers each keeps its own
window (decision record 0010). Memory is bounded: a key whose failures have all left the window is
forgotten, and beyond `max_keys` addresses the least recently active is dropped (issue 21).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from datetime import timedelta


class RateLimiter:
    """Counts events per key in a sliding window."""

    #: Addresses kept at most (each holds at most `attempts` timestamps).
    MAX_KEYS = 10_000

    def __init__(self, attempts: int, window: timedelta, max_keys: int = MAX_KEYS) -> None:
        self.attempts = attempts
        self.window = window.total_seconds()
        self.max_keys = max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._events)

    def blocked(self, key: str, now: float | None = None) -> bool:
        """Whether `key` has used up its attempts in the window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.get(key)
            if events is None:
                return False
            while events and now - events[0] >= self.window:
                events.popleft()
            return len(events) >= self.attempts

    def record(self, key: str, now: float | None = None) -> None:
        """Count one event (a failed sign-in) for `key`."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._forget_expired(now)
            events = self._events.pop(key, None) or deque(maxlen=self.attempts)
            events.append(now)
            self._events[key] = events  # now the most recently active
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)

    def _forget_expired(self, now: float) -> None:
        """Drop the least recently active keys whose newest failure has left the window."""
        while self._events:
            key, events = next(iter(self._events.items()))
            if now - events[-1] < self.window:
                return
            del self._events[key]

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Seconds until `key` may try again."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.get(key)
            if not events:
                return 0
            return max(1, int(self.window - (now - events[0])) + 1)
