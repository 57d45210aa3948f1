"""What a run tells its user before it starts: options it cannot honour as given.

Each note is one line on stderr. None of them stops the run: the map, a program or a server's
limits decide, and the user should know rather than find fewer stops or rejected fixes later.
"""

from __future__ import annotations

from simulator.plan.programs import PROGRAMS, default_program
from simulator.plan.service import EXTRA_PACKAGE_P

# A Doorstep server's default limits (docs/security.md): FIXES_PER_DRIVER, FIXES_PER_SELLER.
SERVER_FIXES_PER_DRIVER_MIN = 3000
SERVER_FIXES_PER_SELLER_S = 2000
SERVER_SHIPMENTS_PER_ROUTE = 500  # MAX_SHIPMENTS_PER_ROUTE
SERVER_PHONE_FIXES_PER_HOUR = 10_000  # PHONE_FIXES_PER_DRIVER, on the OsmAnd door
SERVER_FIX_MAX_AGE_S = 7 * 86400  # FIX_MAX_AGE: older fix times are refused
SERVER_FIX_MAX_AHEAD_S = 86400  # FIX_MAX_AHEAD: fix times further ahead are refused


def stop_notes(stops: int | None, program: str | None, counts: dict[str, int],
               addresses: int) -> list[str]:
    """--stops beyond the map's addresses, or beyond what a block's program takes."""
    if stops is None:
        return []
    notes = []
    if stops > addresses:
        notes.append(f"--stops {stops}: the map has {addresses} addresses, so blocks get "
                     f"{addresses} stops (a larger extract: --map)")
    shipments = min(stops, addresses) / (1 - EXTRA_PACKAGE_P)
    if shipments > SERVER_SHIPMENTS_PER_ROUTE * 0.9:
        notes.append(f"--stops {stops}: a block carries about {shipments:.0f} shipments; a "
                     f"server takes at most {SERVER_SHIPMENTS_PER_ROUTE} a route by default "
                     "(MAX_SHIPMENTS_PER_ROUTE)")
    used = {program} if program else {default_program(v, i) for v, n in counts.items()
                                      for i in range(min(n, 6))}
    for name in sorted(used):
        cap = PROGRAMS[name].max_stops
        if cap is not None and stops > cap:
            notes.append(f"--stops {stops}: {name} blocks take at most {cap} "
                         f"stop{'s' if cap > 1 else ''}")
    return notes


def pace_notes(speedup: float, interval: float, drivers: int,
               osmand: bool = False, report_interval: float = 0.0) -> list[str]:
    """Fix rates a server with default limits would refuse. A phone's --report-interval
    (Traccar Client's) sends one fix per that many seconds, whatever the tick."""
    interval = max(interval, report_interval or 0.0)
    per_driver = speedup / interval * 60
    notes = []
    per_hour = per_driver * 60
    if osmand and per_hour > SERVER_PHONE_FIXES_PER_HOUR:
        minutes = SERVER_PHONE_FIXES_PER_HOUR / per_driver
        notes.append(f"--protocol osmand at --speedup {speedup:g} with --interval {interval:g}: "
                     f"each phone sends {per_hour:.0f} fixes an hour; a server's default "
                     f"PHONE_FIXES_PER_DRIVER ({SERVER_PHONE_FIXES_PER_HOUR}/hour) refuses a "
                     f"phone after {minutes:.0f} minutes of it: raise --interval or use "
                     "--report-interval")
    if per_driver > SERVER_FIXES_PER_DRIVER_MIN:
        notes.append(f"--speedup {speedup:g} with --interval {interval:g}: each driver sends "
                     f"{per_driver:.0f} fixes a minute, over a server's default "
                     f"FIXES_PER_DRIVER ({SERVER_FIXES_PER_DRIVER_MIN}/minute): lower "
                     "--speedup, raise --interval, or raise the server's limit")
    total = speedup / interval * drivers
    if total > SERVER_FIXES_PER_SELLER_S:
        notes.append(f"{drivers} drivers at --speedup {speedup:g} send {total:.0f} fixes a "
                     f"second, over a server's default FIXES_PER_SELLER "
                     f"({SERVER_FIXES_PER_SELLER_S}/second)")
    return notes


def date_notes(start: float, now: float) -> list[str]:
    """A run dated outside the window of fix times a server with default limits takes."""
    days = (now - start) / 86400
    if now - start > SERVER_FIX_MAX_AGE_S:
        return [f"--date: the run's fixes are dated {days:.0f} days ago; a server with the "
                f"default FIX_MAX_AGE ({SERVER_FIX_MAX_AGE_S // 86400}d) refuses them: leave "
                "--date out (today) or raise the server's FIX_MAX_AGE"]
    if start - now > SERVER_FIX_MAX_AHEAD_S:
        return [f"--date: the run's fixes are dated {-days:.0f} days ahead; a server with the "
                f"default FIX_MAX_AHEAD ({SERVER_FIX_MAX_AHEAD_S // 86400}d) refuses them: leave "
                "--date out (today) or raise the server's FIX_MAX_AHEAD"]
    return []
