"""The error type of the command line: bad input, reported in one line."""

EXIT_INPUT_ERROR = 2
#: The reader of standard output closed it early (``... | head``): no message.
EXIT_BROKEN_PIPE = 1


class InputError(Exception):
    """Bad command line input; reported as one line on stderr with exit status 2."""
