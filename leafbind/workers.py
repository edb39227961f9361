"""The executors: run the per-leaflet work (`make.make_outputs`) in this process, in a process pool, or on a
Dask cluster. The choice is a type: `Local(jobs)` or `Dask(scheduler)`.

Every executor runs the same function, `make_outputs`, on the same picklable `Job`, and hands back the same
`JobResult`: the files as bytes, the files they embed, problems and timings. Only the calling process writes
files, the manifest and the build state, so results are gathered the same way whichever executor ran the work.

Local worker processes never outlive the build: stopped at once when the build is interrupted, and ending by
themselves when the process that started them is gone, even killed outright (see `guard_worker`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent import futures
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from .errors import LeafbindError, Problem
from .make import Job, JobResult, make_outputs

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
WATCH_SECONDS = 0.5  # how often a worker checks that the build that started it is still running


@dataclass(frozen=True)
class Local:
    """Make leaflets on this machine: `jobs` at a time, each in its own process (1: in this process)."""

    jobs: int = 1

    def describe(self) -> tuple[int, str]:
        """(jobs, executor) as the build summary gives them."""
        return self.jobs, "local"


@dataclass(frozen=True)
class Dask:
    """Make leaflets on an existing Dask distributed cluster, whose scheduler is at `scheduler`."""

    scheduler: str

    def describe(self) -> tuple[int, str]:
        return 1, "dask"


Executor = Local | Dask
EXECUTORS = ("local", "dask")
LOCAL = Local()  # one leaflet at a time, in this process


def run_jobs(jobs: Iterable[Job], executor: Executor = LOCAL, count: int = 0) -> Iterator[JobResult]:
    """Results in the order they finish: local processes (one: this process), or a Dask cluster.

    `jobs` is consumed lazily, a few ahead of the workers; `count` (at most how many jobs there are) keeps a
    pool from starting more processes than there is work, or any at all when there is none.
    """
    if count == 0:
        return
    if isinstance(executor, Dask):
        yield from _on_dask(jobs, executor.scheduler)
    elif executor.jobs <= 1 or count == 1:
        for job in jobs:
            yield make_outputs(job)
    else:
        processes = min(executor.jobs, count)
        pool = ProcessPoolExecutor(max_workers=processes, initializer=guard_worker, initargs=(os.getpid(),))
        try:
            yield from _windowed(pool, jobs, window=2 * processes)
        except BaseException:
            # Ctrl-C, SIGTERM, or the caller stopped early: don't wait for the leaflets in hand
            _stop(pool)
            raise
        pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Hand out no more work and end the workers now, rather than wait for the leaflets they are making."""
    processes = list((pool._processes or {}).values())  # noqa: SLF001 (the pool has no public way to do this)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)
    # A worker killed while sending a result leaves half a message in the result pipe, and the pool's manager
    # thread waits for the rest forever (Python then hangs at exit, joining it). With the workers gone, this
    # process holds the pipe's last writing end: closing it ends that wait, and the pool sees itself broken.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)  # noqa: SLF001 (as above)
    if writer is not None and not any(process.is_alive() for process in processes):
        writer.close()


def guard_worker(main: int) -> None:
    """Run in each worker process as it starts, so that no worker outlives the build (`main`: its process id).

    Ctrl-C reaches every process of the terminal's group: the workers ignore it and the main process stops
    them. If the main process dies without stopping them (even killed with SIGKILL), Linux kills them at once
    (PR_SET_PDEATHSIG), and everywhere a watch thread sees that their parent changed, or that the main process
    is gone, and ends them within a second.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the handler a command line may have set in the parent
    parent = os.getppid()  # the main process; or a fork server, which ends with it
    _die_with_parent()
    threading.Thread(target=_watch, args=(main, parent), name="leafbind-watch", daemon=True).start()


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies; nothing elsewhere (the watch thread covers it)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _watch(main: int, parent: int) -> None:
    while os.getppid() == parent and _alive(main):
        time.sleep(WATCH_SECONDS)
    os._exit(1)  # the build is gone: nobody will take this worker's result


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal is sent: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, and belongs to someone else
        pass
    return True


def _windowed(executor: futures.Executor, jobs: Iterable[Job], window: int) -> Iterator[JobResult]:
    """Keep at most `window` jobs in flight, so results are written and freed as they come: memory stays
    flat."""
    queue, pending = iter(jobs), {}

    def fill() -> None:
        while len(pending) < window and (job := next(queue, None)) is not None:
            pending[executor.submit(make_outputs, job)] = job

    fill()
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=lambda f: pending[f].leaflet.slug):
            yield _result(future, pending.pop(future))
        fill()


def _result(future: Future, job: Job) -> JobResult:
    try:
        return future.result()
    except BrokenProcessPool:
        reason = "the worker process making it stopped unexpectedly (out of memory?)"
    except Exception as error:  # noqa: BLE001 (a lost Dask worker, a result that could not be sent back …)
        reason = f"the worker making it failed ({type(error).__name__}: {error})"
    display = job.project.display(job.leaflet.path)
    return JobResult(job.leaflet.slug, problems=(Problem(display, None, None, reason),))


def _on_dask(jobs: Iterable[Job], scheduler: str | None) -> Iterator[JobResult]:
    """The same jobs on an existing Dask distributed cluster; the project folder must be at the same path
    there."""
    if not scheduler:
        raise LeafbindError("--executor dask needs --scheduler ADDRESS (e.g. tcp://scheduler:8786)")
    try:
        from distributed import Client
    except ImportError:
        raise LeafbindError("--executor dask needs Dask: pip install 'leafbind[dask]'") from None
    try:
        client = Client(scheduler)  # waits distributed.comm.timeouts.connect (Dask config; 30 s by default)
    except (OSError, TimeoutError, ValueError) as error:
        raise LeafbindError(f"could not reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        threads = sum(client.nthreads().values()) or 1
        yield from _windowed(client.get_executor(pure=False), jobs, window=2 * threads)
