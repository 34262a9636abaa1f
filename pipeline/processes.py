"""The mechanics of the processes the pipeline starts: its own Python helpers
(the batch's workers, the file writers) and outside programs (LibreOffice).

Starting one, tying it to its parent's life, asking whether one lives, what
its exit meant, how much memory it holds, and ending it and its group. What a
process does, and the protocol it speaks, stays with the module that starts it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1                  # prctl(2): the signal a process gets when its parent dies
# the folder that holds this copy of the package: a child imports the same code
PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def start_python_module(module: str, *args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    """``python -m module args`` with this interpreter, as a process of its own
    (not a fork of this one, which may hold threads and an open store) that
    imports this copy of the package. ``env``: its environment (this one's by
    default); ``popen``: the pipes and the rest, as for :class:`subprocess.Popen`."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = PACKAGE_PARENT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.Popen([sys.executable, "-m", module, *args], env=env, **popen)


def _prctl():
    """Linux's prctl, or None on a system without it."""
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent() -> bool:
    """Have the kernel kill this process (SIGKILL) when its parent dies, however
    the parent dies. False when the parent is gone already (this process should
    end); True otherwise, also where the kernel cannot do it."""
    parent = os.getppid()
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    return os.getppid() == parent        # the parent may have died before the signal was armed


def dies_with_this_process():
    """A ``preexec_fn`` for :class:`subprocess.Popen` (None where the kernel
    cannot do it): the child is killed when the process that started it dies,
    so a worker killed in the middle of a conversion leaves no program running."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:        # the parent died before the signal was armed
            os._exit(1)
    return arm


def alive(pid: int) -> bool:
    """Whether a process runs with this pid (True when there is no way to tell:
    another user's process)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def kill_quietly(pid: int, group: bool = False) -> None:
    """SIGKILL to a process (``group``: to a process group), which may be gone already."""
    try:
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)
    except OSError:
        pass


def exit_reason(code: int) -> str:
    """A process's exit status in words: ``exit code 1``, ``killed by SIGKILL``."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def resident_mb(pid: int) -> float:
    """A process's resident memory in MB (Linux; 0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def send_line(proc: subprocess.Popen, line: str | None) -> bool:
    """Write one line to a child's input (None: nothing more, its input
    closes). False when the child is gone."""
    stdin = proc.stdin
    assert stdin is not None            # (the children are started with a pipe as their input)
    try:
        if line is not None:
            stdin.write(line.encode("utf-8") + b"\n")
            stdin.flush()
        else:
            stdin.close()
        return True
    except OSError:
        return False


def end(proc: subprocess.Popen, wait: float | None = 10.0) -> int | None:
    """Kill a child that still runs, reap it (waiting at most ``wait`` seconds;
    None: as long as it takes) and close the pipes to it. Its exit status, None
    when it had not ended within ``wait``."""
    if proc.poll() is None:
        try:
            proc.kill()
        except OSError:
            pass
    try:
        code = proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        code = None
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass
    return code


def end_group(proc: subprocess.Popen, wait: float = 10.0) -> None:
    """Kill a child started in a session of its own (``start_new_session``) with
    every process of its group, and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    try:
        proc.communicate(timeout=wait)
    except Exception:
        pass
