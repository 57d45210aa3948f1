"""A stop moved to the next delivery day is one state everywhere the customer looks: no "N stops
away", nobody "is delivering", no live map, in the view (the first HTML and every frame are built
from it) and in each language (issue 18: a moved stop still read "3 stops away" with a live map).
"""

from __future__ import annotations

from app.domain.tracking import apply_fix, route_path
from app.domain.tracking.eta import update_etas
from app.domain.view import customer_view
from app.i18n.page_view import page_view
from tests.support.tracking import shipments_of, stop_fix
from tests.unit.test_eta_truth import SETTINGS, _late_route


def test_a_moved_stop_shows_no_count_no_driver_and_no_map_as_the_driver_comes():
    route, progress, now = _late_route()
    progress.speed = 2.0  # a walker: the last stops fall after closing
    update_etas(route, progress, route_path(route), now, hold=False, settings=SETTINGS)
    moved = {k for k, s in enumerate(progress.stops) if s.moved_to}
    assert moved
    seen_close = False
    t = now
    for k in range(2, 12):
        for m in range(180, -1, -60):
            t += 2.5
            apply_fix(route, progress, stop_fix(route, k, t, m), SETTINGS)
        for ship in shipments_of(route):
            if ship.stop not in moved or ship.stop <= k:
                continue
            view = customer_view(route, progress, ship, SETTINGS, t)
            if not (view["eta"] and view["eta"]["moved_to_next_day"]):
                continue
            seen_close |= ship.stop - k <= SETTINGS.visible_stops
            assert view["stops_away"] is None, (k, ship.stop)
            assert view["status_text"] == "Coming on the next delivery day"
            assert view["driver"]["position"] is None and view["path"] is None
            assert not view["driver"]["at_another_stop"]
            for lang, words in (("en", "Coming on the next delivery day"),
                                ("fi", None), ("sv", None)):
                worded = page_view(view, lang)
                assert "stop" not in worded["headline"].lower() or lang != "en"
                if words:
                    assert worded["headline"] == words
                else:
                    assert worded["headline"] != "Coming on the next delivery day", lang
    assert seen_close, "a moved stop was seen within the map's distance of the driver"
