"""The resource classes behind ``client.<product>``, importable for annotations.

``client.openfactura.documents`` is a :class:`Documents`; on ``AsyncHaulmer`` it is an
:class:`AsyncDocuments`. Import them from here to type a function that takes one::

    from haulmer.resources import Documents

    def issue_all(documents: Documents) -> None: ...

Names load lazily: importing this module costs nothing until a name is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames

if TYPE_CHECKING:
    from haulmer._async.accounts import AsyncAccounts
    from haulmer._async.catalogue import AsyncCatalogue
    from haulmer._async.checkout import AsyncCheckout
    from haulmer._async.myhaulmer import AsyncMyHaulmer
    from haulmer._async.openfactura import AsyncOpenFactura
    from haulmer._async.openfactura.certification import AsyncCertification
    from haulmer._async.openfactura.documents import AsyncDocuments
    from haulmer._async.openfactura.organization import (
        AsyncOrganizationResource,
        AsyncTaxpayerResource,
    )
    from haulmer._async.openfactura.registry import AsyncRegistry
    from haulmer._async.openfactura.setup import AsyncSetup
    from haulmer._async.point import AsyncPoint
    from haulmer._async.workspace import AsyncWorkspace
    from haulmer._sync.accounts import Accounts
    from haulmer._sync.catalogue import Catalogue
    from haulmer._sync.checkout import Checkout
    from haulmer._sync.myhaulmer import MyHaulmer
    from haulmer._sync.openfactura import OpenFactura
    from haulmer._sync.openfactura.certification import Certification
    from haulmer._sync.openfactura.documents import Documents
    from haulmer._sync.openfactura.organization import OrganizationResource, TaxpayerResource
    from haulmer._sync.openfactura.registry import Registry
    from haulmer._sync.openfactura.setup import Setup
    from haulmer._sync.point import Point
    from haulmer._sync.workspace import Workspace

__all__ = [
    "Accounts",
    "AsyncAccounts",
    "AsyncCatalogue",
    "AsyncCertification",
    "AsyncCheckout",
    "AsyncDocuments",
    "AsyncMyHaulmer",
    "AsyncOpenFactura",
    "AsyncOrganizationResource",
    "AsyncPoint",
    "AsyncRegistry",
    "AsyncSetup",
    "AsyncTaxpayerResource",
    "AsyncWorkspace",
    "Catalogue",
    "Certification",
    "Checkout",
    "Documents",
    "MyHaulmer",
    "OpenFactura",
    "OrganizationResource",
    "Point",
    "Registry",
    "Setup",
    "TaxpayerResource",
    "Workspace",
]

_MODULES: dict[str, str] = {
    "accounts": "Accounts",
    "catalogue": "Catalogue",
    "checkout": "Checkout",
    "myhaulmer": "MyHaulmer",
    "openfactura": "OpenFactura",
    "openfactura.certification": "Certification",
    "openfactura.documents": "Documents",
    "openfactura.organization": "OrganizationResource TaxpayerResource",
    "openfactura.registry": "Registry",
    "openfactura.setup": "Setup",
    "point": "Point",
    "workspace": "Workspace",
}
"""Where each face's classes live, by module under ``haulmer._sync`` and ``haulmer._async``."""

_LAZY_NAMES = LazyNames(
    __name__,
    {
        f"{prefix}{name}": f"haulmer.{face}.{module}"
        for module, names in _MODULES.items()
        for name in names.split()
        for face, prefix in (("_sync", ""), ("_async", "Async"))
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _LAZY_NAMES.getattr
__dir__: Callable[[], list[str]] = _LAZY_NAMES.dir
