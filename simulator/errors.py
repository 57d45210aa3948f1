"""The one error type the CLI turns into a single line on stderr."""


class SimulatorError(Exception):
    """A problem the user can fix (bad file, bad option, server down): shown as one line."""


class ServerUnavailable(SimulatorError):
    """The server did not answer (refused, timed out, 5xx): worth retrying later."""
