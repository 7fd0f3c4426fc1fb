from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_search_needs_three_characters():
    response = client.get("/books/", params={"q": "ab"})
    assert response.status_code == 422
