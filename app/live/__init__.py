"""The live state of routes: ingest (the one writer), write-behind progress, the route cache and
reads (the one reader every page, socket and API answer goes through).
"""
