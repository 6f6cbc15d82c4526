"""A web endpoint that issues a boleta for each sale, as a plain ASGI app.

``POST /sales/{sale_id}/boleta`` with a JSON body
``{"lines": [{"nombre": ..., "cantidad": ..., "precio": ...}]}`` issues a boleta (39) through
``AsyncHaulmer`` and answers its folio and token. The sale's id is the idempotency key, so a till
that retries after a timeout never issues the sale twice. A body that is no JSON object becomes
400, mistakes the SDK catches locally 422, Haulmer's refusals 502.

The app needs no framework: in FastAPI or Starlette, the body of ``issue_boleta`` is the route's
body and the client lives in the app's lifespan, exactly as here (made at startup, closed at
shutdown). Serve it with any ASGI server (``uvicorn --factory asgi_boleta:create_app``); this
file drives it with httpx's ASGI transport, against the fake.

    python examples/asgi_boleta.py
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

import haulmer
import haulmer.dte as dte

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
ROUTE = re.compile(r"^/sales/(?P<sale_id>[\w-]{1,64})/boleta$")


class BoletaApp:
    """The ASGI application; one ``AsyncHaulmer`` shared by every request.

    Given no client, the app makes one at its lifespan's startup (the key from
    ``HAULMER_API_KEY``; at its first sale on a server that runs no lifespan) and closes it
    at shutdown.
    """

    def __init__(self, client: haulmer.AsyncHaulmer | None = None) -> None:
        self.client = client
        self.owns_client = False

    def shared_client(self) -> haulmer.AsyncHaulmer:
        """The client every request shares, made on first need when none was given."""
        if self.client is None:
            self.client, self.owns_client = haulmer.AsyncHaulmer(), True
        return self.client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        match = ROUTE.match(scope["path"])
        if scope["method"] != "POST" or match is None:
            await _answer(send, 404, {"error": "not found"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        try:
            sale = json.loads(body or b"{}")
        except ValueError:  # not JSON, or not UTF-8
            sale = None
        if not isinstance(sale, dict):
            await _answer(send, 400, {"error": 'the body must be a JSON object: {"lines": [...]}'})
            return
        status, payload = await self.issue_boleta(match["sale_id"], sale)
        await _answer(send, status, payload)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        """Make the client when the server starts (unless one was given) and close it when the
        server stops."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.shared_client()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.owns_client:
                    await self.shared_client().aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def issue_boleta(self, sale_id: str, sale: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Issue the sale's boleta; the status code and JSON body to answer."""
        try:
            boleta = dte.boleta(emisor=EMISOR, lines=sale.get("lines", []))
            emitted = await self.shared_client().openfactura.documents.emit(
                boleta, idempotency_key=f"sale-{sale_id}"
            )
        except haulmer.ValidationError as error:  # caught locally, nothing was sent
            return 422, {"error": str(error)}
        except haulmer.APIError as error:  # Haulmer refused or could not be reached
            return 502, {"error": str(error)}
        return 201, {
            "folio": emitted.folio,
            "token": emitted.token,
            "total": boleta.totals.mnt_total,
            "replayed": emitted.already_issued,
        }


def create_app() -> BoletaApp:
    """The app for a real server: its client, made at startup, takes the key from
    ``HAULMER_API_KEY`` and talks to Haulmer's production API."""
    return BoletaApp()


async def _answer(send: Send, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def main() -> int:
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    async with fake.async_client() as client:
        app = BoletaApp(client)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://till") as till:
            sale = {"lines": [{"nombre": "Marraqueta", "cantidad": 10, "precio": 150}]}
            first = await till.post("/sales/0001/boleta", json=sale)
            retry = await till.post("/sales/0001/boleta", json=sale)  # the till retried
            empty = await till.post("/sales/0002/boleta", json={"lines": []})
    assert first.status_code == 201
    assert first.json()["folio"] == 1
    assert retry.json()["token"] == first.json()["token"]
    assert retry.json()["replayed"]
    assert empty.status_code == 422
    print(f"sale 0001: boleta folio {first.json()['folio']}, total {first.json()['total']} CLP")
    print(f"the retry got the same boleta back; an empty sale: {empty.status_code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
