"""A reader that stopped reading (``permanence … | head``) ends a command quietly.

Python ignores SIGPIPE, so the next write to a closed pipe raises BrokenPipeError and the
command died with a traceback. The recipe of the ``signal`` module's documentation: point
stdout at /dev/null (the interpreter's final flush would fail again) and exit as a process
killed by SIGPIPE does. Only a broken *stdout* is quiet: a socket's BrokenPipeError inside a
command is a real error.
"""

from __future__ import annotations

import os
import select
import signal
import sys

__all__ = ["EXIT_BROKEN_PIPE", "silence_stdout", "stdout_reader_gone"]

#: The shell's status of a process killed by SIGPIPE.
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


def stdout_reader_gone() -> bool:
    """True when stdout is a pipe whose reading end is closed."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a buffer (tests), or closed
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def silence_stdout() -> None:
    """Send whatever is still buffered for stdout (and any later write) to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
