"""Proof of delivery photos (and drawn signatures): checked by content, metadata stripped,
downscaled, kept behind a storage interface, shown only to the shipment's customer link and
its seller, forgotten with the route."""
