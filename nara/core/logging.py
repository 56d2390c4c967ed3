import logging

from nara.core.personnummer import redact


class RedactPersonnummerFilter(logging.Filter):
    """Rewrites every log record so that nothing shaped like a personnummer reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is still logged, just unformatted
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
