"""One store suite, run against the in-memory store and a real redis-server."""

from __future__ import annotations

import pytest

from app.store import StoreUnavailable, open_store


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        return open_store("memory://")
    return open_store(request.getfixturevalue("clean_redis"))


def _route(rid="r_1", seller="acme"):
    return {"id": rid, "seller_id": seller, "stops": [{"index": 0}]}


def _shipment(tid="DS1", token="tok1", rid="r_1"):
    # Stores index a shipment by its token's hash; the token itself is never handed to them.
    return {"tracking_id": tid, "token_hash": token, "route_id": rid, "seller_id": "acme",
            "stop": 0}


def test_route_round_trip(store):
    store.add_route(_route(), [_shipment()], {"leg": 0}, "hash1")
    assert store.get_route("r_1") == _route()
    assert store.get_progress("r_1") == {"leg": 0}
    assert store.route_for_driver("hash1") == "r_1"
    assert store.shipment_for_token("tok1") == "DS1"
    assert store.get_shipment("DS1")["route_id"] == "r_1"


def test_unknown_ids_answer_none(store):
    assert store.get_route("nope") is None
    assert store.get_progress("nope") is None
    assert store.route_for_driver("nope") is None
    assert store.shipment_for_token("nope") is None
    assert store.get_shipment("nope") is None
    assert store.seller_routes("nobody") == []


def test_progress_is_replaced_and_copied(store):
    store.add_route(_route(), [_shipment()], {"leg": 0}, "hash1")
    progress = store.get_progress("r_1")
    progress["leg"] = 5  # mutating what was read must not change the store
    assert store.get_progress("r_1") == {"leg": 0}
    store.put_progress("r_1", {"leg": 2})
    assert store.get_progress("r_1") == {"leg": 2}


def test_seller_routes_in_registration_order(store):
    for i in range(3):
        store.add_route(_route(f"r_{i}"), [_shipment(f"DS{i}", f"t{i}", f"r_{i}")], {}, f"h{i}")
    store.add_route(_route("r_x", "other"), [_shipment("DSX", "tx", "r_x")], {}, "hx")
    assert store.seller_routes("acme") == ["r_0", "r_1", "r_2"]
    assert store.seller_routes("other") == ["r_x"]


def test_get_shipments_skips_missing(store):
    store.add_route(_route(), [_shipment("DS1", "a"), _shipment("DS2", "b")], {}, "h")
    assert [s["tracking_id"] for s in store.get_shipments(["DS1", "nope", "DS2"])] == ["DS1", "DS2"]


def test_ping(store):
    assert store.ping() is True


def test_redis_down_raises_unavailable():
    from tests.support.servers import free_port

    store = open_store(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    assert store.ping() is False
    with pytest.raises(StoreUnavailable):
        store.get_route("r_1")


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="memory:// or redis://"):
        open_store("postgres://localhost/x")


def test_docs_round_trip_and_delete(store):
    store.put_doc("webhook", "w1", {"url": "http://x", "events": ["delivered"]})
    store.put_doc("webhook", "w2", {"url": "http://y", "events": []})
    store.put_doc("other", "w1", {"n": 1})
    assert store.get_doc("webhook", "w1") == {"url": "http://x", "events": ["delivered"]}
    assert sorted(d["url"] for d in store.list_docs("webhook")) == ["http://x", "http://y"]
    assert store.delete_doc("webhook", "w1") is True
    assert store.delete_doc("webhook", "w1") is False
    assert store.get_doc("webhook", "w1") is None
    assert store.get_doc("other", "w1") == {"n": 1}


def test_timetable_hands_each_due_item_out_once(store):
    store.schedule("feedback", "a", 100.0)
    store.schedule("feedback", "b", 50.0)
    store.schedule("feedback", "c", 300.0)
    store.schedule("feedback", "a", 200.0)  # moved later
    assert store.claim_due("feedback", 150.0) == ["b"]
    assert store.claim_due("feedback", 150.0) == []
    assert store.unschedule("feedback", "c") is True
    assert store.claim_due("feedback", 1000.0) == ["a"]


def test_log_is_bounded_and_ordered(store):
    for i in range(7):
        store.append_log("positions", "r_1", {"i": i}, max_len=5)
    assert [e["i"] for e in store.read_log("positions", "r_1")] == [2, 3, 4, 5, 6]
    assert store.read_log("positions", "nope") == []


