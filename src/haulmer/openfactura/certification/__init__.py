"""SII certification of an OpenFactura company: status, estimated completion and ``wait()``.

Certification takes up to ``CERTIFICATION_BUSINESS_DAYS`` business days; weekends and Chilean
national public holidays (from the ``holidays`` package) do not count, regional ones (7 June in
Arica, 20 August in Chillán) do, as the SII certifies from Santiago. The calendar functions are
pure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.openfactura.certification.business import (
    CERTIFICATION_BUSINESS_DAYS,
    CERTIFICATION_STAGES,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_WAIT_TIMEOUT,
    ApiKey,
    CertificationProblem,
    CertificationProblemReason,
    CertificationStage,
    CertificationStatus,
    StageReached,
    add_business_days,
    business_days_between,
    estimated_completion,
    is_business_day,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.openfactura.certification import AsyncCertification as AsyncCertification
    from haulmer._sync.openfactura.certification import Certification as Certification

__all__ = [
    "CERTIFICATION_BUSINESS_DAYS",
    "CERTIFICATION_STAGES",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_WAIT_TIMEOUT",
    "ApiKey",
    "CertificationProblem",
    "CertificationProblemReason",
    "CertificationStage",
    "CertificationStatus",
    "StageReached",
    "add_business_days",
    "business_days_between",
    "estimated_completion",
    "is_business_day",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Certification": "haulmer._sync.openfactura.certification",
        "AsyncCertification": "haulmer._async.openfactura.certification",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
