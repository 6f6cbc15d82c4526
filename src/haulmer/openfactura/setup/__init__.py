"""OpenFactura setup of a workspace's company: organization, electronic signature, DTE types.

Possible only once the workspace is active. The legal representative's .pfx/.p12 is loaded and
checked locally (``haulmer.pfx``: password, validity, holder RUT) before it is uploaded; with a
point of sale bought, boleta 39 and factura 33 cannot be deselected. Step 3 starts the SII
certification (``client.openfactura.certification``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.openfactura.setup.business import (
    Company,
    NewOrganization,
    OpenFacturaSetup,
    SetupStatus,
    UploadedCertificate,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.openfactura.setup import AsyncSetup as AsyncSetup
    from haulmer._sync.openfactura.setup import Setup as Setup

__all__ = [
    "Company",
    "NewOrganization",
    "OpenFacturaSetup",
    "SetupStatus",
    "UploadedCertificate",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Setup": "haulmer._sync.openfactura.setup",
        "AsyncSetup": "haulmer._async.openfactura.setup",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
