"""The job run lifecycle (RunManager); the operations on runs are in run_operations.py.

A run is stored as the JobRun shape GetJobRun returns (kind "job_run", parent = job name) and moves
STARTING -> RUNNING -> SUCCEEDED / FAILED / TIMEOUT, or -> STOPPING -> STOPPED when stopped; a run
over MaxConcurrentRuns with job run queuing waits first in WAITING (queuing.py). The
RunManager (a component) owns that lifecycle: it builds the RunSpec, hands it to the executor of
the job's command, records the outcome, starts retry attempts, and tells subscribers
(`on_run_ended`) when a run is over. Executors own processes (see executor.py).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..clock import now
from ..context import RequestContext
from ..errors import ConcurrentRunsExceededException, EntityNotFoundException, InvalidInputException
from ..logs.store import LogStore
from ..profiles import limits as usage_limits
from . import arguments as args
from . import pythonshell, queuing
from .definitions import JOB, RAY_COMMAND, RUNNABLE_COMMANDS, SPARK_COMMANDS, require_job
from .executor import Executor, RunHandle, RunOutcome, RunSpec
from .processes import memory_limit
from .run_record import COPIED_FROM_JOB, new_run, new_run_id
from .spark_tasks import aws_environment

if TYPE_CHECKING:
    from ..core import Emulator

log = logging.getLogger("glue_emulator.jobs")

JOB_RUN = "job_run"
ACTIVE_STATES = frozenset({"STARTING", "RUNNING", "STOPPING", "WAITING"})
RESTART_MESSAGE = "The emulator restarted while the run was in progress"
SHUTDOWN_MESSAGE = "The emulator shut down while the run was in progress"
# Executors enforce timeouts themselves; the lifecycle ends a run this long after its timeout if
# an executor failed to report it (a safety net, not the normal path).
_WATCHDOG_GRACE_SECONDS = 30.0
_MONITOR_INTERVAL = 1.0


class WorkflowRef(NamedTuple):
    """The workflow run a job run belongs to (its script gets --WORKFLOW_NAME/--WORKFLOW_RUN_ID)."""

    name: str
    run_id: str


@dataclass(frozen=True)
class RunEnded:
    """What `RunManager.on_run_ended` subscribers receive when a run reaches a final state."""

    scope: str  # "account/region"
    run: dict[str, Any]  # the JobRun as stored
    trigger_name: str | None
    workflow: WorkflowRef | None
    retry_run_id: str | None  # the attempt started after this FAILED run, if MaxRetries allowed one
    metrics: dict[str, int] | None = None  # the run's Spark counts when it ran with --enable-metrics


@dataclass(eq=False)
class _Active:
    ctx: RequestContext
    job_name: str
    run_id: str
    log_dir: Path
    log_files: tuple[Path, ...]
    timeout_minutes: int
    trigger_name: str | None
    workflow: WorkflowRef | None
    handle: RunHandle | None = None
    stop_requested: bool = False  # by BatchStopJobRun
    discard: bool = False  # a reset or DeleteJob wipes the run: its end records nothing
    ended: bool = False
    recorded: threading.Event = field(default_factory=threading.Event)  # its end is fully recorded
    running_since: float | None = None  # wall clock, for ExecutionTime
    deadline: float | None = None  # monotonic, for the watchdog
    started: float = field(default_factory=now)
    waiting: bool = False  # WAITING for a slot of its job (job run queuing)
    queued_at: float = field(default_factory=time.monotonic)  # the run's Timeout counts from here

    @property
    def scope_job(self) -> tuple[str, str]:
        return self.ctx.scope, self.job_name


class RunManager:
    """Starts, stops and finishes job runs for one server (a component, created at server start)."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self.settings = emulator.settings
        self.on_run_ended: list[Callable[[RunEnded], None]] = []
        self._lock = threading.RLock()
        self._active: dict[str, _Active] = {}
        self._closing = False
        self._monitor: threading.Thread | None = None
        self._wake = threading.Event()
        self._runs_dir = self.settings.data_dir / "jobs" / "runs"
        self._recover()
        self.logs = emulator.component(LogStore)  # finishes the output files a dead server left
        shutil.rmtree(self._runs_dir, ignore_errors=True)

    # -- starting ---------------------------------------------------------------------------------

    def start(
        self,
        ctx: RequestContext,
        job_name: str,
        *,
        arguments: dict[str, str] | None = None,
        overrides: dict[str, Any] | None = None,
        previous_run_id: str | None = None,
        trigger_name: str | None = None,
        workflow: WorkflowRef | None = None,
        predecessors: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Start a run of a job and return its JobRun (as first stored).

        StartJobRun calls this; so can orchestration (triggers, workflows), passing `trigger_name`
        and `workflow`. As on AWS, a run started that way is *recorded* rather than refused when it
        cannot start: ERROR for a deleted job, FAILED when the job is at MaxConcurrentRuns. With job
        run queuing (JobRunQueuingEnabled), a run over the limit is stored WAITING and starts later.
        """
        orchestrated = trigger_name is not None or workflow is not None
        job = ctx.store.get(ctx.scope, JOB, "", job_name)
        context = {"trigger_name": trigger_name, "workflow": workflow, "predecessors": predecessors}
        if job is None:
            if not orchestrated:
                raise EntityNotFoundException("Failed to start job run due to missing metadata")
            return self._record_unstarted(ctx, job_name, None, "ERROR", f"Job {job_name} does not exist", **context)
        attempt = 0
        if previous_run_id is not None:
            previous = self.require_run(ctx, job_name, previous_run_id)
            attempt = previous["Attempt"] + 1
            if arguments is None:
                arguments = previous.get("Arguments")
        run = new_run(job, new_run_id(), attempt, previous_run_id, arguments, overrides or {}, trigger_name, predecessors)
        profile, breach = usage_limits.run_violation(ctx, job, run, direct=not orchestrated)
        if profile is not None:
            run["ProfileName"] = profile
        if breach is not None:  # refused to a caller, recorded FAILED for orchestration (as AWS fails the run)
            if not orchestrated:
                raise InvalidInputException(breach)
            return self._record_unstarted(ctx, job_name, run, "FAILED", breach, **context)
        return self._start(ctx, job, run, limit=True, **context)

    def _start(
        self,
        ctx: RequestContext,
        job: dict[str, Any],
        run: dict[str, Any],
        *,
        limit: bool,
        trigger_name: str | None,
        workflow: WorkflowRef | None,
        predecessors: list[dict[str, str]] | None,
    ) -> dict[str, Any]:
        """Store and launch `run` (a new_run record of `job`), or queue it, or refuse it over MaxConcurrentRuns."""
        name, most = job["Name"], job["ExecutionProperty"]["MaxConcurrentRuns"]
        with self._lock:
            full = limit and self._busy(ctx.scope, name) >= most
            # A run that may queue also queues behind runs already waiting, so none jumps the line.
            line = any(a.waiting and a.scope_job == (ctx.scope, name) for a in self._active.values())
            queue = limit and queuing.queuing_enabled(run) and (full or line)
            over_limit = full and not queue
            if queue:
                run.update(JobRunState="WAITING", StateDetail=queuing.state_detail(name, most))
                queuing.remember(ctx.store, ctx.scope, name, run["Id"], workflow)
            if not over_limit:
                active = self._register(ctx, run, trigger_name, workflow)
                active.waiting = queue
        if queue:
            self._ensure_monitor()  # it times out runs that wait too long, and starts them when it can
            return run
        if over_limit:
            message = f"Concurrent runs exceeded for {name}"
            if trigger_name is None and workflow is None:
                raise ConcurrentRunsExceededException(message)
            return self._record_unstarted(ctx, name, run, "FAILED", message, trigger_name, workflow, predecessors)
        self._launch(active, job, run)
        return run

    def _busy(self, scope: str, job_name: str) -> int:
        """Runs of a job holding a slot (all in progress but the WAITING ones); lock held."""
        return sum(1 for a in self._active.values() if a.scope_job == (scope, job_name) and not a.waiting)

    def _register(
        self, ctx: RequestContext, run: dict[str, Any], trigger_name: str | None, workflow: WorkflowRef | None
    ) -> _Active:
        """Store a new run and count it as in progress (called under the lock, so limits hold)."""
        run_id, name = run["Id"], run["JobName"]
        log_dir = self._runs_dir / run_id
        active = _Active(
            ctx, name, run_id, log_dir, (log_dir / "output", log_dir / "error"), run["Timeout"], trigger_name, workflow
        )
        self._active[run_id] = active
        ctx.store.put(ctx.scope, JOB_RUN, name, run_id, run)
        return active

    def _record_unstarted(
        self,
        ctx: RequestContext,
        job_name: str,
        run: dict[str, Any] | None,
        state: str,
        message: str,
        trigger_name: str | None,
        workflow: WorkflowRef | None,
        predecessors: list[dict[str, str]] | None,
    ) -> dict[str, Any]:
        """A run that never started (orchestration only): stored in its final state at once."""
        stamp = now()
        if run is None:
            run = {"Id": new_run_id(), "Attempt": 0, "JobName": job_name, "StartedOn": stamp}
            if trigger_name:
                run["TriggerName"] = trigger_name
            run.update(PredecessorRuns=predecessors or [], ExecutionTime=0)
        run.update(JobRunState=state, ErrorMessage=message, LastModifiedOn=stamp, CompletedOn=stamp)
        ctx.store.put(ctx.scope, JOB_RUN, job_name, run["Id"], run)
        self._announce(RunEnded(ctx.scope, run, trigger_name, workflow, None))
        return run

    def _launch(self, active: _Active, job: dict[str, Any], run: dict[str, Any]) -> None:
        """Hand the run to its executor; a run that cannot start ends FAILED with the reason."""
        scope, group = active.ctx.scope, run["LogGroupName"]
        try:
            for path, suffix in zip(active.log_files, ("output", "error")):
                self.logs.follow(scope, f"{group}/{suffix}", active.run_id, path)
            executor = self._executor(job["Command"]["Name"])  # first: a command that cannot run says so
            handle = executor.submit(self._spec(active, job, run), lambda outcome: self._end(active, outcome))
        except args.RunSetupError as exc:
            self._end(active, RunOutcome("FAILED", str(exc)))
            return
        except Exception as exc:  # an executor that cannot take the run must not leave it STARTING
            log.exception("cannot start run %s", active.run_id)
            self._end(active, RunOutcome("FAILED", f"{type(exc).__name__}: {exc}"))
            return
        with self._lock:
            active.handle = handle
            if active.ended:
                return
            stop = active.stop_requested or active.discard or self._closing
            if not stop:
                active.running_since = now()
                active.deadline = active.queued_at + self._timeout_seconds(active.timeout_minutes)
                self._update(active, JobRunState="RUNNING")
            self._ensure_monitor()
        if stop:
            handle.stop()

    def _timeout_seconds(self, minutes: int) -> float:
        return minutes * 60 / self.settings.time_scale

    def _spec(self, active: _Active, job: dict[str, Any], run: dict[str, Any]) -> RunSpec:
        ctx, data_dir = active.ctx, self.settings.data_dir
        arguments = args.run_arguments(job, run.get("Arguments"), active.run_id, ctx.scope, active.workflow)
        script = args.script_path(data_dir, job, arguments)
        extra = args.extra_py_files(data_dir, arguments)
        args.check_python_modules(arguments)
        args.check_datalake_formats(job["Command"]["Name"], arguments)
        # boto3 inside the script reaches this emulator, as the caller's account and region, unchanged.
        env = aws_environment(self.settings, ctx.account, ctx.region)
        return RunSpec(
            run_id=active.run_id,
            job_name=active.job_name,
            command=job["Command"]["Name"],
            script=script,
            argv=args.argv(script, arguments),
            env=env,
            # what is left of the Timeout after any time spent WAITING (at least a moment, to start at all)
            timeout_seconds=max(0.001, active.queued_at + self._timeout_seconds(active.timeout_minutes)
                                - time.monotonic()),
            log_dir=active.log_dir,
            extra_py_files=extra,
            extra_jars=args.extra_jars(data_dir, arguments) if job["Command"]["Name"] != "pythonshell" else [],
            spark_conf=args.spark_conf(arguments),
            python_version=job["Command"].get("PythonVersion", "3"),
            memory_bytes=memory_limit(run.get("MaxCapacity")) if job["Command"]["Name"] == "pythonshell" else None,
        )

    def _executor(self, command: str) -> Executor:
        """pythonshell in plain Python, glueetl and gluestreaming on the Spark pool; other commands cannot run."""
        if command == "pythonshell":
            return self.emulator.component(pythonshell.PythonShellExecutor)
        if command == RAY_COMMAND:
            raise args.RunSetupError(
                "glue-emulator cannot run glueray (Ray) jobs: it has no Ray runtime. "
                "Run the script with Ray locally, or make it a glueetl or pythonshell job."
            )
        if command not in SPARK_COMMANDS:
            raise args.RunSetupError(
                f"glue-emulator cannot run a job whose Command.Name is '{command}': "
                f"it runs {', '.join(RUNNABLE_COMMANDS)} jobs."
            )
        try:
            from .spark_pool import SparkPool
        except ImportError as exc:
            raise args.RunSetupError(f"{command} runs need the Spark pool, which cannot be loaded: {exc}") from None
        return self.emulator.component(SparkPool)

    # -- ending -----------------------------------------------------------------------------------

    def _end(self, active: _Active, outcome: RunOutcome) -> None:
        """Record a run's outcome once: final state, logs, retry, subscribers."""
        with self._lock:
            if active.ended:
                return
            active.ended = True
            self._active.pop(active.run_id, None)
            closing = self._closing
        try:
            self._record_end(active, outcome, closing)
        finally:
            active.recorded.set()
        if not closing:
            self._promote(*active.scope_job)

    def _record_end(self, active: _Active, outcome: RunOutcome, closing: bool) -> None:
        if active.discard:
            for path in active.log_files:
                self.logs.forget(path)
            shutil.rmtree(active.log_dir, ignore_errors=True)
            return
        state, message = outcome.state, outcome.error_message
        if closing and state == "STOPPED" and not active.stop_requested:
            state, message = "FAILED", SHUTDOWN_MESSAGE
        if state == "TIMEOUT" and not message:
            message = f"Job run timed out after {active.timeout_minutes} minutes"
        for path in active.log_files:
            self.logs.finish(path)
        shutil.rmtree(active.log_dir, ignore_errors=True)
        completed = now()
        queuing.forget(active.ctx.store, active.ctx.scope, active.job_name, active.run_id)
        changes: dict[str, Any] = {
            "JobRunState": state,
            "CompletedOn": completed,
            "ExecutionTime": round(completed - active.running_since) if active.running_since else 0,
            "StateDetail": None,  # it explained a wait that is over
        }
        if message:
            changes["ErrorMessage"] = message
        run = self._update(active, **changes)
        if run is None or closing:  # the job was deleted meanwhile, or the server is going away
            return
        retry_id = self._retry(active, run) if state == "FAILED" else None
        self._announce(RunEnded(active.ctx.scope, run, active.trigger_name, active.workflow, retry_id, outcome.metrics))

    def _retry(self, active: _Active, run: dict[str, Any]) -> str | None:
        """Start the next attempt of a FAILED run when the job's MaxRetries allow (never after TIMEOUT/STOPPED)."""
        ctx = active.ctx
        job = ctx.store.get(ctx.scope, JOB, "", active.job_name)
        if job is None or run["Attempt"] >= job["MaxRetries"]:
            return None
        attempt = run["Attempt"] + 1
        retry_id = f"{run['Id'].split('_attempt_')[0]}_attempt_{attempt}"
        if "WorkerType" in run:
            overrides = {"WorkerType": run["WorkerType"], "NumberOfWorkers": run["NumberOfWorkers"]}
        else:
            overrides = {"MaxCapacity": run["MaxCapacity"]}
        overrides["Timeout"] = run["Timeout"]
        overrides.update({m: run[m] for m in COPIED_FROM_JOB if m in run})
        try:
            retry = new_run(
                job, retry_id, attempt, run["Id"], run.get("Arguments"), overrides, active.trigger_name,
                run["PredecessorRuns"],
            )
            self._start(
                ctx,
                job,
                retry,
                limit=False,
                trigger_name=active.trigger_name,
                workflow=active.workflow,
                predecessors=run["PredecessorRuns"],
            )
        except Exception:  # e.g. the job was changed into one the run's settings no longer fit
            log.exception("cannot start attempt %d of %s", attempt, run["Id"])
            return None
        return retry_id

    def _announce(self, event: RunEnded) -> None:
        for callback in list(self.on_run_ended):
            try:
                callback(event)
            except Exception:
                log.exception("on_run_ended subscriber failed for %s", event.run["Id"])

    def _update(self, active: _Active, **changes: Any) -> dict[str, Any] | None:
        ctx = active.ctx
        with ctx.store.transaction():
            run = ctx.store.get(ctx.scope, JOB_RUN, active.job_name, active.run_id)
            if run is None:
                return None
            run.update({k: v for k, v in changes.items() if v is not None})
            for member in [k for k, v in changes.items() if v is None]:  # None removes a member
                run.pop(member, None)
            run["LastModifiedOn"] = changes.get("CompletedOn") or now()
            ctx.store.put(ctx.scope, JOB_RUN, active.job_name, active.run_id, run)
        return run

    # -- stopping ---------------------------------------------------------------------------------

    def stop(self, ctx: RequestContext, job_name: str, run_id: str) -> bool:
        """Ask a run in progress to stop (STOPPING, then STOPPED; a WAITING one is STOPPED at once);
        False when it is not in progress."""
        with self._lock:
            active = self._active.get(run_id)
            if active is None or active.ctx.scope != ctx.scope or active.job_name != job_name:
                return False
            if active.stop_requested:
                return True
            active.stop_requested = True
            waited, active.waiting = active.waiting, False
            handle = active.handle
            if not waited:
                self._update(active, JobRunState="STOPPING")
        if waited:  # it never ran: nothing to stop but its place in line
            self._end(active, RunOutcome("STOPPED"))
        elif handle is not None:  # else the run is still being handed to its executor: _launch stops it
            handle.stop()
        return True

    def _stop_all(self, actives: list[_Active], discard: bool, wait: float) -> None:
        with self._lock:
            for active in actives:
                active.discard = active.discard or discard
            waiting = [a for a in actives if a.waiting]
            for active in waiting:
                active.waiting = False
        for active in waiting:
            self._end(active, RunOutcome("STOPPED"))
        for active in actives:
            if active.handle is not None:
                active.handle.stop()
        deadline = time.monotonic() + wait
        for active in actives:
            active.recorded.wait(max(0.0, deadline - time.monotonic()))

    def forget_job(self, ctx: RequestContext, job_name: str) -> None:
        """DeleteJob: stop the job's runs in progress and drop its run history."""
        with self._lock:
            actives = [a for a in self._active.values() if a.ctx.scope == ctx.scope and a.job_name == job_name]
        self._stop_all(actives, discard=True, wait=10.0)
        ctx.store.delete_under(ctx.scope, JOB_RUN, job_name)
        ctx.store.delete_under(ctx.scope, queuing.JOB_RUN_WAITING, job_name)

    # -- job run queuing --------------------------------------------------------------------------

    def _promote(self, scope: str, job_name: str) -> None:
        """Start the WAITING runs of a job that free slots allow, oldest first (WAITING -> STARTING)."""
        job = self.emulator.store.get(scope, JOB, "", job_name)
        with self._lock:
            if self._closing or job is None:  # a deleted job's runs are stopped by forget_job
                return
            line = sorted((a for a in self._active.values() if a.waiting and a.scope_job == (scope, job_name)),
                          key=lambda a: a.queued_at)
            chosen = line[: max(0, job["ExecutionProperty"]["MaxConcurrentRuns"] - self._busy(scope, job_name))]
            for active in chosen:
                active.waiting = False
        for active in chosen:
            queuing.forget(active.ctx.store, scope, job_name, active.run_id)
            run = self._update(active, JobRunState="STARTING", StateDetail=None)
            if run is not None:
                self._launch(active, job, run)

    def _expire_waiting(self, moment: float) -> None:
        """End TIMEOUT the WAITING runs whose Timeout ran out before a slot freed."""
        with self._lock:
            expired = [a for a in self._active.values()
                       if a.waiting and moment > a.queued_at + self._timeout_seconds(a.timeout_minutes)]
            for active in expired:
                active.waiting = False
        for active in expired:
            self._end(active, RunOutcome("TIMEOUT"))

    # -- reading ----------------------------------------------------------------------------------

    def require_run(self, ctx: RequestContext, job_name: str, run_id: str) -> dict[str, Any]:
        require_job(ctx, job_name)
        run = ctx.store.get(ctx.scope, JOB_RUN, job_name, run_id)
        if run is None:
            raise EntityNotFoundException(f"Job run {run_id} not found")
        return run

    # -- background: output of runs in progress, the timeout safety net --------------------------

    def _ensure_monitor(self) -> None:
        with self._lock:
            if self._monitor is None and not self._closing:
                self._monitor = threading.Thread(target=self._watch, name="job-run-monitor", daemon=True)
                self._monitor.start()

    def _watch(self) -> None:
        while True:
            with self._lock:
                actives = list(self._active.values())
                if not actives or self._closing:
                    self._monitor = None
                    return
            self.logs.sync()
            moment = time.monotonic()
            for active in actives:
                if active.deadline is not None and moment > active.deadline + _WATCHDOG_GRACE_SECONDS:
                    log.warning("run %s outlived its timeout without its executor ending it", active.run_id)
                    # Ended first: the executor reports a stopped run STOPPED, which must not take TIMEOUT's place.
                    self._end(active, RunOutcome("TIMEOUT"))
                    if active.handle is not None:
                        active.handle.stop()
            self._expire_waiting(moment)
            for scope, job_name in {a.scope_job for a in actives if a.waiting}:  # after a restart, or a raised limit
                self._promote(scope, job_name)
            self._wake.wait(_MONITOR_INTERVAL)

    # -- server lifecycle -------------------------------------------------------------------------

    def _recover(self) -> None:
        """Runs a previous server process left in progress end now, with a message saying why.

        WAITING runs outside workflows wait on (the store is the truth): they start as slots free,
        their Timeout still counted from their start.
        """
        store = self.emulator.store
        requeued = False
        for scope, job_name, run_id, run in store.list_scopes(JOB_RUN):
            if run["JobRunState"] not in ACTIVE_STATES:
                continue
            if run["JobRunState"] == "WAITING" and queuing.requeueable(store, scope, job_name, run_id):
                self._requeue(scope, run)
                requeued = True
                continue
            queuing.forget(store, scope, job_name, run_id)
            pythonshell.kill_orphan(self._runs_dir / run_id)
            stamp = now()
            run.update(
                JobRunState="STOPPED" if run["JobRunState"] == "STOPPING" else "FAILED",
                ErrorMessage=RESTART_MESSAGE,
                ExecutionTime=round(max(0.0, run["LastModifiedOn"] - run["StartedOn"])),
                LastModifiedOn=stamp,
                CompletedOn=stamp,
            )
            store.put(scope, JOB_RUN, job_name, run_id, run)
        if requeued:  # once the server is up (the orchestration engine listens for their ends by then)
            timer = threading.Timer(_MONITOR_INTERVAL, self._ensure_monitor)
            timer.daemon = True
            timer.start()

    def _requeue(self, scope: str, run: dict[str, Any]) -> None:
        account, _, region = scope.partition("/")
        ctx = RequestContext(account, region, f"requeue-{run['Id']}", self.emulator)
        log_dir = self._runs_dir / run["Id"]
        waited = max(0.0, now() - run["StartedOn"])
        self._active[run["Id"]] = _Active(
            ctx, run["JobName"], run["Id"], log_dir, (log_dir / "output", log_dir / "error"), run["Timeout"],
            run.get("TriggerName"), None, waiting=True, queued_at=time.monotonic() - waited,
        )

    def reset(self) -> None:
        """Emulator reset: runs in progress are stopped and leave nothing behind."""
        with self._lock:
            actives = list(self._active.values())
        self._stop_all(actives, discard=True, wait=10.0)
        shutil.rmtree(self._runs_dir, ignore_errors=True)

    def shutdown(self) -> None:
        """Server shutdown: runs in progress end FAILED (a restart would find them so anyway); WAITING
        runs stay WAITING in the store, for the next server to start."""
        with self._lock:
            self._closing = True
            actives = [a for a in self._active.values() if not a.waiting]
        self._wake.set()
        self._stop_all(actives, discard=False, wait=5.0)
