"""How much any request may hold: the longest text per field and the most items per list.

The one place for these numbers: the API's checks (app/web/api), the CSV orders' check
(app/planning/orders.py), the OpenAPI document (app/web/api/openapi.py) and the pages'
`maxlength` (app/web/lengths.py) all read them here. tests/unit/test_sizes.py holds the
OpenAPI document to the checks, tests/unit/test_maxlength.py the templates.
"""

from __future__ import annotations

# Text, in characters (after surrounding white space is stripped).
NAME = 80  # a driver's, a station's or a courier's name
ADDRESS = 200  # a stop's, a pickup's or an order's address; a geocoding query
NOTES = 500  # a stop's or an order's notes for the driver
RECIPIENT = 120
REFERENCE = 80  # the seller's order reference
PHONE = 32  # as typed, before it is read as E.164
TIMEZONE = 64  # an IANA name (a longer one made ZoneInfo raise OSError: a 500)
DEVICE_ID = 64  # a phone's OsmAnd/Traccar id
SHIPMENT = 40  # a tracking id named by a stop event
PROOF_LEFT_AT = 80  # where the driver left the parcel
PROOF_NOTE = 500  # the driver's note on a delivery (the driver app's form)
PROOF_PHOTO = 500  # the photo's URL
PROOF_SIGNATURE = 40  # the name the recipient signed with
INSTRUCTIONS_NOTE = 300  # the customer's delivery instructions
FEEDBACK_COMMENT = 1000  # the customer's comment with a rating
BRANDING = {"name": 80, "email": 120, "phone": 32, "website": 200}  # the seller's settings
CSV = 1_000_000  # a CSV of orders: 2,000 orders of 500 characters

# Items per list.
STOPS = 500  # in one route
SHIPMENTS_PER_STOP = 50
PARCELS = 100  # in one order (a shipment), as the route, the plan and the CSV take it
LEG_POINTS = 20_000  # in all of a route's legs
ORDERS = 2000  # in one plan request, and data rows in one CSV file
COURIERS = 50  # in one plan request
PICKUPS = 50  # in one plan request
