"""Chilean electronic tax documents (DTE): the catalogue of types, document models and totals.

Pure and offline: usable in a batch job or a Django model without the HTTP client.
"""

from haulmer.dte.catalogue import IVA_RATE, CodRef, DTEType, ReferenceDocumentType

__all__ = ["IVA_RATE", "CodRef", "DTEType", "ReferenceDocumentType"]
