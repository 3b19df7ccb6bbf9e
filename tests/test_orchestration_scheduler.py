"""The scheduler: SCHEDULED triggers (alone and as workflow starts) at their cron times with a clock
the test drives, EVENT batch windows, and a real server whose sped-up clock fires a schedule before
and after a restart."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from support import ROLE, Glue, wait_until
from support import shell_job_in_process as shell_job

from emulator.config import Settings
from emulator.context import RequestContext
from emulator.core import Emulator
from emulator.crawlers import crawlers
from emulator.jobs.runs import JOB_RUN
from emulator.orchestration import triggers, workflows
from emulator.orchestration.common import EVENT_BATCH, WORKFLOW_RUN, Clock
from emulator.orchestration.events import EventBatcher
from emulator.orchestration.scheduler import Schedule, Scheduler
from emulator.testing import EmulatorServer


def job_runs(ctx: RequestContext, job: str) -> list[dict[str, Any]]:
    return [run for _, run in ctx.store.list(ctx.scope, JOB_RUN, job)]


def workflow_runs(ctx: RequestContext, workflow: str) -> list[dict[str, Any]]:
    runs = [doc["Run"] for _, doc in ctx.store.list(ctx.scope, WORKFLOW_RUN, workflow)]
    return sorted(runs, key=lambda r: r["StartedOn"])


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in 2099, where the real clock of the scheduler's own thread never gets."""
    return datetime(2099, 1, day, hour, minute, tzinfo=UTC)


def test_a_scheduled_trigger_fires_at_its_times_and_only_when_activated(emulator, ctx):
    scheduler = emulator.component(Scheduler)
    shell_job(ctx, "nightly")
    schedule = "cron(0 12 * * ? 2099)"
    noon = {"Name": "noon", "Type": "SCHEDULED", "Schedule": schedule, "Actions": [{"JobName": "nightly"}]}
    triggers.create_trigger(ctx, noon)
    assert scheduler.fire_due(at(1, 11)) == []
    assert scheduler.fire_due(at(1, 12)) == []  # CREATED: does nothing until started
    triggers.start_trigger(ctx, {"Name": "noon"})
    key = Schedule(ctx.scope, "trigger", "noon", schedule)
    assert scheduler.fire_due(at(1, 11, 59)) == []
    assert scheduler.next_times()[key] == at(1, 12)
    assert scheduler.fire_due(at(1, 12)) == [key]
    assert scheduler.fire_due(at(1, 12, 1)) == []
    runs = job_runs(ctx, "nightly")
    assert [(r["TriggerName"], r["JobRunState"]) for r in runs] == [("noon", "FAILED")]  # its script is missing
    # Days missed are not made up for: one firing, then the next time after the late pass.
    assert scheduler.fire_due(at(5, 12, 30)) == [key]
    assert scheduler.next_times()[key] == at(6, 12)
    assert len(job_runs(ctx, "nightly")) == 2
    triggers.stop_trigger(ctx, {"Name": "noon"})
    assert scheduler.fire_due(at(6, 12)) == []
    assert key not in scheduler.next_times()


def test_a_crawler_schedule_starts_crawls_while_it_is_scheduled(emulator, ctx):
    scheduler = emulator.component(Scheduler)
    schedule = "cron(30 6 ? * MON-FRI 2099)"
    targets = {"S3Targets": [{"Path": "s3://data/none/"}]}
    (emulator.settings.data_dir / "s3" / "data").mkdir(parents=True)  # the target's bucket must exist
    crawlers.create_crawler(ctx, {"Name": "daily", "Role": ROLE, "Targets": targets, "Schedule": schedule})
    key = Schedule(ctx.scope, "crawler", "daily", schedule)

    def crawls_when_ready() -> int:
        """How many crawls the crawler has made, once none is in progress."""
        crawls = wait_until(
            lambda: crawlers.list_crawls(ctx, {"CrawlerName": "daily"})["Crawls"],
            "the crawl in progress to end",
            until=lambda crawls: crawls and crawls[0]["State"] != "RUNNING",
        )
        assert crawlers.get_crawler(ctx, {"Name": "daily"})["Crawler"]["State"] == "READY"
        return len(crawls)

    # Before the expression's first time (Thursday 2099-01-01 06:30) whoever sees it first, this test
    # or the scheduler's own thread, computes the same next time.
    assert scheduler.fire_due(datetime(2098, 12, 31, 23, 0, tzinfo=UTC)) == []
    assert scheduler.fire_due(at(1, 6, 30)) == [key]
    assert crawls_when_ready() == 1
    assert scheduler.fire_due(at(2, 6, 30)) == [key]  # Friday
    assert scheduler.next_times()[key] == at(5, 6, 30)  # the weekend is skipped
    assert crawls_when_ready() == 2
    crawlers.stop_crawler_schedule(ctx, {"CrawlerName": "daily"})
    assert scheduler.fire_due(at(5, 6, 30)) == []


