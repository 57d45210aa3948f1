"""The route report as a test reads it: its scripts are data: URLs (pages/report_scripts.py)."""

from __future__ import annotations

import base64
import re


def report_code(html: str) -> str:
    """The report's HTML followed by its scripts' code, read out of their data: URLs."""
    found = re.findall(r'src="data:text/javascript;base64,([^"]+)"', html)
    return html + "".join(base64.b64decode(b).decode() for b in found)
