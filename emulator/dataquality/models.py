"""Anomaly-detection models: GetDataQualityModel, GetDataQualityModelResult.

Glue trains a model per statistic only for rulesets with anomaly detection (DetectAnomalies, AWS's "Anomaly
detection in AWS Glue Data Quality"), which the emulator does not evaluate. So no model ever exists here, and
both operations answer as AWS answers when there is none: EntityNotFoundException (the one not-found error the
API reference lists for them). An unknown profile or statistic is named as such; a known one has no model.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import EntityNotFoundException
from .statistics import require_profile_statistic


def _no_model(ctx: RequestContext, params: dict[str, Any]) -> EntityNotFoundException:
    require_profile_statistic(ctx, params["ProfileId"], params.get("StatisticId"))
    return EntityNotFoundException(f"No data quality model found for profile {params['ProfileId']}"
                                   + (f" and statistic {params['StatisticId']}" if params.get("StatisticId") else ""))


def get_data_quality_model(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{Status, StartedOn, CompletedOn, FailureReason} of a model's training; never found (see the module)."""
    raise _no_model(ctx, params)


def get_data_quality_model_result(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """{CompletedOn, Model: [StatisticModelResult]} of a statistic's predictions; never found (see the module)."""
    raise _no_model(ctx, params)
