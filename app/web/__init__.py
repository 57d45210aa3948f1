"""The doors in: the JSON API (api/), the phone door for Traccar Client (osmand/) and the pages.

Each door parses and authorises a request, then calls app.live: it never writes the store or
emits to sockets itself, so there is one writer and one emitter whatever door a fix came in by.
"""
