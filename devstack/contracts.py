"""The committed contracts in openapi/: regenerated with drf-spectacular, checked for drift."""

import difflib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A component serving several APIs names one urlconf per API here (prefix -> module).
URLCONFS: dict[str, str] = {
    "/catalogi/api/v1": "components.cases.catalogi.api.schema_urls",
}

# contract file -> (component, URL prefix of that API)
CONTRACTS = {
    "autorisaties.yaml": ("authorizations", "/autorisaties/api/v1"),
    "notificaties.yaml": ("notifications", "/notificaties/api/v1"),
    "catalogi.yaml": ("cases", "/catalogi/api/v1"),
}


def generate(component: str, prefix: str, target: str) -> None:
    urlconf = URLCONFS.get(prefix, f"components.{component}.urls")
    subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "grondwerk"), component, "spectacular",
         "--file", target, "--validate", "--fail-on-warn", "--urlconf", urlconf],
        cwd=ROOT, check=True,
    )


def main(argv: list[str]) -> int:
    write = "--write" in argv
    drift = []
    for name, (component, prefix) in CONTRACTS.items():
        if not os.path.isfile(os.path.join(ROOT, "components", component, "settings.py")):
            continue
        committed = os.path.join(ROOT, "openapi", name)
        with tempfile.TemporaryDirectory() as tmp:
            fresh = os.path.join(tmp, name)
            generate(component, prefix, fresh)
            new = open(fresh).read()
        old = open(committed).read() if os.path.exists(committed) else ""
        if write:
            if new != old:
                os.makedirs(os.path.dirname(committed), exist_ok=True)
                with open(committed, "w") as f:
                    f.write(new)
                print(f"wrote openapi/{name}")
        elif new != old:
            drift.append(name)
            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), f"openapi/{name}",
                                        "generated", lineterm="", n=1)
            print("\n".join(list(diff)[:40]))
    if drift:
        print(f"contract drift in {', '.join(drift)}: run `make contracts` and commit the result")
        return 1
    return 0
