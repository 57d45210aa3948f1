"""Redis store: shared by every server process, and kept across restarts if Redis persists."""

from __future__ import annotations

import json

import redis

from app.jsontext import dumps
from app.store.base import Store, StoreFull, StoreUnavailable

PREFIX = "doorstep:"


def _dumps(record) -> str:
    return dumps(record)


def _loads(raw):
    return None if raw is None else json.loads(raw)


MAX_CONNECTIONS = 256

# KEYS: the logs; ARGV: max_len, then for each log its number of entries and the entries.
_APPEND_LOGS = """
local max_len = tonumber(ARGV[1])
local a = 2
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[a])
  redis.call('RPUSH', key, unpack(ARGV, a + 1, a + n))
  redis.call('LTRIM', key, -max_len, -1)
  a = a + n + 1
end
return #KEYS
"""

# KEYS: one counter per caller in this window; ARGV: the limit, seconds the window's counters
# live, then each key's cost. Answers the indexes (1-based) of the keys refused. A cost above
# the limit can never pass: it exhausts the window (limit + 1), so that `cost` 0 finds it.
_TAKE = """
local limit, ttl, out = tonumber(ARGV[1]), ARGV[2], {}
for i, key in ipairs(KEYS) do
  local cost = tonumber(ARGV[i + 2])
  local now = tonumber(redis.call('GET', key) or '0')
  if cost > limit then
    redis.call('SET', key, limit + 1, 'EX', ttl)
    out[#out + 1] = i
  elseif now + cost > limit then
    out[#out + 1] = i
  elseif now == 0 then
    redis.call('SET', key, cost, 'EX', ttl)
  else
    redis.call('INCRBY', key, cost)
  end
end
return out
"""


# KEYS: progress records; ARGV: their JSON. KEEPTTL: a finished route's retention TTL
# (expire_route) survives the write-behind's last writes.
_SET_KEEPTTL = """
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[i], 'KEEPTTL')
end
return #KEYS
"""


# KEYS: the docs, their timetable, the log; ARGV: id, doc, due ('' for none), max_len ('' for
# no log entry), the log entry. One script: the record is never without its timetable entry.
_ADD_DOC = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end
if ARGV[4] ~= '' then
  redis.call('RPUSH', KEYS[3], ARGV[5])
  redis.call('LTRIM', KEYS[3], -tonumber(ARGV[4]), -1)
