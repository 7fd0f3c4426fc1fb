import requests
from fastapi import APIRouter, Header, HTTPException

from app.models import OrderIn

router = APIRouter()

# FAPI003: a live credential in the source, readable by anyone with the repository.
PAYMENT_API_KEY = "sk_live_5f2b9c0d1e7a4b3c"


@router.post("/", status_code=201, summary="Place an order")
async def place_order(order: OrderIn, x_shop_token: str = Header()):
    # FAPI003: auth checked by hand in the handler instead of a Security dependency.
    if x_shop_token != "let-me-in":
        raise HTTPException(status_code=401, detail="Bad token")
    # FAPI101: requests blocks the event loop for the whole round trip.
    receipt = requests.post(
        "https://payments.example.com/charge",
        json={"book": order.book_id, "copies": order.copies},
        headers={"Authorization": f"Bearer {PAYMENT_API_KEY}"},
        timeout=10,
    )
    return {"receipt": receipt.json()["id"]}
