"""`python -m app basemap build [--map extract.osm.pbf] [--out file.pmtiles] [--force]` and
`python -m app basemap check [file.pmtiles]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.basemap.archive import inspect
from app.basemap.build import BuildError, build, default_output


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m app basemap",
        description="Build this server's street map (PMTiles) from an OpenStreetMap extract.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the archive (reused while the extract is unchanged)")
    b.add_argument("--map", type=Path, default=None,
                   help="an .osm.pbf extract (default: the bundled map of central Helsinki)")
    b.add_argument("--out", type=Path, default=None,
                   help="where to write the archive (default: var/basemap/<extract name>.pmtiles)")
    b.add_argument("--force", action="store_true", help="build even if an up-to-date one exists")
    c = sub.add_parser("check", help="say whether an archive is there and readable")
    c.add_argument("archive", type=Path, nargs="?", default=None,
                   help="the archive (default: the one BASEMAP names)")
    return parser.parse_args(argv)


def check(archive: Path | None) -> int:
    """Print the archive's state; exit 0 when the pages can draw it."""
    if archive is None:
        from app.basemap.choice import choose
        from app.config import from_env

        settings = from_env()
        try:
            basemap = choose(settings["BASEMAP"], settings["TILE_ATTRIBUTION"])
        except ValueError as exc:  # BASEMAP names no usable map: one line, as at start-up
            print(f"doorstep basemap: {exc}", file=sys.stderr)
            return 1
        if basemap.file is None:
            print(f"basemap: {basemap.kind} ({basemap.url}): nothing to check on this machine")
            return 0
        archive = basemap.file
    status = inspect(archive)
    if status.state == "ok":
        about = status.about
        print(f"basemap: {status.message()}, zoom {about['minzoom']}-{about['maxzoom']}, "
              f"bounds {about['bounds']}")
        return 0
    print(f"doorstep basemap: {status.message()}", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.command == "check":
        return check(args.archive)
    extract = args.map
    if extract is None:
        from simulator.world.maps import bundled_map

        extract = bundled_map()
    out = args.out or default_output(extract)
    old = inspect(out)
    if old.state == "corrupt":
        print(f"basemap: replacing {old.shown_path()}: unreadable ({old.reason})")
    try:
        built = build(extract, out, force=args.force)
    except BuildError as exc:
        print(f"doorstep basemap: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the output folder cannot be written, the disk is full
        print(f"doorstep basemap: cannot write {exc.filename or 'the archive'}: {exc.strerror}",
              file=sys.stderr)
        return 1
    if built.reused:
        print(f"basemap: {built.path} is up to date ({built.size / 1e6:.2f} MB)")
    else:
        layers = ", ".join(f"{n} {name}" for name, n in built.counts.items())
        print(f"basemap: built {built.path} in {built.seconds:.1f} s "
              f"({built.size / 1e6:.2f} MB; {layers})")
    return 0
