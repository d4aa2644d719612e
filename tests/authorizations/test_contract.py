"""The committed contract is what the code generates, and it covers the official standard."""

import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_committed_contract_matches_generated():
    result = subprocess.run([sys.executable, "-m", "devstack", "contracts", "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_contract_has_every_operation_of_the_standard():
    ours = yaml.safe_load(open(os.path.join(ROOT, "openapi", "autorisaties.yaml")))
    official = yaml.safe_load(open(os.path.join(ROOT, "..", "shared", "standards", "autorisaties-1.1.0.yaml"))) \
        if os.path.exists(os.path.join(ROOT, "..", "shared")) else None
    methods = {"get", "post", "put", "patch", "delete"}
    ours_ops = {(m, p.removeprefix("/autorisaties/api/v1")) for p, item in ours["paths"].items()
                for m in item if m in methods}
    expected = {("get", "/applicaties"), ("post", "/applicaties"), ("get", "/applicaties/consumer"),
                ("get", "/applicaties/{uuid}"), ("put", "/applicaties/{uuid}"),
                ("patch", "/applicaties/{uuid}"), ("delete", "/applicaties/{uuid}")}
    assert expected <= ours_ops
    if official:
        assert {(m, p) for p, item in official["paths"].items() for m in item if m in methods} <= ours_ops
