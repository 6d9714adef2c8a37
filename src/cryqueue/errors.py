"""Errors that reach the user as one clear line, each with the exit code the CLI gives it."""

from __future__ import annotations


class CryqueueError(Exception):
    """A failure the user can act on; the message says what went wrong and what to do."""

    exit_code = 1


class UsageError(CryqueueError):
    """The command or its input was wrong (bad value, unknown option)."""

    exit_code = 2


class LookupFailed(UsageError):
    """A TITLE matched no film, or more than one."""


class Abandoned(Exception):
    """Long work (reading a big list) stopped because the app is quitting or wants it anew."""


class DatabaseRefused(CryqueueError):
    """The database file cannot be used; it has been left exactly as it was."""
