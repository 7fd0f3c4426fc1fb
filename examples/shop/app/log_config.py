import logging

import structlog


def configure_logging() -> None:
    """One JSON object per log line, so the log shipper can index fields (C09 passes)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.JSONRenderer(),
        ],
    )
