"""haulmer.testing: a stateful, in-process Haulmer for your test suite (see docs/testing.md).

``FakeHaulmer().client()`` gives a ``haulmer.Haulmer`` served in memory: OpenFactura documents
issued for real with a test CAF and certificate, a fake clock, an e-mail outbox, fault injection
(``fake.control``) and a request log (``fake.requests``). Names load lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames

if TYPE_CHECKING:
    from haulmer.testing._client_options import AsyncClientOptions, ClientOptions
    from haulmer.testing._clock import FakeClock
    from haulmer.testing._control import Control, Fault
    from haulmer.testing._fake import SANDBOX_API_KEY, FakeHaulmer
    from haulmer.testing._log import LoggedRequest, RequestLog
    from haulmer.testing._models import load_models
    from haulmer.testing._outbox import Email, Link, Outbox
    from haulmer.testing._router import Router
    from haulmer.testing._server import serve
    from haulmer.testing._tenant_options import TenantOptions
    from haulmer.testing._transport import FakeTransport
    from haulmer.testing._wire import FakeRequest, FakeResponse
    from haulmer.testing.openfactura import IssuedDocument, SelfServicePage, Tenant

__all__ = [
    "SANDBOX_API_KEY",
    "AsyncClientOptions",
    "ClientOptions",
    "Control",
    "Email",
    "FakeClock",
    "FakeHaulmer",
    "FakeRequest",
    "FakeResponse",
    "FakeTransport",
    "Fault",
    "IssuedDocument",
    "Link",
    "LoggedRequest",
    "Outbox",
    "RequestLog",
    "Router",
    "SelfServicePage",
    "Tenant",
    "TenantOptions",
    "load_models",
    "serve",
]

_LAZY: dict[str, str] = {
    "SANDBOX_API_KEY": "haulmer.testing._fake",
    "AsyncClientOptions": "haulmer.testing._client_options",
    "ClientOptions": "haulmer.testing._client_options",
    "Control": "haulmer.testing._control",
    "Email": "haulmer.testing._outbox",
    "FakeClock": "haulmer.testing._clock",
    "FakeHaulmer": "haulmer.testing._fake",
    "FakeRequest": "haulmer.testing._wire",
    "FakeResponse": "haulmer.testing._wire",
    "FakeTransport": "haulmer.testing._transport",
    "Fault": "haulmer.testing._control",
    "IssuedDocument": "haulmer.testing.openfactura",
    "Link": "haulmer.testing._outbox",
    "Outbox": "haulmer.testing._outbox",
    "SelfServicePage": "haulmer.testing.openfactura",
    "Tenant": "haulmer.testing.openfactura",
    "TenantOptions": "haulmer.testing._tenant_options",
    "LoggedRequest": "haulmer.testing._log",
    "RequestLog": "haulmer.testing._log",
    "Router": "haulmer.testing._router",
    "serve": "haulmer.testing._server",
    "load_models": "haulmer.testing._models",
}


_LAZY_NAMES = LazyNames(__name__, _LAZY, globals())
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _LAZY_NAMES.getattr
__dir__: Callable[[], list[str]] = _LAZY_NAMES.dir
