/**
 * Generated FastAPI modules for the load and cancellation tests: each has exactly one finding (FAPI004 on line 9,
 * a route returning a dict) and enough ordinary code around it to take the parser some real work.
 */
export function routeModule(i: number): string {
  return `"""Inventory endpoints, part ${i}."""
from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

router = APIRouter()


@router.get("/stock-${i}")
async def read_stock_${i}(limit: int = 10):
    counts = [n * ${i} for n in range(limit)]
    return {"counts": counts, "part": ${i}}


class Item${i}(BaseModel):
    name: str
    quantity: int = 0
    tags: list[str] = []


@router.get("/items-${i}/{item_id}", response_model=Item${i})
async def read_item_${i}(item_id: int) -> Item${i}:
    if item_id < 0:
        raise HTTPException(status_code=404, detail="not found")
    return Item${i}(name=f"item {item_id}", quantity=item_id % 7, tags=["a", "b"])


def restock_plan_${i}(levels: dict[str, int], minimum: int = 3) -> list[str]:
    plan = []
    for name, level in sorted(levels.items()):
        if level < minimum:
            plan.append(f"{name}: order {minimum - level}")
        elif level > minimum * 10:
            plan.append(f"{name}: surplus {level - minimum * 10}")
    return plan
`;
}

/** `count` modules spread over a few packages, as relative path -> content. */
export function generatedProject(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`app/part${i % 10}/stock_${String(i).padStart(5, "0")}.py`] = routeModule(i);
  return files;
}
