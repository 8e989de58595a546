"""How far an import has got: rows checked, rows written, a percentage and the time left.

The importer moves the counts; watchers (the run's row in the database, the command's
progress bar) are told at most every ``interval`` seconds, and always at the end of a phase.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

CHECKING = "checking"
WRITING = "writing"
DONE = "done"


@dataclass
class Progress:
    rows_total: int = 0
    rows_checked: int = 0
    rows_to_write: int = 0
    rows_written: int = 0
    phase: str = CHECKING
    interval: float = 0.5
    watchers: list[Callable[["Progress"], None]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    _told: float = 0.0
    _units: int = 0  # write work (records) planned
    _units_done: int = 0

    # --- moved by the importer ------------------------------------------------------------

    def begin(self, rows: int) -> None:
        self.rows_total = rows
        self.rows_checked = 0
        self.phase = CHECKING
        self.tell(force=True)

    def checked(self, rows: int) -> None:
        self.rows_checked = rows
        self.tell(force=rows >= self.rows_total)

    def plan(self, rows_to_write: int, units: int) -> None:
        """Checking is over: ``rows_to_write`` rows change, costing ``units`` record writes."""
        self.rows_checked = self.rows_total
        self.rows_to_write = rows_to_write
        self.rows_written = 0
        self._units = max(units, 0)
        self._units_done = 0
        self.phase = WRITING
        self.tell(force=True)

    def wrote(self, units: int) -> None:
        self._units_done = min(self._units, self._units_done + units)
        if self._units:
            self.rows_written = self.rows_to_write * self._units_done // self._units
        self.tell()

    def finish(self) -> None:
        self.rows_checked = self.rows_total
        self.rows_written = self.rows_to_write
        self.phase = DONE
        self.tell(force=True)

    def tell(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._told < self.interval:
            return
        self._told = now
        for watcher in self.watchers:
            watcher(self)

    # --- read by watchers -----------------------------------------------------------------

    @property
    def percent(self) -> int:
        return percent(self.rows_total, self.rows_checked, self.rows_to_write, self.rows_written)

    @property
    def seconds_left(self) -> int | None:
        return seconds_left(time.monotonic() - self.started, self.percent)


# Writing a changed row (its person, login, assignment, log entries and grants) takes about
# four times as long as checking one (measured with tests/benchmarks/foundation.py).
WRITE_WEIGHT = 4


def percent(total: int, checked: int, to_write: int, written: int) -> int:
    """Work done, of checking every row and writing the changed ones (unchanged rows are not
    written)."""
    work = total + WRITE_WEIGHT * to_write
    if not work:
        return 0
    return min(100, (checked + WRITE_WEIGHT * written) * 100 // work)


def seconds_left(elapsed: float, done_percent: int) -> int | None:
    """A straight-line estimate; None until there is enough done to say."""
    if done_percent < 2 or elapsed < 1:
        return None
    if done_percent >= 100:
        return 0
    return max(1, round(elapsed * (100 - done_percent) / done_percent))
