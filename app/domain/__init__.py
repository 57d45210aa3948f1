"""The domain in plain Python (no Flask, no sockets, no store): the model, the tracking engine,
the customer's and the driver's views, service hours, carriers, service areas and the sizes every
request may hold. Tested without a server."""
