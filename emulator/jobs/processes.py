"""A run's processes and memory: its whole process tree ends with it, and the memory Glue gives it.

Process trees: a script may start processes that leave its process group and session (`setsid`,
double forks, daemons), so killing the group is not enough. A run's root process makes itself a
*child subreaper* (Linux prctl), so orphans below it are re-parented to it instead of to init and stay
findable; `descendants()` walks /proc (parent links) from the root, and `kill_tree()` ends them all.
This works as root and as any user, without cgroups. Outside Linux only the process group is killed.

Memory (AWS: "A DPU ... consists of 4 vCPUs of compute capacity and 16 GB of memory"; a Python shell
job takes 0.0625 DPU (1 GB) or 1 DPU (16 GB)): `memory_limit()` gives the bytes of a capacity.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from pathlib import Path

# AWS Glue: one DPU is 4 vCPUs and 16 GB of memory.
DPU_MEMORY_BYTES = 16 * 1024**3
# Linux prctl option: orphaned descendants are re-parented to the calling process.
_PR_SET_CHILD_SUBREAPER = 36


def memory_limit(max_capacity: float | None) -> int | None:
    """The memory (bytes) of a Python shell run of `max_capacity` DPUs: 0.0625 -> 1 GiB, 1 -> 16 GiB."""
    if not max_capacity or max_capacity <= 0:
        return None
    return int(max_capacity * DPU_MEMORY_BYTES)


def describe_bytes(size: int) -> str:
    """1073741824 -> '1 GB', 536870912 -> '512 MB' (binary units, as AWS writes GB for DPUs)."""
    if size % (1 << 30) == 0:
        return f"{size >> 30} GB"
    return f"{size >> 20} MB"


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children(pid: int) -> list[int] | None:
    """The direct children of `pid` from /proc/<pid>/task/*/children (no scan of every process), [] when
    it is gone, None when the kernel does not offer these files (CONFIG_PROC_CHILDREN)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return []
    except OSError:
        return None
    found: list[int] = []
    for task in tasks:
        try:
            found += [int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{pid}/task/{task}"):
                continue  # the thread ended meanwhile
            return None
        except OSError:
            continue
    return found


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process, from /proc/<pid>/stat (where children files are missing)."""
    parents: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return parents
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # The command name (field 2) is in parentheses and may hold spaces: parse after its end.
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry)] = int(fields[1])
    return parents


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (its children files, else one scan of every process)."""
    found = _children(pid)
    if found is None:
        found = [child for child, parent in _parents().items() if parent == pid]
    return found


def descendants(root: int, exclude: frozenset[int] = frozenset()) -> list[int]:
    """Every process below `root` (not `root` itself), leaving out the subtrees of `exclude`."""
    index: dict[int, list[int]] | None = None
    found: list[int] = []
    stack = [root]
    while stack:
        pid = stack.pop()
        children = _children(pid)
        if children is None:  # no children files: one scan of every process instead
            if index is None:
                index = {}
                for child, parent in _parents().items():
                    index.setdefault(parent, []).append(child)
            children = index.get(pid, [])
        below = [child for child in children if child not in exclude]
        found += below
        stack += below
    return found


def kill_tree(root: int, signum: int = signal.SIGKILL, include_root: bool = True,
              exclude: frozenset[int] = frozenset()) -> list[int]:
    """Send `signum` to every process below `root` (and to `root`), repeating while new ones appear
    (a process may fork while the tree is walked); the pids signalled."""
    signalled: list[int] = []
    for _attempt in range(5):
        found = [pid for pid in descendants(root, exclude) if pid not in signalled]
        if not found:
            break
        for pid in found:
            try:
                os.kill(pid, signum)
            except OSError:  # gone meanwhile
                pass
        signalled += found
        if signum != signal.SIGKILL:
            break  # processes asked to stop may still fork while ending: only SIGKILL loops
    if include_root:
        try:
            os.kill(root, signum)
        except OSError:
            pass
    return signalled


def reap(pids: list[int], timeout: float = 2.0) -> None:
    """Collect the exit status of killed processes that are our children (no zombies left behind)."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        while True:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not our child, or already collected
                break
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.01)
