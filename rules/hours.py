"""Service hours: deliveries happen from 8 am to 8 pm local time, every day of the week.

The app's ETAs, cut-off and 8 pm feedback (app/domain/hours.py), the customer page's cut-off
(sent to it by the server) and the simulator's clock all read them here.
"""

OPENS, CLOSES = 8, 20  # local hours


def span() -> str:
    """The hours as people read them: 08:00-20:00."""
    return f"{OPENS:02d}:00-{CLOSES:02d}:00"
