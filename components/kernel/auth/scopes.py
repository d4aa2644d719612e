"""Scopes as declarative values: `SCOPE_A | SCOPE_B` means either, `&` means both."""

from collections.abc import Iterable


class Scope:
    def __init__(self, label: str, description: str = ""):
        self.label = label
        self.description = description

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Scope({self.label!r})"

    def __or__(self, other: "Scope") -> "Scope":
        return AnyOf(self, other)

    def __and__(self, other: "Scope") -> "Scope":
        return AllOf(self, other)

    def labels(self) -> list[str]:
        return [self.label]

    def is_granted(self, granted: Iterable[str]) -> bool:
        return self.label in set(granted)


class _Combination(Scope):
    joiner = ""

    def __init__(self, *parts: Scope):
        self.parts = parts
        super().__init__(f"({f' {self.joiner} '.join(str(p) for p in parts)})")

    def labels(self) -> list[str]:
        return [label for part in self.parts for label in part.labels()]


class AnyOf(_Combination):
    joiner = "|"

    def is_granted(self, granted: Iterable[str]) -> bool:
        granted = set(granted)
        return any(part.is_granted(granted) for part in self.parts)


class AllOf(_Combination):
    joiner = "&"

    def is_granted(self, granted: Iterable[str]) -> bool:
        granted = set(granted)
        return all(part.is_granted(granted) for part in self.parts)
