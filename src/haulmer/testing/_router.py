"""Routing by method and path template (``/v2/dte/document/{token}/{value}``); host ignored."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from haulmer._shown import shown
from haulmer.testing._wire import FakeRequest, FakeResponse

__all__ = [
    "FakeRequest",
    "FakeResponse",
    "Handler",
    "Route",
    "Router",
    "designates",
    "gateway_not_found",
    "read_selector",
]

Handler = Callable[[FakeRequest], FakeResponse]

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""The methods a "METHOD path" selector may start with, in any case."""


def _trimmed(path: str) -> str:
    """``path`` without a trailing slash: the router serves a path with or without one."""
    return path.rstrip("/") or "/"


def read_selector(selector: str) -> tuple[str | None, str]:
    """A selector as (method or None, path or template), as the control and the log read it:
    ``"get /v2/dte/organization/"`` is ``("GET", "/v2/dte/organization")``; a route name or
    ``"*"`` comes back as it is, without a method."""
    method, space, rest = selector.partition(" ")
    if space and method.upper() in HTTP_METHODS:
        return method.upper(), _trimmed(rest.strip())
    if selector.startswith("/"):
        return None, _trimmed(selector)
    return None, selector


def designates(selector: str, route: Route | None, method: str, path: str) -> bool:
    """Whether ``selector`` designates the request ``method path``, served by ``route`` (None
    for a path the fake does not serve): the one reading faults, the log and the check share,
    so a selector the check takes is one that fires."""
    if selector == "*" or (route is not None and selector == route.name):
        return True
    wanted, target = read_selector(selector)
    if not target.startswith("/") or wanted not in (None, method.upper()):
        return False
    if "{" in target:
        return route is not None and _trimmed(route.template) == target
    return _trimmed(path) == target


@dataclass(frozen=True)
class Route:
    """One registered route: method, path template, handler and a dotted name for control/logs."""

    method: str
    template: str
    handler: Handler
    name: str
    pattern: re.Pattern[str]

    def matches(self, selector: str) -> bool:
        """Whether ``selector`` (name, template, "METHOD template" or "*") designates this route."""
        if selector in ("*", self.name):
            return True
        wanted, target = read_selector(selector)
        return wanted in (None, self.method) and target == _trimmed(self.template)


def _compile(template: str) -> re.Pattern[str]:
    pos = 0
    parts: list[str] = []
    for m in _PARAM.finditer(template):
        parts.append(re.escape(template[pos : m.start()]))
        parts.append(f"(?P<{m.group(1)}>[^/]+)")
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("^" + "".join(parts) + "/?$")


PRODUCTION_NOT_FOUND = "Api no encontrada"
"""Production's answer for a path outside ``/v2/dte`` (the sandbox says "Resource not found")."""


def gateway_not_found(environment: str = "sandbox", path: str = "") -> FakeResponse:
    """What Haulmer's gateway answers for a path it does not serve, in ``environment``'s words.

    Production answers "Api no encontrada" for paths outside ``/v2/dte`` (reference section 1);
    its status and envelope there are not recorded, so the fake keeps the sandbox's 404 shape.
    """
    message = "Resource not found"
    if environment == "production" and not path.startswith("/v2/dte"):
        message = PRODUCTION_NOT_FOUND
    return FakeResponse(404, json={"statusCode": 404, "message": message})


class Router:
    """Routes in registration order; static templates win over templated ones of the same shape."""

    def __init__(self) -> None:
        self._routes: list[Route] = []

    @property
    def routes(self) -> list[Route]:
        """Every route registered, in order."""
        return list(self._routes)

    def add(
        self, method: str, template: str, handler: Handler, *, name: str | None = None
    ) -> Route:
        """Register ``handler`` for ``method template``; ``name`` defaults to "METHOD template"."""
        method = method.upper()
        route = Route(
            method=method,
            template=template,
            handler=handler,
            name=name or f"{method} {template}",
            pattern=_compile(template),
        )
        self._routes.append(route)
        # Literal segments are more specific than parameters: sort by number of parameters, stable.
        self._routes.sort(key=lambda r: len(_PARAM.findall(r.template)))
        return route

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route serving ``method path`` and its path parameters, or None."""
        for route in self._routes:
            if route.method != method.upper():
                continue
            m = route.pattern.match(path)
            if m:
                return route, dict(m.groupdict())
        return None

    def find(self, selector: str) -> list[Route]:
        """The routes a control selector designates (empty when none)."""
        return [r for r in self._routes if r.matches(selector)]

    def serves(self, selector: str) -> bool:
        """Whether ``selector`` designates something this router serves: "*", a route name, a
        template, "METHOD template", a path it serves or "METHOD path"."""
        if selector == "*" or any(route.name == selector for route in self._routes):
            return True
        wanted, target = read_selector(selector)
        if not target.startswith("/") or "?" in target:  # requests match by path, not query
            return False
        routes = [r for r in self._routes if wanted in (None, r.method)]
        if "{" in target:  # a template: one of the fake's, parameter names and all
            return any(_trimmed(r.template) == target for r in routes)
        return any(r.pattern.match(target) for r in routes)

    def check_selector(self, selector: str) -> None:
        """Refuse a selector that designates nothing this router serves (a typo), naming the
        close matches: a fault that never fires, or a log query that finds nothing, would make
        a test pass for the wrong reason."""
        if self.serves(selector):
            return
        without_query, query_mark, _ = selector.partition("?")
        if query_mark:
            raise ValueError(
                f"a route selector names a path without its query string, got {shown(selector)}: "
                f"use {without_query!r} (fake.requests entries carry the query in .query)"
            )
        known = sorted(
            {r.name for r in self._routes}
            | {r.template for r in self._routes}
            | {f"{r.method} {r.template}" for r in self._routes}
        )
        # The SDK method's own name ("emit", "documents.emit") names the routes ending in it.
        tail = "." + selector.strip(".")
        ending = sorted({r.name for r in self._routes if r.name.endswith(tail)})
        close = ending[:5] or difflib.get_close_matches(selector, known, n=5, cutoff=0.6)
        hint = (
            f"did you mean {' or '.join(repr(c) for c in close)}?"
            if close
            else "route names are the SDK's '<namespace>.<resource>.<method>' "
            "(see fake.router.routes)"
        )
        raise ValueError(f"no route of the fake matches {shown(selector)}; {hint}")
