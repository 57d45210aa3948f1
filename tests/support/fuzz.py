"""How hard the property-based tests search: one budget for hypothesis and schemathesis.

`HYPOTHESIS_PROFILE` picks it. `scripts/test.sh` (the README's test command, and so CI) runs
`ci`, the full budget each test names. A plain `pytest` runs `fast`, a tenth of it (at least 3
examples), so the inner loop stays well under a minute; `long` is for a night's search. Every
test runs in each; only the number of generated examples changes. Examples are derandomized in
`fast` and `ci`, so a failure comes back on the next run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SHARE = {"fast": 0.1, "ci": 1.0, "long": 30.0}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fast")
if PROFILE not in SHARE:
    raise SystemExit(f"HYPOTHESIS_PROFILE={PROFILE!r}: one of {', '.join(SHARE)}")

for _name, _share in SHARE.items():
    settings.register_profile(_name, max_examples=max(3, int(100 * _share)), deadline=None,
                              derandomize=_name != "long",
                              suppress_health_check=list(HealthCheck))
settings.load_profile(PROFILE)


def examples(full: int) -> int:
    """The examples a test that names `full` for the full budget runs in this profile."""
    return max(3, round(full * SHARE[PROFILE]))
