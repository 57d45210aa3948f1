"""How a phone turns the true position into fixes: noise, and the optional ways real phones fail.

Always: no fix in a tunnel (the map's tunnel ways, `modes.underground`), and a rough first fix
after one. Off by default, each as an option: dropouts (a stairwell, the phone in a bag: no fix
at all for a while), urban-canyon outliers (a reflected signal puts the fix tens of metres off,
and the phone's reported accuracy does not admit it), and Traccar Client's reporting rule (a fix
only every `report_s` seconds, or sooner once `distance_m` metres from the last one sent).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from simulator.world.geo import haversine_m, offset

DROPOUT_S = (20.0, 180.0)  # how long a lost fix lasts
# The first fix out of a tunnel: the phone has just found the satellites again, and reports
# (and has) an error this many times its usual accuracy; the next fixes settle within seconds.
REACQUIRE_X = (2.5, 5.0)
OUTLIER_M = (30.0, 150.0)  # how far a reflected fix lands from the truth


@dataclass(frozen=True)
class GpsOptions:
    dropouts_per_hour: float = 0.0
    outlier_share: float = 0.0
    report_s: float = 0.0  # 0: every fix the simulator samples
    distance_m: float = 0.0  # 0: no distance rule


class GpsNoise:
    """Correlated (Gauss-Markov) error: real GPS drifts smoothly rather than jumping each fix."""

    RHO = 0.85

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.base = rng.uniform(3.0, 8.0)  # this phone's typical accuracy in metres
        self.north = self.east = 0.0

    def apply(self, lat: float, lon: float) -> tuple[float, float, float]:
        rng = self.rng
        acc = self.base * rng.uniform(0.8, 1.3) * (3.0 if rng.random() < 0.03 else 1.0)
        sigma = acc / math.sqrt(2)  # accuracy ~ one-sigma radial error
        k = math.sqrt(1 - self.RHO**2)
        self.north = self.RHO * self.north + k * rng.gauss(0, sigma)
        self.east = self.RHO * self.east + k * rng.gauss(0, sigma)
        r = math.hypot(self.north, self.east)
        if r > 2.5 * acc:  # keep the reported accuracy honest
            self.north, self.east = self.north * 2.5 * acc / r, self.east * 2.5 * acc / r
        nlat, nlon = offset(lat, lon, self.north, self.east)
        return nlat, nlon, acc

    def reacquire(self, lat: float, lon: float) -> tuple[float, float, float]:
        """The first fix after the sky was lost: a fresh, large error, honestly reported."""
        rng = self.rng
        acc = self.base * rng.uniform(*REACQUIRE_X)
        sigma = acc / math.sqrt(2)
        self.north, self.east = rng.gauss(0, sigma), rng.gauss(0, sigma)
        r = math.hypot(self.north, self.east)
        if r > 2.5 * acc:
            self.north, self.east = self.north * 2.5 * acc / r, self.east * 2.5 * acc / r
        nlat, nlon = offset(lat, lon, self.north, self.east)
        return nlat, nlon, acc


class GpsReceiver:
    """Decides per sampled instant whether the phone has a fix to send, and how wrong it is."""

    def __init__(self, rng: random.Random, options: GpsOptions | None = None) -> None:
        self.rng = rng
        self.opt = options or GpsOptions()
        self.noise = GpsNoise(rng)
        self.lost_until = -math.inf
        self.in_tunnel = False  # the last instant sampled was underground: the next fix is rough
        self.last_t: float | None = None
        self.sent: tuple[float, float, float] | None = None  # (t, lat, lon) of the last fix sent

    def underground(self, t: float) -> None:
        """The phone is in a tunnel at t: no fix (a dropout's clock runs on meanwhile)."""
        self.last_t = t
        self.in_tunnel = True

    def lost(self, t: float) -> bool:
        """True while the phone has no fix (a dropout may start at this instant)."""
        opt = self.opt
        dt = 0.0 if self.last_t is None else t - self.last_t
        self.last_t = t
        if t < self.lost_until:
            return True
        if opt.dropouts_per_hour > 0 and self.rng.random() < opt.dropouts_per_hour * dt / 3600:
            self.lost_until = t + self.rng.uniform(*DROPOUT_S)
            return True
        return False

    def due(self, t: float, lat: float, lon: float) -> bool:
        """Traccar Client's rule: time since the last fix sent, or distance from it."""
        opt, sent = self.opt, self.sent
        if sent is None or opt.report_s <= 0 or t - sent[0] >= opt.report_s:
            return True
        return opt.distance_m > 0 and haversine_m(sent[1], sent[2], lat, lon) >= opt.distance_m

    def measure(self, t: float, lat: float, lon: float) -> tuple[float, float, float, bool]:
        """(lat, lon, accuracy, outlier) the phone reports for the true position; marks it sent."""
        if self.in_tunnel:
            self.in_tunnel = False
            nlat, nlon, acc = self.noise.reacquire(lat, lon)
        else:
            nlat, nlon, acc = self.noise.apply(lat, lon)
        outlier = self.opt.outlier_share > 0 and self.rng.random() < self.opt.outlier_share
        if outlier:
            far, bearing = self.rng.uniform(*OUTLIER_M), self.rng.uniform(0, 2 * math.pi)
            nlat, nlon = offset(nlat, nlon, far * math.cos(bearing), far * math.sin(bearing))
        self.sent = (t, lat, lon)
        return nlat, nlon, acc, outlier
