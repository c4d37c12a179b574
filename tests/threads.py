"""Threads in tests whose failures fail the test.

An exception in a plain `threading.Thread` only prints a warning: a test that checks
"exactly once" across two threads still passes when one of them crashed and the other
did all the work. `Threads` keeps each thread's exception and `join()` raises them."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


class Threads:
    """Start callables in threads, then `join()`: their return values in start order, or
    every exception they raised (an ExceptionGroup), or an AssertionError for a thread
    still running at the timeout. Each thread closes its own database connections."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []
        self._results: dict[int, Any] = {}
        self._errors: dict[int, BaseException] = {}
        self._barriers: list[threading.Barrier] = []

    def barrier(self, parties: int, timeout: float = 10) -> threading.Barrier:
        """A barrier for these threads, broken as soon as one of them fails: the others
        stop waiting for a thread that will never arrive."""
        barrier = threading.Barrier(parties, timeout=timeout)
        self._barriers.append(barrier)
        return barrier

    def start(self, target: Callable[..., Any], *args: Any) -> threading.Thread:
        index = len(self._threads)

        def run() -> None:
            try:
                self._results[index] = target(*args)
            except BaseException as error:  # noqa: BLE001 - raised again by join()
                self._errors[index] = error
                for barrier in self._barriers:
                    barrier.abort()
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, name=f"test-thread-{index}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def join(self, timeout: float = 30) -> list[Any]:
        for thread in self._threads:
            thread.join(timeout=timeout)
        hung = [t.name for t in self._threads if t.is_alive()]
        if self._errors:
            errors = [self._errors[i] for i in sorted(self._errors)]
            # A barrier broken because a sibling failed is no news of its own.
            errors = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)] or errors
            raise BaseExceptionGroup(f"{len(errors)} of {len(self._threads)} threads raised", errors)
        assert not hung, f"still running after {timeout} s: {', '.join(hung)}"
        return [self._results[i] for i in range(len(self._threads))]


def run_together(target: Callable[[], Any], count: int, *, timeout: float = 30) -> list[Any]:
    """Run `target` in `count` threads released at the same instant by a barrier, and
    wait for all of them (see `Threads.join`)."""
    threads = Threads()
    barrier = threads.barrier(count)

    def released() -> Any:
        barrier.wait()
        return target()

    for _ in range(count):
        threads.start(released)
    return threads.join(timeout=timeout)
