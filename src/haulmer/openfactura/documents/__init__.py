"""``client.openfactura.documents``: issue, fetch, list, accuse and void DTEs.

Its business: the request builders and plans (see ``haulmer._core.plans``) behind every method of
the ``Documents`` resource, written once for both faces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.openfactura.documents.business import (
    AccuseRequest,
    CreditNoteOriginal,
    DocumentInput,
    VoidGuiaRequest,
    document_path,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.openfactura.documents import AsyncDocuments as AsyncDocuments
    from haulmer._sync.openfactura.documents import Documents as Documents

__all__ = [
    "AccuseRequest",
    "CreditNoteOriginal",
    "DocumentInput",
    "VoidGuiaRequest",
    "document_path",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Documents": "haulmer._sync.openfactura.documents",
        "AsyncDocuments": "haulmer._async.openfactura.documents",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
