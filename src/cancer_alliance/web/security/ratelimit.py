"""Sign-in rate limiting per client address (issue 6, "login rate limiting").

A sliding window in memory: at most `attempts` sign-in posts per address in `window`. It slows
guessing across many accounts; the per-account lockout in `store.authenticate` handles one account.
Per process: behind several workers each keeps its own window (decision record 0010).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from datetime import timedelta


class RateLimiter:
    """Counts events per key in a sliding window."""

    def __init__(self, attempts: int, window: timedelta) -> None:
        self.attempts = attempts
        self.window = window.total_seconds()
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Record an attempt by `key`; False when it is over the limit (the attempt is not counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.attempts:
                return False
            events.append(now)
            return True

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Seconds until `key` may try again."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.get(key)
            if not events:
                return 0
            return max(1, int(self.window - (now - events[0])) + 1)
