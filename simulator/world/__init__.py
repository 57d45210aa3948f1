"""The world the drivers move in: maps, the OSM extract reader, street networks per mode, the
synthetic grid town, geometry and vehicle profiles.
"""
