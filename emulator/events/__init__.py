"""Events, alerts and metrics: Glue's EventBridge events, EventBridge's Glue workflow and SNS targets, and
Glue's job metrics in CloudWatch, all on moto's in-process EventBridge, SNS, SQS and CloudWatch.

Domain code emits through `emit(ctx_or_scope, detail_type, detail, resources)` (bus.py) or the shapes of
glue.py and s3.py, and never imports moto.
"""

from .bus import emit

__all__ = ["emit"]
