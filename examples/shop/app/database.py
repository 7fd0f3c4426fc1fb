"""Database wiring for the shop: deliberately the synchronous SQLAlchemy setup the persona warns about."""
from collections.abc import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

# C05 fails: a sync engine where an async one (create_async_engine + AsyncSession) belongs.
engine = create_engine("postgresql://shop@db/shop", pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, autoflush=False)


def get_session() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()
