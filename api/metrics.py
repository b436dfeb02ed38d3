"""``GET /metrics`` in the Prometheus text format (with the API key: cache use is private).

Requests are counted and timed per route *template* (``/v1/conversations/{cid}/ask``, never an id)
by an ASGI middleware; the index, caches and jobs are read when scraped.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[str, list[float]] = {}  # route → per-bucket counts, then +Inf, sum

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1
            hist = self.latency.setdefault(route, [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    hist[i] += 1
            hist[len(BUCKETS)] += 1
            hist[len(BUCKETS) + 1] += seconds

    def render(self, gauges: dict[str, tuple[str, float, dict[str, str]]]) -> str:
        """The exposition text; ``gauges``: name → (help, value, labels)."""
        lines = [
            "# HELP rag_requests_total HTTP requests by method, route template and status.",
            "# TYPE rag_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self.requests.items()):
                lines.append(f'rag_requests_total{{method="{method}",route="{route}",status="{status}"}} {n}')
            lines += [
                "# HELP rag_request_seconds Request latency by route template.",
                "# TYPE rag_request_seconds histogram",
            ]
            for route, hist in sorted(self.latency.items()):
                for bound, count in zip(BUCKETS, hist, strict=False):
                    lines.append(f'rag_request_seconds_bucket{{route="{route}",le="{bound}"}} {count:g}')
                lines.append(
                    f'rag_request_seconds_bucket{{route="{route}",le="+Inf"}} {hist[len(BUCKETS)]:g}'
                )
                lines.append(f'rag_request_seconds_count{{route="{route}"}} {hist[len(BUCKETS)]:g}')
                lines.append(f'rag_request_seconds_sum{{route="{route}"}} {hist[len(BUCKETS) + 1]:.6f}')
        for name, (text, value, labels) in gauges.items():
            label = "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else ""
            lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge", f"{name}{label} {value:g}"]
        return "\n".join(lines) + "\n"


class MetricsMiddleware:
    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)
