"""Running the service: Prometheus metrics, JSON log lines and the demo fleet."""
