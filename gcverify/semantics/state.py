"""Concrete states and traces: the one `Trace` type every engine reports.

Owns: `State` (a tuple of ints, one per slot of the layout), `ActionInstance`, `Step`, `Trace`.
"""

from __future__ import annotations

from dataclasses import dataclass

State = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ActionInstance:
    """Action number `action` of the model with argument values `args` (instance first)."""

    action: int
    args: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Step:
    action: ActionInstance
    state: State


@dataclass(frozen=True, slots=True)
class Trace:
    init: State
    steps: tuple[Step, ...]

    @property
    def last(self) -> State:
        return self.steps[-1].state if self.steps else self.init

    def __len__(self) -> int:
        return len(self.steps)
