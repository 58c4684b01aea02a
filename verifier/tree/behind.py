"""Work that runs on a thread of its own, behind the thread that hands it over: the
build's index writers, whose file writes and sorts release the GIL and so overlap the
parsing and hashing."""

import queue
import threading
from collections.abc import Callable
from typing import Any


class Behind:
    """Jobs run in the order given, on one thread. The queue holds two at most, so
    that a caller faster than the jobs waits instead of piling them up in memory. A
    job's failure (an exception of the `failures` types) skips the jobs after it and
    is raised by the caller's next `submit` or `drain`. Stop it however the caller
    ends (`stop`), else its thread outlives the work."""

    def __init__(self, name: str, failures: type[Exception] | tuple[type[Exception], ...]) -> None:
        self._failures = failures
        self._jobs: queue.Queue[Callable[[], Any] | None] = queue.Queue(2)
        self._failure: Exception | None = None
        self._thread = threading.Thread(target=self._work, name=name)
        self._thread.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._failure is None:
                try:
                    job()
                except self._failures as e:
                    self._failure = e
            self._jobs.task_done()

    def submit(self, job: Callable[[], Any]) -> None:
        """What `job` returns is dropped."""
        if self._failure is not None:
            raise self._failure
        self._jobs.put(job)

    def drain(self) -> None:
        """Every job done (the thread idle until the next one): the caller's turn."""
        self._jobs.join()
        if self._failure is not None:
            raise self._failure

    def stop(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
