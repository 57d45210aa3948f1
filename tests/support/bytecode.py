"""Cached bytecode for the tests, loaded by `-p` (pyproject addopts) before pytest's plugins.

pytest keeps each assertion-rewritten module's code in __pycache__ (ignored by git) only where
bytecode may be written. With PYTHONDONTWRITEBYTECODE set (this machine sets it), every run and
every xdist worker rewrote and compiled all the test modules, and the packages of the plugins
pytest loads from entry points (schemathesis's 250 modules among them), again: about 5 s of CPU
per process. Set here, not in conftest.py: the entry-point plugins are imported before any
conftest.
"""

import sys

sys.dont_write_bytecode = False
