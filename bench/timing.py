"""What every benchmark here measures with: the median of several timed runs after a warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable


async def median_ms(call: Callable[[], Awaitable[object]], repeat: int) -> float:
    """Milliseconds of ``call``, the median of ``repeat`` runs after one untimed warm-up
    (connection pool, statement cache, page cache)."""
    await call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
