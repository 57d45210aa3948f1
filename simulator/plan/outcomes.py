"""How often a stop fails, and why: plain figures, light enough for the CLI's --help."""

# The chance a stop ends in a failed attempt (--fail-rate). A failed stop fails all its packages,
# and a stop's chance does not depend on how many it has, so this is the share of packages too:
# Amazon's 0.93 % (docs/simulator.md). No other cause of failure is drawn on top of it (the
# reasons below only name the failures it makes).
FAIL_RATE = 0.0093
# Shares of the reasons an attempt fails (--fail-reasons changes them).
REASONS = {"recipient_unavailable": 5.0, "no_access": 2.0, "no_safe_location": 2.0,
           "business_closed": 1.0}
