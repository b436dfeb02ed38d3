"""Issue 12, fault 13: a hashed lock file for the install, and an offline vulnerability audit of the
locked, installed and minimum-pinned versions (``security/audit.py``)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from security import audit

ROOT = Path(__file__).resolve().parent.parent


def test_every_dependency_is_locked_with_a_hash_and_satisfies_pyproject() -> None:
    pins = audit.locked()  # raises on a pin without a hash
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [
        *project["dependencies"],
        *(r for extra in project["optional-dependencies"].values() for r in extra),
    ]
    for line in requirements:
        req = Requirement(line)
        version = pins[canonicalize_name(req.name)]
        assert req.specifier.contains(version.split("+")[0], prereleases=True), (req, version)


def test_the_environment_is_installed_from_the_lock() -> None:
    installed = audit.installed()
    different = {
        n: (v, installed[n]) for n, v in audit.locked().items() if n in installed and installed[n] != v
    }
    assert different == {}


def test_no_known_vulnerability_in_locked_installed_or_minimum_versions() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "security.audit"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    assert "no known vulnerability" in result.stdout


def test_the_audit_reports_an_affected_version_and_a_vulnerable_minimum_pin(tmp_path: Path) -> None:
    advisories = [
        audit.Advisory("CVE-0000-0001", "pypdf", "0", "6.4.0", "loop"),
        audit.Advisory("CVE-0000-0002", "Python_Multipart", "0.0.10", None, "never fixed"),
    ]
    assert audit.findings({"pypdf": "6.1"}, advisories, "pin") == [
        "pin: pypdf 6.1 is affected by CVE-0000-0001 (loop); upgrade to 6.4.0"
    ]
    assert audit.findings({"pypdf": "6.4.0", "python-multipart": "0.0.9"}, advisories, "x") == []
    assert audit.findings({"python-multipart": "0.0.34"}, advisories, "x") == [
        "x: Python_Multipart 0.0.34 is affected by CVE-0000-0002 (never fixed); no fixed release: replace it"
    ]
    lock = tmp_path / "requirements.lock"
    lock.write_text("pypdf==7.1.1 \\\n    --hash=sha256:ab\n    # via x\nrequests==2.32.4\n")
    try:
        audit.locked(lock)
    except ValueError as exc:
        assert "requests has no hash" in str(exc)
    else:
        raise AssertionError("a pin without a hash was accepted")


def test_osv_records_become_advisories() -> None:
    """The OSV schema (https://ossf.github.io/osv-schema/) as ``refresh`` reads it."""
    record = json.loads(
        """{"id": "GHSA-xxxx", "aliases": ["CVE-2025-0001"], "summary": "s", "affected": [
        {"package": {"ecosystem": "PyPI", "name": "pypdf"}, "ranges": [{"type": "ECOSYSTEM",
         "events": [{"introduced": "0"}, {"fixed": "3.9.0"}, {"introduced": "4.0"}, {"fixed": "6.1.3"},
                    {"introduced": "7.0"}]}]},
        {"package": {"ecosystem": "npm", "name": "pdfjs"}, "ranges": []}]}"""
    )
    got = [(a.id, a.package, a.introduced, a.fixed) for a in audit.from_osv(record)]
    assert got == [
        ("CVE-2025-0001", "pypdf", "0", "3.9.0"),
        ("CVE-2025-0001", "pypdf", "4.0", "6.1.3"),
        ("CVE-2025-0001", "pypdf", "7.0", None),
    ]
    assert [a.affects(v) for a in audit.from_osv(record) for v in ("3.8", "5.0", "7.1")] == [
        True,
        False,
        False,
        False,
        True,
        False,
        False,
        False,
        True,
    ]
