"""gunicorn settings for bench.viewer_memory: the app's own gunicorn.conf.py, plus a greenlet
that writes the worker's memory census to a file when asked (never used in production).

The census: RSS, the greenlets alive and their size with the stack each has saved
(`sys.getsizeof` of a greenlet counts it), live objects by type, and with PYTHONTRACEMALLOC
set the traced allocations by file and line.
"""

import gc
import json
import os
import sys
from pathlib import Path

_conf = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_conf.read_text(), str(_conf), "exec"))  # nosec B102 # the app's own settings file

_app_post_worker_init = post_worker_init  # noqa: F821 (defined by the exec above)
ASK = os.environ.get("CENSUS_ASK", "/tmp/census.ask")  # nosec B108 # a bench's scratch file


def census() -> dict:
    import greenlet

    gc.collect()
    objs = gc.get_objects()
    greenlets = [o for o in objs if isinstance(o, greenlet.greenlet)]
    kinds: dict[str, int] = {}
    for o in objs:
        name = type(o).__module__ + "." + type(o).__qualname__
        kinds[name] = kinds.get(name, 0) + 1
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    out = {"rss": rss, "greenlets": len(greenlets),
           "greenlet_bytes": sum(sys.getsizeof(g) for g in greenlets),
           "greenlet_kinds": {}, "objects": len(objs), "kinds": kinds}
    for g in greenlets:
        name = getattr(getattr(g, "_run", None), "__qualname__", None) or type(g).__name__
        out["greenlet_kinds"][name] = out["greenlet_kinds"].get(name, 0) + 1
    import tracemalloc

    if tracemalloc.is_tracing():
        snap = tracemalloc.take_snapshot()
        out["traced"] = {str(s.traceback[0]): s.size for s in snap.statistics("lineno")[:400]}
        out["traced_total"] = sum(s.size for s in snap.statistics("filename"))
    return out


def _watch() -> None:
    import gevent

    while True:
        gevent.sleep(0.2)
        ask = Path(ASK)
        if ask.exists():
            target = ask.read_text().strip()
            ask.unlink()
            Path(target).write_text(json.dumps(census()))


def post_worker_init(worker):  # noqa: F811
    _app_post_worker_init(worker)
    import gevent

    gevent.spawn(_watch)
