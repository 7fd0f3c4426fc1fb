import time

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import get_session
from app.models import Book, BookOut

router = APIRouter()

# FAPI001: a module-level cache that requests mutate; it is shared by every worker thread and request.
recently_viewed: list[int] = []


@router.get("/{book_id}", response_model=BookOut, summary="One book")
async def read_book(book_id: int, session: Session = Depends(get_session)):
    # FAPI002: a sync session queried inside async def blocks the event loop.
    book = session.get(Book, book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="No such book")
    recently_viewed.append(book_id)
    return book


@router.get("/", summary="Search the catalogue")
async def search_books(q: str, limit: int = 20):
    # FAPI005: request validation written by hand instead of Query(min_length=3, le=100).
    if len(q) < 3 or limit > 100:
        raise HTTPException(status_code=422, detail="q needs 3 characters and limit at most 100")
    # FAPI101: time.sleep stops every other request on this worker.
    time.sleep(0.2)
    # FAPI004: a bare dict, unvalidated and untyped in OpenAPI.
    return {"query": q, "limit": limit, "results": []}


@router.get("/{book_id}/stock", response_model=BookOut, summary="Stock level")
def stock(book_id: int, session: Session = Depends(get_session)):
    # C01 fails: a sync handler (FastAPI runs it in a thread, so FAPI002 rightly stays quiet here).
    return session.scalars(select(Book).where(Book.id == book_id)).one()
