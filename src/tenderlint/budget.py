"""Time and memory budgets for one document: run a call in a forked child and stop it when over.

A parser stuck in native code (a regex, pdfium, the tokenizer) cannot be interrupted from
Python, so a call with a budget runs in a child process forked from this one (it inherits the
loaded rules and model at no cost) and sends its result back through a pipe. Past the time
limit the child is killed and the caller gets ``error[timeout]``; the child's address space is
capped, so a document that needs more memory ends in ``error[too-large]`` rather than starving
the machine. ``check``, the web page and any other command checking files use this; the batch
audit has its own worker pool with the same limits.

Where ``fork`` is unavailable (Windows) the call runs in this process without a time limit.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
from typing import Any, Callable

from tenderlint.errors import TenderlintError

# Default per-document time limit of the commands, in seconds (``--timeout``).
DEFAULT_TIMEOUT = 120.0
# How much more memory than the parent already uses a document's child may map.
DEFAULT_MEMORY_BYTES = 4 * 1024 ** 3

CAN_FORK = hasattr(os, "fork") and sys.platform != "win32"


def can_fork_here() -> bool:
    """Whether a budgeted call can fork from here: only from a process's main thread (a fork from
    another thread could copy a lock some other thread holds, and hang on it)."""
    import threading

    return CAN_FORK and threading.current_thread() is threading.main_thread()


class Budgeted:
    """A call running in a forked child; ``result`` waits for it until the deadline."""

    def __init__(self, func: Callable[..., Any], *args: Any, timeout: float | None = None,
                 memory_bytes: int | None = DEFAULT_MEMORY_BYTES, label: str = "the document"):
        self.timeout = timeout
        self.label = label
        self.started = time.monotonic()
        self._value: tuple[str, Any] | None = None
        if not can_fork_here():
            self.pid = None
            self._value = _outcome(func, args)
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, send the outcome, leave without any clean-up of the parent's
            code = 0
            try:
                os.close(read_end)
                _limit_memory(memory_bytes)
                payload = pickle.dumps(_outcome(func, args), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
            except BaseException:  # noqa: BLE001 - nothing may escape a forked child
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid = pid
        self._pipe = read_end

    def result(self) -> Any:
        """The call's return value; its TenderlintError re-raised; ``timeout`` past the limit."""
        if self._value is None:
            self._value = self._wait()
        kind, value = self._value
        if kind == "ok":
            return value
        raise value

    def _wait(self) -> tuple[str, Any]:
        chunks: list[bytes] = []
        deadline = None if self.timeout is None else self.started + self.timeout
        try:
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    self.kill()
                    return "error", TenderlintError(
                        "timeout", f"stopped after {self.timeout:g} s (the per-document time limit, --timeout)")
                ready, _, _ = select.select([self._pipe], [], [], left)
                if not ready:
                    continue
                chunk = os.read(self._pipe, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self._pipe)
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if chunks:
            try:
                return pickle.loads(b"".join(chunks))
            except Exception:  # noqa: BLE001 - a child cut off half-way through writing
                pass
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            message = f"the process checking {self.label} was killed (out of memory?)"
        else:
            message = f"the process checking {self.label} died ({_status_text(status)})"
        return "error", TenderlintError("internal", message)

    def kill(self) -> None:
        """Stop the child now (if it is still running) and reap it."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None


def call_with_budget(func: Callable[..., Any], *args: Any, timeout: float | None = DEFAULT_TIMEOUT,
                     memory_bytes: int | None = DEFAULT_MEMORY_BYTES, label: str = "the document") -> Any:
    """``func(*args)`` run in a forked child within ``timeout`` seconds and ``memory_bytes`` more memory."""
    return Budgeted(func, *args, timeout=timeout, memory_bytes=memory_bytes, label=label).result()


def _outcome(func: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    try:
        return "ok", func(*args)
    except TenderlintError as error:
        return "error", error
    except MemoryError:
        return "error", TenderlintError("too-large", "the document needs more memory than the per-document limit")
    except RecursionError:
        return "error", TenderlintError("too-large", "the document is nested too deeply to read")
    except Exception as error:  # noqa: BLE001 - a bug: still one coded line for this file
        return "error", TenderlintError("internal", f"{type(error).__name__}: {error}")


def _limit_memory(extra: int | None) -> None:
    """Cap this process's address space at what it maps now plus ``extra`` bytes."""
    if not extra:
        return
    try:
        import resource

        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = mapped + extra
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, ImportError):
        pass  # no /proc (macOS): no memory cap beyond the system's


def _status_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"signal {signal.Signals(number).name}"
        except ValueError:
            return f"signal {number}"
    return f"exit status {os.WEXITSTATUS(status)}"


class time_limit:
    """Raise ``error[timeout]`` in this thread once ``seconds`` have passed inside the ``with``.

    For work in this process (the check of a document parsed by a budgeted child). It interrupts
    Python code only, between bytecodes, so only work without long native calls belongs under
    it; it does nothing outside the main thread or without ``SIGALRM``.
    """

    def __init__(self, seconds: float | None, timeout: float | None = None):
        self.seconds = seconds
        self.timeout = timeout if timeout is not None else seconds
        self._active = False

    def __enter__(self) -> "time_limit":
        import threading

        if self.seconds is None or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
            return self
        if self.seconds <= 0:
            raise self._error()
        self._previous = signal.signal(signal.SIGALRM, self._expired)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        self._active = True
        return self

    def __exit__(self, *exc) -> None:
        if self._active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
            self._active = False

    def _expired(self, signum, frame) -> None:
        raise self._error()

    def _error(self) -> TenderlintError:
        return TenderlintError("timeout", f"stopped after {self.timeout:g} s (the per-document time limit, --timeout)")
