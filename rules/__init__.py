"""Rules the app and the simulator share, written once.

The simulator never imports the app (tests/unit/test_imports.py), so what both follow lives
here, in modules that import neither: the app's domain and the simulator's world both import
them, as the app's planner imports the simulator's street networks.
"""
