"""Figures from one bench run: throughput, latency, CPU, losses and reorderings."""

from __future__ import annotations

from collections import defaultdict


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


class LoadReport:
    def __init__(self, logs, drivers, window: tuple[float, float], cpu_s: float,
                 period: int) -> None:
        self.logs, self.drivers, self.window, self.cpu_s = logs, drivers, window, cpu_s
        self.period = period

    def figures(self) -> dict:
        t0, t1 = self.window
        span = t1 - t0
        sent = self.drivers.sent
        by_route: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for (route, ts), at in sent.items():
            by_route[route].append((ts, at))
        lat = {"customer": [], "dashboard": []}
        delivered = {"customer": 0, "dashboard": 0}
        frames = {"customer": 0, "dashboard": 0}
        gaps = reorders = expected_total = 0
        for kind, own_route, _connect_s, _error, got, n_frames in self.logs:
            if kind == "stuck":  # a viewer that stopped reading: expected to miss frames
                continue
            frames[kind] += n_frames
            seen: dict[str, list[int]] = defaultdict(list)
            for route, ts, received in got:
                seen[route].append(ts)
                if t0 <= received <= t1:
                    delivered[kind] += 1
                    if (route, ts) in sent:
                        lat[kind].append(received - sent[(route, ts)])
            for stamps in seen.values():
                reorders += sum(1 for a, b in zip(stamps, stamps[1:], strict=False) if b < a)
            routes = by_route.keys() if kind == "dashboard" else [own_route]
            for route in routes:
                # Every fix posted inside the window must have reached this viewer.
                want = {ts for ts, at in by_route[route] if t0 + 2 <= at <= t1 - 2}
                expected_total += len(want)
                gaps += len(want - set(seen[route]))
        conn = [log[2] for log in self.logs if log[2] is not None]
        errors = [log[3] for log in self.logs if log[3]]
        posts = [p for p in self.drivers.posts if t0 <= p[0] <= t1]
        total = delivered["customer"] + delivered["dashboard"]
        both = lat["customer"] + lat["dashboard"]
        return {
            "window_s": span,
            "fixes_per_s": sum(p[2] for p in posts) / span,
            "accepted_per_s": sum(p[3] for p in posts) / span,
            "post_p50_ms": _ms(pct([p[1] for p in posts], 50)),
            "post_p99_ms": _ms(pct([p[1] for p in posts], 99)),
            "post_errors": self.drivers.errors,
            "post_error_kinds": getattr(self.drivers, "error_kinds", {}),
            "customer_updates_per_s": delivered["customer"] / span,
            "dashboard_rows_per_s": delivered["dashboard"] / span,
            "delivered_per_s": total / span,
            "server_cpu_share": self.cpu_s / span,
            "delivered_per_cpu_s": total / self.cpu_s if self.cpu_s else None,
            "customer_p50_ms": _ms(pct(lat["customer"], 50)),
            "customer_p95_ms": _ms(pct(lat["customer"], 95)),
            "customer_p99_ms": _ms(pct(lat["customer"], 99)),
            "dashboard_p50_ms": _ms(pct(lat["dashboard"], 50)),
            "dashboard_p99_ms": _ms(pct(lat["dashboard"], 99)),
            "all_p99_ms": _ms(pct(both, 99)),
            "expected": expected_total,
            "gaps": gaps,
            "reorders": reorders,
            "connected": len(conn),
            "connect_errors": len(errors),
            "error_sample": errors[:3],
            "connect_p50_ms": _ms(pct(conn, 50)),
            "connect_p99_ms": _ms(pct(conn, 99)),
        }

    @staticmethod
    def format(f: dict) -> str:
        def v(x, fmt="{:.0f}"):
            return "-" if x is None else fmt.format(x)

        return "\n".join([
            f"load: {f['load']}  env: {f['env']}  load average: {f.get('load_average')}",
            f"ingest: {v(f['fixes_per_s'])} fixes/s posted, {v(f['accepted_per_s'])} accepted, "
            f"POST p50 {v(f['post_p50_ms'])} ms p99 {v(f['post_p99_ms'])} ms, "
            f"errors {f['post_errors']} {f.get('post_error_kinds') or ''}",
            f"delivered: {v(f['customer_updates_per_s'])} customer views/s + "
            f"{v(f['dashboard_rows_per_s'])} dashboard rows/s = {v(f['delivered_per_s'])}/s",
            f"server CPU: {v(f['server_cpu_share'] * 100, '{:.1f}')}% of a core, "
            f"{v(f['delivered_per_cpu_s'])} updates per CPU-second"
            + (" (per process: " + ", ".join(f"{c * 100:.1f}%" for c in f["cpu_each"]) + ")"
               if len(f.get("cpu_each", ())) > 1 else ""),
            f"latency customer p50/p95/p99: {v(f['customer_p50_ms'])}/"
            f"{v(f['customer_p95_ms'])}/{v(f['customer_p99_ms'])} ms; dashboard p50/p99: "
            f"{v(f['dashboard_p50_ms'])}/{v(f['dashboard_p99_ms'])} ms",
            f"losses: {f['gaps']} of {f['expected']} expected, reorderings: {f['reorders']}",
            f"viewers: {f['connected']} connected, {f['connect_errors']} failed "
            f"{f['error_sample']}, connect p50/p99 {v(f['connect_p50_ms'])}/"
            f"{v(f['connect_p99_ms'])} ms",
            f"connect CPU {v(f.get('connect_cpu_ms'), '{:.2f}')} ms per viewer, frames skipped "
            f"for backed-up viewers {v(f.get('skipped_frames'))}, route changes overtaken "
            f"before they were sent {v(f.get('coalesced'))}, fixes the engine dropped "
            f"{f.get('dropped_by_server') or 0}",
            f"RSS: idle {v(f['rss_idle_mb'])} MB, with viewers {v(f['rss_connected_mb'])} MB, "
            f"loaded {v(f['rss_loaded_mb'])} MB, {v(f['rss_per_viewer_kb'], '{:.1f}')} KB/viewer",
        ])


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000
