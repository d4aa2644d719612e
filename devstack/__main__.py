"""`python -m devstack <command>`: what the Makefile targets call.

  with-services -- CMD   find PostgreSQL and Redis (or start private ones), create the
                         component databases, then run CMD with DATABASE_URL/REDIS_URL set
  pytest [ARGS]          run every test group (see testrun.py)
  contracts --check|--write   compare or regenerate openapi/*.yaml
  up                     run the whole suite (see up.py)
"""

import sys


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "with-services":
        from .ensure import with_services

        if rest and rest[0] == "--":
            rest = rest[1:]
        return with_services(rest)
    if command == "pytest":
        from .testrun import main as run_tests

        return run_tests(rest)
    if command == "contracts":
        from .contracts import main as contracts

        return contracts(rest)
    if command == "up":
        from .up import main as up

        return up(rest)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