def test_many_logs_appended_in_one_call_stay_bounded_and_ordered(store):
    store.append_log("positions", "r_2", {"i": -1}, max_len=3)
    entries = [("r_1", {"i": 0}), ("r_2", {"i": 0}), ("r_1", {"i": 1}), ("r_1", {"i": 2}),
               ("r_1", {"i": 3}), ("r_1", {"i": 4}), ("r_3", {"i": "x"})]
    store.append_logs("positions", entries, max_len=3)
    store.append_logs("positions", [], max_len=3)
    assert [e["i"] for e in store.read_log("positions", "r_1")] == [2, 3, 4]
    assert [e["i"] for e in store.read_log("positions", "r_2")] == [-1, 0]
    assert store.read_log("positions", "r_3") == [{"i": "x"}]


def test_work_counters_expire_with_their_window_in_redis(clean_redis):
    # (The memory store drops old windows itself.)
    store = open_store(clean_redis)
    store.take("fixes", {"a": 3}, limit=10, window=9, ttl=30)
    store.take("fixes", {"a": 3}, limit=10, window=9, ttl=30)
    assert store._r.get("doorstep:hits:fixes:9:a") == "6"
    assert 0 < store._r.ttl("doorstep:hits:fixes:9:a") <= 31


def test_work_is_taken_per_window_and_a_refusal_takes_nothing(store):
    assert store.take("fixes", {"a": 4, "b": 10}, limit=10, window=7, ttl=1) == []
    assert store.take("fixes", {"a": 7, "b": 1}, limit=10, window=7, ttl=1) == ["a", "b"]
    assert store.take("fixes", {"a": 6}, limit=10, window=7, ttl=1) == []  # 4 + 6: the 7 took 0
    assert store.take("fixes", {"a": 1}, limit=10, window=7, ttl=1) == ["a"]
    assert store.take("fixes", {"a": 10, "b": 11}, limit=10, window=8, ttl=1) == ["b"]
    # More than a whole window holds exhausts it: even nothing is refused until it ends.
    assert store.take("fixes", {"a": 0, "b": 0}, limit=10, window=8, ttl=1) == ["b"]
    assert store.take("fixes", {"b": 1}, limit=10, window=9, ttl=1) == []
    assert store.take("other", {"a": 1}, limit=10, window=8, ttl=1) == []
    assert store.take("fixes", {}, limit=10, window=8, ttl=1) == []


def test_commit_writes_progress_and_jobs_together(store):
    store.add_route(_route(), [_shipment()], {"leg": 0}, "hash1")
    store.commit("r_1", {"leg": 1}, "job", {"j1": {"n": 1}, "j2": {"n": 2}})
    assert store.get_progress("r_1") == {"leg": 1}
    assert sorted(d["n"] for d in store.list_docs("job")) == [1, 2]
    assert store.claim_due("job", now=0) == ["j1", "j2"]
    store.commit("r_1", {"leg": 2}, "job", {})
    assert store.get_progress("r_1") == {"leg": 2}


def test_a_full_redis_refuses_the_whole_commit_and_says_full(clean_redis):
    from app.store import StoreFull

    store = open_store(clean_redis)
    store.add_route(_route(), [_shipment()], {"leg": 0}, "hash1")
    store._r.set("ballast", "x" * 2_000_000)
    store._r.config_set("maxmemory-policy", "noeviction")
    store._r.config_set("maxmemory", "1mb")
    try:
        with pytest.raises(StoreFull):
            store.commit("r_1", {"leg": 1}, "job", {"j1": {"n": 1}})
        assert store.health() == "full"
        assert store.get_progress("r_1") == {"leg": 0} and store.list_docs("job") == []
    finally:
        store._r.config_set("maxmemory", "0")
    assert store.health() == "ok"


def test_more_callers_than_redis_connections_wait_instead_of_failing(clean_redis):
    # A connect storm on a busy process has more requests waiting on Redis than the pool
    # holds; redis-py's default pool then failed them ("Too many connections").
    import threading

    from app.store.redis import RedisStore

    store = RedisStore(clean_redis, max_connections=2)
    store.add_route(_route(), [_shipment()], {"leg": 0}, "hash1")
    errors, start = [], threading.Barrier(40)

    def reader():
        start.wait()
        try:
            for _ in range(20):
                assert store.get_progress("r_1") == {"leg": 0}
        except Exception as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_sums_add_up_across_writers(store):
    # Learned street speeds: every process adds what its fixes taught; nothing overwrites.
    store.add_sums("street_speeds", {"van|9|a>b": [100.0, 12.5], "van|9|b>c": [50.0, 5.0]})
    store.add_sums("street_speeds", {"van|9|a>b": [40.0, 7.5]})
    store.add_sums("street_speeds", {})
    assert store.read_sums("street_speeds") == {"van|9|a>b": [140.0, 20.0],
                                                "van|9|b>c": [50.0, 5.0]}
    assert store.read_sums("other") == {}