def test_a_scheduled_workflow_start_over_the_limit_records_an_error_run(emulator, ctx):
    scheduler = emulator.component(Scheduler)
    shell_job(ctx, "slow", "import time\ntime.sleep(20)\n")
    workflows.create_workflow(ctx, {"Name": "wf", "MaxConcurrentRuns": 1})
    schedule = "cron(0/30 * * * ? 2099)"
    triggers.create_trigger(
        ctx,
        {
            "Name": "every_half_hour",
            "WorkflowName": "wf",
            "Type": "SCHEDULED",
            "Schedule": schedule,
            "StartOnCreation": True,
            "Actions": [{"JobName": "slow"}],
        },
    )
    assert scheduler.fire_due(datetime(2098, 12, 31, 23, 59, tzinfo=UTC)) == []
    assert [s.name for s in scheduler.fire_due(at(1, 0, 0))] == ["every_half_hour"]
    assert [s.name for s in scheduler.fire_due(at(1, 0, 30))] == ["every_half_hour"]
    first, second = workflow_runs(ctx, "wf")
    assert first["Status"] == "RUNNING"
    assert (second["Status"], second["ErrorMessage"]) == ("ERROR", "Concurrent runs exceeded for workflow: wf")
    assert second["CompletedOn"] >= second["StartedOn"]
    workflows.stop_workflow_run(ctx, {"Name": "wf", "RunId": first["WorkflowRunId"]})


def test_an_event_batch_window_starts_a_run_when_it_closes(emulator, ctx):
    batcher = emulator.component(EventBatcher)
    shell_job(ctx, "on_files")
    workflows.create_workflow(ctx, {"Name": "wf"})
    triggers.create_trigger(
        ctx,
        {
            "Name": "files",
            "WorkflowName": "wf",
            "Type": "EVENT",
            "StartOnCreation": True,
            "EventBatchingCondition": {"BatchSize": 10, "BatchWindow": 60},
            "Actions": [{"JobName": "on_files"}],
        },
    )
    assert batcher.deliver(ctx, "wf", {"id": "e1"})["Status"] == "BATCHED"
    assert batcher.deliver(ctx, "wf", {"id": "e2"})["BatchedEvents"] == 2
    opened = datetime.fromtimestamp(ctx.store.get(ctx.scope, EVENT_BATCH, "", "files")["FirstEventAt"], UTC)
    batcher.close_windows(opened + timedelta(seconds=59))
    assert workflow_runs(ctx, "wf") == []
    batcher.close_windows(opened + timedelta(seconds=60))
    (run,) = workflow_runs(ctx, "wf")
    assert run["StartingEventBatchCondition"] == {"BatchWindow": 60}
    assert run["WorkflowRunProperties"] == {"aws:eventIds": '["e1", "e2"]'}
    assert ctx.store.get(ctx.scope, EVENT_BATCH, "", "files") is None


def test_a_real_server_fires_a_schedule_before_and_after_a_restart(tmp_path):
    """With the clock 600 times as fast, `every 5 minutes` is every half second."""
    # No Spark drivers warmed: the job is a pythonshell one.
    env = {"GLUE_EMULATOR_TIME_SCALE": "600", "GLUE_EMULATOR_VALIDATE_RESPONSES": "1", "GLUE_EMULATOR_SPARK_PREWARM": "0"}
    server = EmulatorServer(tmp_path / "data", env=env).start()
    try:
        glue = Glue(server.client("glue"), server.client("s3"))
        glue.job("tick")
        glue.trigger("every_5_minutes", "SCHEDULED", ["tick"], Schedule="cron(0/5 * * * ? *)", StartOnCreation=True)
        # A loaded machine may take seconds to start each pythonshell script (coverage measures it too).
        first = glue.wait_runs("tick", 1, timeout=60)
        assert first and first[0]["TriggerName"] == "every_5_minutes"
        server.stop()
        server.start()
        glue = Glue(server.client("glue"), server.client("s3"))
        fired = len(glue.runs("tick"))
        assert len(glue.wait_runs("tick", fired + 1, timeout=60)) > fired
        glue.api.stop_trigger(Name="every_5_minutes")
    finally:
        server.stop()


def test_time_moves_with_the_time_scale(tmp_path):
    fast = Emulator(Settings(data_dir=tmp_path / "fast", durable=False, spark_prewarm=False, time_scale=600))
    try:
        clock = fast.component(Clock)
        before, real = clock.now(), time.time()
        time.sleep(0.1)
        elapsed = (clock.now() - before).total_seconds()
        assert 55 <= elapsed <= 600 * (time.time() - real) + 1
    finally:
        fast.shutdown()
