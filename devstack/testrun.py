"""Run the test suite: one pytest process per Django project (each has its own settings),
then one for the tests that need no Django; print one combined closing line."""

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from .services import existing_components

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def groups() -> list[tuple[str, list[str]]]:
    """(settings module or "", test folders) for every group that has tests."""
    result = [("tests.kernel.settings", ["tests/kernel"])]
    for component in existing_components():
        folders = [f"tests/{component}"]
        result.append((f"components.{component}.settings", folders))
    result.append(("", ["tests/e2e", "tests/gateway"]))
    return [(ds, [f for f in folders if os.path.isdir(os.path.join(ROOT, f))]) for ds, folders in result]


def _counts(junit: str) -> dict:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not os.path.exists(junit):
        return totals
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    for suite in suites:
        for key in totals:
            totals[key] += int(suite.get(key, 0))
    return totals


def main(extra: list[str]) -> int:
    passed = failed = skipped = 0
    worst = 0
    with tempfile.TemporaryDirectory() as tmp:
        for index, (settings, folders) in enumerate(groups()):
            if not folders:
                continue
            junit = os.path.join(tmp, f"{index}.xml")
            cmd = [sys.executable, "-m", "pytest", *folders, f"--junitxml={junit}", "-q", *extra]
            env = dict(os.environ)
            if settings:
                cmd += [f"--ds={settings}"]
            else:
                cmd += ["-p", "no:django"]
            print(f"== pytest {' '.join(folders)} {('(' + settings + ')') if settings else ''}", flush=True)
            code = subprocess.call(cmd, cwd=ROOT, env=env)
            counts = _counts(junit)
            bad = counts["failures"] + counts["errors"]
            passed += counts["tests"] - bad - counts["skipped"]
            failed += bad
            skipped += counts["skipped"]
            if code not in (0, 5):  # 5: no tests collected in this group
                worst = worst or code or 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if failed and not worst:
        worst = 1
    return worst
