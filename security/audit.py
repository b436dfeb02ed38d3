"""Offline dependency audit: the locked, installed and minimum-pinned versions against our own
advisory database (``security/advisories.json``, OSV's ``introduced <= v < fixed`` form).

    python -m security.audit            # exit 1 and one line per finding when anything is affected
    python -m security.audit refresh    # rebuild advisories.json from api.osv.dev (needs the network)

``pip-audit`` needs PyPI's or OSV's online API at every run; hospital build machines often have
neither, so the check runs offline against a committed database that ``refresh`` keeps current.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
DATABASE = Path(__file__).with_name("advisories.json")
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
OSV_BATCH = "https://api.osv.dev/v1/querybatch"
OSV_VULN = "https://api.osv.dev/v1/vulns/"


@dataclass(frozen=True)
class Advisory:
    id: str
    package: str
    introduced: str
    fixed: str | None
    summary: str = ""

    def affects(self, version: str) -> bool:
        v = Version(version)
        low = Version(self.introduced) if self.introduced not in ("", "0") else None
        return (low is None or v >= low) and (self.fixed is None or v < Version(self.fixed))


def load(path: Path = DATABASE) -> list[Advisory]:
    return [Advisory(**a) for a in json.loads(path.read_text())["advisories"]]


def locked(path: Path = LOCK) -> dict[str, str]:
    """``name==version`` lines of a pip-compile lock; every one must carry a hash."""
    pins: dict[str, str] = {}
    text = path.read_text()
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s\\;]+)", block)
        if match:
            if "--hash=sha256:" not in block:
                raise ValueError(f"{path.name}: {match.group(1)} has no hash")
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}


def minimum_pins(path: Path = PYPROJECT) -> dict[str, str]:
    """The lowest version each direct dependency allows (``>=`` or ``==``)."""
    project = tomllib.loads(path.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    lows: dict[str, str] = {}
    for line in requirements:
        req = Requirement(line)
        for spec in req.specifier:
            if spec.operator in (">=", "=="):
                lows[canonicalize_name(req.name)] = spec.version
    return lows


def findings(versions: dict[str, str], advisories: list[Advisory], what: str) -> list[str]:
    out = []
    for advisory in advisories:
        version = versions.get(canonicalize_name(advisory.package))
        if version is not None and advisory.affects(_public(version)):
            fix = f"upgrade to {advisory.fixed}" if advisory.fixed else "no fixed release: replace it"
            problem = f"{advisory.package} {version} is affected by {advisory.id} ({advisory.summary})"
            out.append(f"{what}: {problem}; {fix}")
    return out


def _public(version: str) -> str:
    return version.split("+", 1)[0]  # torch's "+cpu" local label does not change what is affected


def check() -> list[str]:
    advisories = load()
    return (
        findings(locked(), advisories, "requirements.lock")
        + findings(installed(), advisories, "installed")
        + findings(minimum_pins(), advisories, "pyproject minimum pin")
    )


def from_osv(vuln: dict[str, Any]) -> list[Advisory]:
    """The ``ECOSYSTEM`` ranges of one OSV record as advisories (one per introduced/fixed pair)."""
    name = next((a for a in vuln.get("aliases", []) if a.startswith("CVE-")), vuln["id"])
    out = []
    for affected in vuln.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "PyPI":
            continue
        for rng in affected.get("ranges", []):
            if rng.get("type") != "ECOSYSTEM":
                continue
            introduced: str | None = None
            for event in rng.get("events", []):
                if "introduced" in event:
                    if introduced is not None:  # an open range before this one: never fixed
                        out.append(Advisory(name, package["name"], introduced, None, vuln.get("summary", "")))
                    introduced = event["introduced"]
                elif "fixed" in event and introduced is not None:
                    out.append(
                        Advisory(name, package["name"], introduced, event["fixed"], vuln.get("summary", ""))
                    )
                    introduced = None
            if introduced is not None:
                out.append(Advisory(name, package["name"], introduced, None, vuln.get("summary", "")))
    return out


def refresh() -> int:
    """Ask OSV about every locked package and version; rewrite the database with what it knows."""
    pins = locked()
    queries = [{"package": {"name": n, "ecosystem": "PyPI"}, "version": _public(v)} for n, v in pins.items()]
    request = urllib.request.Request(OSV_BATCH, json.dumps({"queries": queries}).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        results = json.load(response)["results"]
    ids = sorted({v["id"] for r in results for v in r.get("vulns", [])})
    advisories: list[Advisory] = []
    for vuln_id in ids:
        with urllib.request.urlopen(OSV_VULN + vuln_id, timeout=60) as response:
            advisories.extend(
                a for a in from_osv(json.load(response)) if canonicalize_name(a.package) in pins
            )
    old = json.loads(DATABASE.read_text())
    old["advisories"] = [a.__dict__ for a in advisories] + [
        a.__dict__ for a in load() if not any(a.id == b.id and a.package == b.package for b in advisories)
    ]
    DATABASE.write_text(json.dumps(old, indent=2) + "\n")
    print(f"{len(ids)} OSV records for {len(pins)} locked packages written to {DATABASE}")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["refresh"]:
        return refresh()
    problems = check()
    for line in problems:
        print(line)
    if not problems:
        updated = json.loads(DATABASE.read_text())["updated"]
        print(f"no known vulnerability ({len(load())} advisories, database of {updated})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