end
return 1
"""


class RedisStore(Store):
    name = "redis"

    def __init__(self, url: str, max_connections: int = MAX_CONNECTIONS) -> None:
        # A blocking pool: redis-py's default pool (100 connections) raises "Too many
        # connections" at once when more greenlets than that wait on Redis, which a connect
        # storm on a busy process reaches (viewers were refused); here they queue for a
        # connection as they would for the reply.
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=5,
            decode_responses=True,
            socket_timeout=5,
            socket_connect_timeout=2,
            health_check_interval=30,
        )
        self._r = redis.Redis(connection_pool=pool)
        # One command per batch: redis-py packs every pipelined command in Python, and 2,000
        # of them per write-behind or per position batch cost more than the work itself.
        self._append_logs = self._r.register_script(_APPEND_LOGS)
        self._set_keepttl = self._r.register_script(_SET_KEEPTTL)
        self._take = self._r.register_script(_TAKE)
        self._add_doc = self._r.register_script(_ADD_DOC)

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except redis.exceptions.OutOfMemoryError as exc:
            raise StoreFull(str(exc)) from exc
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise StoreUnavailable(str(exc)) from exc

    def add_route(self, route, shipments, progress, driver_token_hash):
        rid = route["id"]
        pipe = self._r.pipeline(transaction=True)
        pipe.set(f"{PREFIX}route:{rid}", _dumps(route))
        pipe.set(f"{PREFIX}progress:{rid}", _dumps(progress))
        for s in shipments:
            pipe.set(f"{PREFIX}shipment:{s['tracking_id']}", _dumps(s))
            pipe.set(f"{PREFIX}token:{s['token_hash']}", s["tracking_id"])
        pipe.set(f"{PREFIX}driver:{driver_token_hash}", rid)
        pipe.rpush(f"{PREFIX}seller:{route['seller_id']}:routes", rid)
        self._call(pipe.execute)

    def get_route(self, route_id):
        return _loads(self._call(self._r.get, f"{PREFIX}route:{route_id}"))

    def route_for_driver(self, driver_token_hash):
        return self._call(self._r.get, f"{PREFIX}driver:{driver_token_hash}")

    def seller_routes(self, seller_id):
        return self._call(self._r.lrange, f"{PREFIX}seller:{seller_id}:routes", 0, -1)

    def get_progress(self, route_id):
        return _loads(self._call(self._r.get, f"{PREFIX}progress:{route_id}"))

    def put_progress(self, route_id, progress):
        self._call(lambda: self._r.set(f"{PREFIX}progress:{route_id}", _dumps(progress),
                                       keepttl=True))

    def commit(self, route_id, progress, kind, jobs):
        # MULTI/EXEC: a full or vanished Redis refuses the lot, so progress never runs ahead
        # of the notifications it owes.
        pipe = self._r.pipeline(transaction=True)
        pipe.set(f"{PREFIX}progress:{route_id}", _dumps(progress), keepttl=True)  # retention
        if jobs:
            pipe.hset(f"{PREFIX}doc:{kind}", mapping={i: _dumps(j) for i, j in jobs.items()})
            pipe.zadd(f"{PREFIX}due:{kind}", dict.fromkeys(jobs, 0))
        self._call(pipe.execute)

    def put_progresses(self, progresses):
        if progresses:
            self._call(self._set_keepttl, [f"{PREFIX}progress:{rid}" for rid in progresses],
                       list(progresses.values()))

    def append_logs(self, kind, entries, max_len):
        by_log: dict[str, list[str]] = {}
        for log_id, entry in entries:
            by_log.setdefault(log_id, []).append(_dumps(entry))
        if not by_log:
            return
        keys, args = [], [max_len]
        for log_id, items in by_log.items():
            keys.append(f"{PREFIX}log:{kind}:{log_id}")
            args += [len(items), *items]
        self._call(self._append_logs, keys, args)

    def get_shipment(self, tracking_id):
        return _loads(self._call(self._r.get, f"{PREFIX}shipment:{tracking_id}"))

    def get_shipments(self, tracking_ids):
        if not tracking_ids:
            return []
        raws = self._call(self._r.mget, [f"{PREFIX}shipment:{t}" for t in tracking_ids])
        return [json.loads(r) for r in raws if r is not None]

    def shipment_for_token(self, token):
        return self._call(self._r.get, f"{PREFIX}token:{token}")

    def add_sums(self, kind, sums):
        # HINCRBYFLOAT per number: additions from several processes add up, none overwrites.
        if not sums:
            return
        pipe = self._r.pipeline(transaction=False)
        for key, pair in sums.items():
            for i, x in enumerate(pair):
                pipe.hincrbyfloat(f"{PREFIX}sums:{kind}", f"{key}#{i}", float(x))
        self._call(pipe.execute)

    def read_sums(self, kind):
        raw = self._call(self._r.hgetall, f"{PREFIX}sums:{kind}") or {}
        out: dict[str, list[float]] = {}
        for field_, value in raw.items():
            name = field_.decode() if isinstance(field_, bytes) else field_
            key, _, i = name.rpartition("#")
            pair = out.setdefault(key, [])
            pair.extend([0.0] * (int(i) + 1 - len(pair)))
            pair[int(i)] = float(value)
        return out

    def put_doc(self, kind, doc_id, doc):
        self._call(self._r.hset, f"{PREFIX}doc:{kind}", doc_id, _dumps(doc))

    def add_doc(self, kind, doc_id, doc, due=None, log=None):
        log_key, max_len = (f"{PREFIX}log:{log[0]}:{log[1]}", log[2]) if log else (
            f"{PREFIX}log:none", "")
        args = [doc_id, _dumps(doc), "" if due is None else repr(float(due)), max_len,
                _dumps({"id": doc_id})]
        keys = [f"{PREFIX}doc:{kind}", f"{PREFIX}due:{kind}", log_key]
        return bool(self._call(self._add_doc, keys, args))

    def get_doc(self, kind, doc_id):
        return _loads(self._call(self._r.hget, f"{PREFIX}doc:{kind}", doc_id))

    def delete_doc(self, kind, doc_id):
        return bool(self._call(self._r.hdel, f"{PREFIX}doc:{kind}", doc_id))

    def list_docs(self, kind):
        return [json.loads(v) for v in self._call(self._r.hvals, f"{PREFIX}doc:{kind}")]

    def schedule(self, kind, item_id, due):
        self._call(self._r.zadd, f"{PREFIX}due:{kind}", {item_id: due})

    def unschedule(self, kind, item_id):
        return bool(self._call(self._r.zrem, f"{PREFIX}due:{kind}", item_id))

    def claim_due(self, kind, now, limit=100):
        key = f"{PREFIX}due:{kind}"
        candidates = self._call(self._r.zrangebyscore, key, "-inf", now, 0, limit)
        # ZREM answers 1 to exactly one of several processes racing for the same item.
        return [i for i in candidates if self._call(self._r.zrem, key, i)]

    def _route_keys(self, index) -> list[str]:
        rid = index["route_id"]
        return [f"{PREFIX}route:{rid}", f"{PREFIX}progress:{rid}",
                f"{PREFIX}driver:{index['driver_hash']}", f"{PREFIX}log:positions:{rid}",
                *(f"{PREFIX}shipment:{t}" for t in index["tracking_ids"]),
                *(f"{PREFIX}token:{h}" for h in index["token_hashes"])]

    def forget_route(self, index):
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(*self._route_keys(index))
        pipe.lrem(f"{PREFIX}seller:{index['seller_id']}:routes", 0, index["route_id"])
        self._call(pipe.execute)

    def expire_route(self, index, at):
        # Redis forgets the route by itself even if no process sweeps (docs/security.md).
        pipe = self._r.pipeline(transaction=False)
        for key in self._route_keys(index):
            pipe.expireat(key, int(at) + 1)
        self._call(pipe.execute)

    def delete_log(self, kind, log_id):
        self._call(self._r.delete, f"{PREFIX}log:{kind}:{log_id}")

    def append_log(self, kind, log_id, entry, max_len):
        key = f"{PREFIX}log:{kind}:{log_id}"
        pipe = self._r.pipeline(transaction=False)
        pipe.rpush(key, _dumps(entry))
        pipe.ltrim(key, -max_len, -1)
        self._call(pipe.execute)

    def read_log(self, kind, log_id):
        return [
            json.loads(v) for v in self._call(self._r.lrange, f"{PREFIX}log:{kind}:{log_id}", 0, -1)
        ]

    def take(self, kind, costs, limit, window, ttl):
        if not costs:
            return []
        keys = list(costs)
        names = [f"{PREFIX}hits:{kind}:{window}:{key}" for key in keys]
        refused = self._call(self._take, names, [limit, max(1, int(ttl) + 1), *costs.values()])
        return [keys[i - 1] for i in refused]

    def ping(self):
        try:
            return bool(self._r.ping())
        except (redis.ConnectionError, redis.TimeoutError):
            return False

    def health(self):
        # A write, not PING: at maxmemory with noeviction Redis still answers reads and PING.
        try:
            self._r.set(f"{PREFIX}health", "1", ex=60)
        except redis.exceptions.OutOfMemoryError:
            return "full"
        except (redis.ConnectionError, redis.TimeoutError):
            return "unavailable"
        return "ok"
