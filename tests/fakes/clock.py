"""A clock the test moves by hand, for every service that takes its clock as an argument."""

from __future__ import annotations


class HandClock:
    """A clock that moves only when a test says so (``advance``, or ``now`` set directly):
    whether a lease ran out or a trigger id expired never depends on how fast the machine is."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
