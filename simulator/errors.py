"""The one error type the CLI turns into a single line on stderr, and the stop signals."""


class SimulatorError(Exception):
    """A problem the user can fix (bad file, bad option, server down): shown as one line."""


class ServerUnavailable(SimulatorError):
    """The server did not answer (refused, timed out, 5xx): worth retrying later."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager, `kill`): stops the run like Ctrl-C, with exit status 143."""


def exit_code(stop: KeyboardInterrupt) -> int:
    """128 + the signal's number, as a shell reports a process stopped by it."""
    return 143 if isinstance(stop, Terminated) else 130
