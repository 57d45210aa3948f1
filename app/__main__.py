"""Run Doorstep in one process: `python -m app [--host H] [--port P] [--demo/--no-demo]`;
build its street map: `python -m app basemap build [--map extract.osm.pbf]`.

The defaults are app/config.py's (HOST, PORT, DEMO), the same gunicorn.conf.py uses.
"""

# gevent must patch the standard library before anything else imports it.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

import gevent  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from app.config import from_env

    settings = from_env()
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--host", default=settings["HOST"],
                        help="address to listen on (env HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=settings["PORT"],
                        help="port to listen on (env PORT, default 5000)")
    parser.add_argument("--demo", action=argparse.BooleanOptionalAction,
                        default=settings["DEMO"],
                        help="run the simulated demo fleet (env DEMO, default on)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["basemap"]:  # python -m app basemap build ...: a tool, not the server
        from app.basemap.cli import main as basemap_main

        return basemap_main(argv[1:])
    try:
        args = parse_args(argv)
    except ValueError as exc:  # a configuration mistake: one line, not a traceback
        print(f"doorstep: {exc}", file=sys.stderr)
        return 2
    running: dict = {}
    # Installed before create_app, so the notifier's own SIGTERM hook chains onto this one.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: gevent.spawn(_shutdown, running))
    from app import create_app
    from app.config import internal_url
    from app.extensions import socketio
    from app.ops.demo import DemoFleet

    try:
        # The demo fleet reaches this process where it listens, whatever Host a request names.
        app = create_app({"DEMO": args.demo, "HOST": args.host, "PORT": args.port,
                          "INTERNAL_URL": internal_url(args.host, args.port)})
    except ValueError as exc:  # a configuration mistake: one line, not a traceback
        print(f"doorstep: {exc}", file=sys.stderr)
        return 2
    host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host  # nosec B104 # a comparison, not a bind
    url = f"http://{host}:{args.port}"
    print(f"Doorstep is running at {url}/ (store: {app.config['STORE_URL']})", flush=True)
    fleet = DemoFleet(app, app.config["INTERNAL_URL"], url) if args.demo else None
    running.update(app=app, fleet=fleet)
    if fleet:
        socketio.start_background_task(fleet.run)
    try:
        socketio.run(app, host=args.host, port=args.port, log_output=False)
    except OSError as exc:
        print(f"doorstep: cannot listen on {args.host}:{args.port}: {exc.strerror}",
              file=sys.stderr)
        return 1
    _shutdown(running)
    return 0


def _shutdown(running: dict) -> None:
    """Stop the demo fleet, write this process's progress (app/live/write_behind.py), and exit.

    A signal handler only schedules this in a greenlet: raising from the handler would land in
    whichever greenlet happened to run. The broadcaster, notifier and write-behind loops run
    forever, so the interpreter would wait on them at a normal exit: leave with os._exit once
    everything worth keeping is saved.
    """
    if running.get("fleet"):
        running["fleet"].stop()
    if running.get("app"):
        from app.extensions import services

        try:
            services(running["app"]).ingest.save()
        except Exception as exc:  # the store is away: say so, there is nothing more to do
            print(f"doorstep: could not save live progress: {exc}", file=sys.stderr)
    print("doorstep: stopped", flush=True)
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
