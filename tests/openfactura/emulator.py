"""A small stateful OpenFactura on respx routes, so scenarios can run without the fake platform.

It keeps issued documents in memory, assigns folios per type, honours Idempotency-Key (OF-06 with
the token), lists 30 per page (204 when empty) and can lose the answer to the next emission after
acting on it. It is the documented behaviour only, in as few lines as the scenarios need.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import respx

PAGE_SIZE = 30


@dataclass
class _Issued:
    token: str
    dte: dict[str, Any]

    @property
    def tipo(self) -> int:
        return int(self.dte["Encabezado"]["IdDoc"]["TipoDTE"])

    @property
    def folio(self) -> int:
        return int(self.dte["Encabezado"]["IdDoc"]["Folio"])

    @property
    def receptor_rut(self) -> str:
        return str(self.dte["Encabezado"]["Receptor"]["RUTRecep"]).replace(".", "").upper()


@dataclass
class RespxOpenFactura:
    """Issued documents and the routes that serve them."""

    issued: list[_Issued] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    lose_next_answer: bool = False

    def install(self, router: respx.MockRouter) -> None:
        router.post("/v2/dte/document").mock(side_effect=self._emit)
        router.post("/v2/dte/document/issued").mock(side_effect=self._list)
        router.get(path__regex=r"^/v2/dte/document/(?P<token>\w+)/(?P<value>\w+)$").mock(
            side_effect=self._by_token
        )
        router.get(
            path__regex=r"^/v2/dte/document/(?P<rut>[\dK-]+)/(?P<tipo>\d+)/(?P<folio>\d+)/(?P<value>\w+)$"
        ).mock(side_effect=self._by_folio)

    def _emit(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("idempotency-key")
        if key in self.keys:
            error = {"message": "Este DTE ya fue emitido", "code": "OF-06", "token": self.keys[key]}
            return httpx.Response(400, json={"error": error})
        body = json.loads(request.content)
        dte = copy.deepcopy(body["dte"])
        tipo = int(dte["Encabezado"]["IdDoc"]["TipoDTE"])
        folio = 1 + sum(1 for doc in self.issued if doc.tipo == tipo)
        dte["Encabezado"]["IdDoc"]["Folio"] = folio
        token = hashlib.sha256(f"{tipo}-{folio}".encode()).hexdigest()
        self.issued.append(_Issued(token, dte))
        if key:
            self.keys[key] = token
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise httpx.ReadError("connection reset after the document was issued")
        answer: dict[str, Any] = {"TOKEN": token}
        if "FOLIO" in body.get("response", []):
            answer["FOLIO"] = folio
        if "PDF" in body.get("response", []):
            answer["PDF"] = base64.b64encode(b"%PDF-1.4 emulated").decode()
        return httpx.Response(200, json=answer)

    def _answer(self, doc: _Issued | None, value: str, ident: dict[str, Any]) -> httpx.Response:
        if doc is None:
            error = {"message": "Problema al procesar datos", "code": "OF-22"}
            return httpx.Response(400, json={"error": error})
        if value == "status":
            return httpx.Response(200, json={"estado": "Pendiente", **ident})
        if value == "json":
            return httpx.Response(200, json={"json": doc.dte, **ident})
        pdf = base64.b64encode(b"%PDF-1.4 emulated").decode()
        return httpx.Response(200, json={value: pdf, **ident})

    def _by_token(self, request: httpx.Request, token: str, value: str) -> httpx.Response:
        doc = next((d for d in self.issued if d.token == token), None)
        return self._answer(doc, value, {"token": token})

    def _by_folio(
        self, request: httpx.Request, rut: str, tipo: str, folio: str, value: str
    ) -> httpx.Response:
        doc = next((d for d in self.issued if (d.tipo, d.folio) == (int(tipo), int(folio))), None)
        return self._answer(doc, value, {"folio": int(folio)})

    def _list(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        page = int(body.get("Page", 1))
        wanted = body.get("TipoDTE", {}).get("eq")
        docs = [d for d in self.issued if wanted is None or d.tipo == int(wanted)]
        chunk = docs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        if not chunk:
            return httpx.Response(204)
        last = (len(docs) + PAGE_SIZE - 1) // PAGE_SIZE
        rows = [
            {
                "RUTRecep": int(d.receptor_rut.split("-")[0]),
                "DV": d.receptor_rut.split("-")[1],
                "RznSocRecep": d.dte["Encabezado"]["Receptor"].get("RznSocRecep"),
                "TipoDTE": d.tipo,
                "Folio": d.folio,
                "FchEmis": d.dte["Encabezado"]["IdDoc"]["FchEmis"],
                "MntTotal": d.dte["Encabezado"]["Totales"]["MntTotal"],
                "Token": d.token,
            }
            for d in chunk
        ]
        return httpx.Response(
            200, json={"current_page": page, "last_page": last, "total": len(docs), "data": rows}
        )
