"""A minimal HTTP/1.1 keep-alive server answering one JSON body, for the call-path rows.

It runs in its own process so that what the client rows measure is the client: both the SDK
and bare httpx talk to the same server, so whatever it costs cancels out in the ratio.
``python -m benchmarks.loopback_server`` prints its port on the first line of stdout.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys

BODY = json.dumps(
    {
        "rut": "76795561-8",
        "razonSocial": "HAULMER SPA",
        "email": "contacto@haulmer.com",
        "telefono": "+56 2 2345 6789",
        "direccion": "Arturo Prat 527",
        "comuna": "Curicó",
        "actividades": [
            {
                "giro": "Desarrollo de software",
                "actividadEconomica": "Software",
                "codigoActividadEconomica": 620200,
                "actividadPrincipal": True,
            }
        ],
        "sucursales": [],
    },
    ensure_ascii=False,
).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\nX-Request-Id: bench\r\n\r\n" + BODY
)


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _main() -> None:
    server = await asyncio.start_server(_serve_connection, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(_main())
    except KeyboardInterrupt:
        sys.exit(0)
