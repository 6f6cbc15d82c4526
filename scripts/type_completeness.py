"""Fail when pyright's type completeness of the public API falls under a floor (95 % by default).

Runs ``pyright --verifytypes haulmer --ignoreexternal --outputjson`` with this interpreter's
environment (pyright finds the installed package through it) and reads the score from the JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FLOOR = 0.95


def completeness(package: str = "haulmer") -> tuple[float, list[str]]:
    """The score (0 to 1) and the public symbols whose type is not fully known."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["VIRTUAL_ENV"] = str(bin_dir.parent)
    result = subprocess.run(
        [str(bin_dir / "pyright"), "--verifytypes", package, "--ignoreexternal", "--outputjson"],
        capture_output=True,
        text=True,
        env=env,
        cwd=bin_dir.parent.parent,
        check=False,
    )
    report = json.loads(result.stdout)
    problems = [d["message"] for d in report["generalDiagnostics"] if d["severity"] == "error"]
    if problems:
        raise SystemExit(f"pyright could not check {package}: {'; '.join(problems)}")
    data = report["typeCompleteness"]
    unknown = [
        symbol["name"]
        for symbol in data["symbols"]
        if symbol["isExported"] and not symbol["isTypeKnown"]
    ]
    return float(data["completenessScore"]), unknown


def main(argv: list[str]) -> int:
    floor = float(argv[0]) if argv else FLOOR
    score, unknown = completeness()
    print(f"type completeness of haulmer's public API: {score:.1%} (floor {floor:.0%})")
    if score < floor:
        print("symbols whose type is not fully known:\n  " + "\n  ".join(unknown[:60]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
