"""Loads demo books. Excluded from the scan in pyproject.toml: a one-off script, not the running app."""
from app.database import SessionLocal
from app.models import Book

seeded: dict[str, int] = {}


def seed() -> None:
    with SessionLocal() as session:
        for title in ("Dune", "Emma", "Ulysses"):
            session.add(Book(title=title, stock=3))
            seeded[title] = 3
        session.commit()


if __name__ == "__main__":
    seed()
