"""Errors with a message for the user (Dutch). The CLI and the workspace show the message
without a stack trace."""


class UserError(Exception):
    """Something the user can fix: the message says what and how, in Dutch."""
