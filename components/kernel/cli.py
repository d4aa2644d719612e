"""`grondwerk <component> <django command>` runs a manage command for any component;
`grondwerk token <client_id> <secret>` prints a freshly signed ZGW token."""

import os
import sys

from .env import COMPONENTS

USAGE = (
    "usage: grondwerk <component> <django-command> [args...]\n"
    "       grondwerk token <client_id> <secret> [user_id]\n"
    f"components: {', '.join(COMPONENTS)}"
)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv[0] == "token":
        from .auth.tokens import sign

        if len(argv) < 3:
            print(USAGE, file=sys.stderr)
            return 2
        print(sign(argv[1], argv[2], user_id=argv[3] if len(argv) > 3 else "demo",
                   user_representation="Grondwerk demo"))
        return 0
    component, rest = argv[0], argv[1:]
    if component not in COMPONENTS or not os.path.isdir(_component_dir(component)):
        print(f"unknown component '{component}'\n{USAGE}", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = f"components.{component}.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"grondwerk {component}", *rest])
    return 0


def _component_dir(component: str) -> str:
    return os.path.join(os.path.dirname(os.path.dirname(__file__)), component)


if __name__ == "__main__":
    sys.exit(main())
