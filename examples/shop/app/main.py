from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from app.log_config import configure_logging
from app.routers import books, orders

configure_logging()

# C04 fails: no title or description, so /docs shows a nameless API.
app = FastAPI()

# FAPI102: any site may call the API with the user's cookies (and C07 fails with it).
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
# C08 passes: catalogue pages are large, so responses are compressed.
app.add_middleware(GZipMiddleware, minimum_size=1000)

app.include_router(books.router, prefix="/books", tags=["books"])
app.include_router(orders.router, prefix="/orders", tags=["orders"])
