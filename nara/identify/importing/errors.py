"""What makes a whole file unusable (as opposed to a bad row, which validation reports)."""


class ExtractRejected(Exception):
    """The file as a whole cannot be imported; the message is Swedish and names no personnummer."""
