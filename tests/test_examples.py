"""Every program in examples/ runs as an integrator would run it, against the fake, offline."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PROGRAMS = sorted(path.name for path in EXAMPLES.glob("*.py"))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAULMER_")}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_examples_folder_has_the_promised_programs() -> None:
    assert {
        "issue_and_download.py",
        "async_batch.py",
        "sign_and_verify.py",
        "journey.py",
        "asgi_boleta.py",
    } <= set(PROGRAMS)
    assert (EXAMPLES / "pytest_suite" / "test_invoicing.py").is_file()


@pytest.mark.parametrize("program", PROGRAMS)
def test_example_runs_and_says_what_it_did(program: str, tmp_path: Path) -> None:
    result = _run([str(EXAMPLES / program)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert list(tmp_path.iterdir()) == []  # files go to a temporary folder, never the cwd


def test_example_issue_and_download_writes_the_xml_and_pdf(tmp_path: Path) -> None:
    result = _run([str(EXAMPLES / "issue_and_download.py"), "--out", str(tmp_path)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "factura-33-1.pdf",
        "factura-33-1.xml",
    ]
    assert (tmp_path / "factura-33-1.pdf").read_bytes().startswith(b"%PDF")


def test_example_pytest_suite_passes_with_the_plugin(tmp_path: Path) -> None:
    result = _run(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / "pytest_suite")],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_example_pytest_suite_passes_copied_into_a_project_of_its_own(tmp_path: Path) -> None:
    # Outside this repository no pyproject sets asyncio_mode = "auto": pytest-asyncio runs in its
    # default strict mode, where an unmarked async test fails, so the suite must mark its own.
    for name in ("invoicing.py", "test_invoicing.py"):
        (tmp_path / name).write_bytes((EXAMPLES / "pytest_suite" / name).read_bytes())
    result = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def _example_module(name: str) -> ModuleType:
    """An example program imported as a module (its ``main()`` not run), for a test to call."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _machine_a_day_ahead_of_chile(module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example sees a machine whose calendar already reads tomorrow: a server on UTC (or a
    user in Europe or Asia) after 21:00 in Chile, when its ``date.today()`` is Chile's next day."""
    import haulmer._chile

    tomorrow_in_chile = haulmer._chile.chile_today() + dt.timedelta(days=1)

    class MachineDate(dt.date):
        @classmethod
        def today(cls) -> MachineDate:
            return cls.fromordinal(tomorrow_in_chile.toordinal())

    machine = ModuleType("datetime")
    machine.__dict__.update(vars(dt))
    machine.date = MachineDate  # type: ignore[attr-defined]
    monkeypatch.setattr(module, "dt", machine)


def test_example_issue_and_download_dates_the_sandbox_factura_by_chile_s_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--sandbox dated the factura by the machine's calendar: after 21:00 in Chile on a server on
    UTC the client refused it (FchEmis after today in Chile) before sending anything."""
    import haulmer
    from haulmer.testing import FakeHaulmer

    example = _example_module("issue_and_download")
    _machine_a_day_ahead_of_chile(example, monkeypatch)
    fake = FakeHaulmer()  # stands in for the sandbox: its clock is the real time in Chile

    def sandbox(**kwargs: object) -> haulmer.Haulmer:
        assert kwargs == {"environment": "sandbox", "api_key": haulmer.SANDBOX_API_KEY}
        return fake.client()

    monkeypatch.setattr(haulmer, "Haulmer", sandbox)
    assert example.main(["--sandbox", "--out", str(tmp_path)]) == 0
    (issued,) = fake.openfactura_state.documents
    assert issued.dte["Encabezado"]["IdDoc"]["FchEmis"] == fake.clock.today().isoformat()


def test_example_sign_and_verify_dates_the_factura_by_chile_s_calendar(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The locally stamped factura was dated by the machine's calendar: a day the SII has not
    reached yet on a server on UTC after 21:00 in Chile, which the SII refuses on reception."""
    import haulmer._chile
    from haulmer import sii

    example = _example_module("sign_and_verify")
    _machine_a_day_ahead_of_chile(example, monkeypatch)
    stamped: list[bytes] = []
    issue = sii.issue

    def recorded_issue(*args: Any, **kwargs: Any) -> bytes:
        stamped.append(issue(*args, **kwargs))
        return stamped[-1]

    monkeypatch.setattr(sii, "issue", recorded_issue)
    assert example.main() == 0
    assert capsys.readouterr().out.strip()
    (xml,) = stamped
    assert sii.parse(xml).encabezado.id_doc.fecha_emision == haulmer._chile.chile_today()


