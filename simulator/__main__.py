"""Entry point for ``python -m simulator``."""

try:
    from simulator.cli import main
except KeyboardInterrupt:  # stopped while importing: an exit status, not a traceback
    raise SystemExit(130) from None

raise SystemExit(main())