def test_no_example_or_documentation_sample_reads_the_machine_s_day() -> None:
    """The programs and samples users copy date documents by Chile's calendar, as the SDK does
    (tests/test_architecture.py holds src/ to it): ``date.today()``, a naive ``datetime.now()``
    or ``time.localtime()`` read the machine's zone, a day ahead of Chile's on a server on UTC
    after 21:00 there."""
    import ast
    import re

    root = EXAMPLES.parent
    sources = {
        str(path.relative_to(root)): path.read_text("utf-8") for path in EXAMPLES.rglob("*.py")
    }
    for page in [root / "README.md", *(root / "docs").rglob("*.md")]:
        blocks = re.findall(
            r"^([ \t]*)```py(?:thon)?\n(.*?)^[ \t]*```", page.read_text("utf-8"), re.M | re.S
        )
        for index, (indent, block) in enumerate(blocks, start=1):
            code = "".join(line[len(indent) :] for line in block.splitlines(keepends=True))
            sources[f"{page.relative_to(root)}#block{index}"] = code
    readers = []
    for name, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = ast.unparse(node.func.value).rsplit(".", 1)[-1]
            if (
                (node.func.attr == "today" and owner in ("date", "datetime"))
                or (
                    node.func.attr == "now"
                    and owner == "datetime"
                    and not node.args
                    and not node.keywords
                )
                or (node.func.attr == "localtime" and owner == "time")
            ):
                readers.append(f"{name}:{node.lineno} {ast.unparse(node)}")
    assert len(sources) > 80
    assert readers == []


def test_example_asgi_boleta_answers_a_body_that_is_no_sale_with_400() -> None:
    """A body that is not JSON, or JSON that is no object, raised out of the app (a 500 and a
    traceback on a real server) instead of an answer saying what the sale must be."""
    import asyncio

    import httpx

    from haulmer.testing import FakeHaulmer

    example = _example_module("asgi_boleta")

    async def post(body: bytes) -> httpx.Response:
        async with FakeHaulmer().async_client() as client:
            transport = httpx.ASGITransport(app=example.BoletaApp(client))
            async with httpx.AsyncClient(transport=transport, base_url="http://till") as till:
                return await till.post("/sales/0001/boleta", content=body)

    for body in (b"{not json", b'["Marraqueta"]', b"\xff\xfe"):
        answer = asyncio.run(post(body))
        assert answer.status_code == 400, body
        assert "JSON object" in answer.json()["error"]


def test_example_asgi_boleta_makes_and_closes_its_client_in_the_app_s_lifespan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app a server makes (``create_app``) holds its client for its lifespan, as its
    docstring says: startup makes it and shutdown closes it. The app ignored the lifespan, so
    the client was made outside it and never closed."""
    import asyncio

    import haulmer

    monkeypatch.setenv("HAULMER_API_KEY", "0" * 32)
    example = _example_module("asgi_boleta")
    app = example.create_app()
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[str] = []
    clients: list[haulmer.AsyncHaulmer] = []

    async def receive() -> dict[str, str]:
        if sent:  # the app is started: the client it made is there
            clients.append(app.client)
        return messages.pop(0)

    async def send(message: dict[str, str]) -> None:
        sent.append(message["type"])

    asyncio.run(asyncio.wait_for(app({"type": "lifespan"}, receive, send), timeout=5))
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    (client,) = clients
    assert isinstance(client, haulmer.AsyncHaulmer)
    with pytest.raises(haulmer.ClientClosedError):
        asyncio.run(client.openfactura.organization.retrieve())
