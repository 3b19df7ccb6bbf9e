"""DQDL's rule types: their parameters, what condition each takes, and where clauses and thresholds.

The table follows the Glue developer guide's "DQDL rule type reference" and AWS's open-source DQDL library
(rules-config.json): a rule type is found by its name and its number of parameters; a type whose last parameter
is variadic takes one or more of it.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a rule's condition may compare: NUMBER (numeric expressions, dynamic functions), STRING (quoted strings,
# NULL/EMPTY/WHITESPACES_ONLY, matches), DATE (dates, times, now() arithmetic), DURATION ("3 days"), SIZE ("5 GB"),
# BOOLEAN (no condition at all).
NUMBER, STRING, DATE, DURATION, SIZE, BOOLEAN = "NUMBER", "STRING", "DATE", "DURATION", "SIZE", "BOOLEAN"


@dataclass(frozen=True)
class RuleType:
    name: str
    parameters: tuple[str, ...]
    returns: tuple[str, ...]
    var_arg: bool = False
    where: bool = False
    threshold: bool = False
    analyzer: bool = True  # may appear in the Analyzers section
    analyzer_only: bool = False
    row_level: bool = False  # gives a pass/fail per row

    def accepts(self, count: int) -> bool:
        return count >= len(self.parameters) if self.var_arg else count == len(self.parameters)


def _t(name: str, params: str, returns: str, **flags: bool) -> RuleType:
    return RuleType(name, tuple(params.split()), tuple(returns.split("|")), **flags)


RULE_TYPES: tuple[RuleType, ...] = (
    _t("RowCount", "", NUMBER, where=True),
    _t("RowCountMatch", "ReferenceDatasetAlias", NUMBER, analyzer=False),
    _t("ColumnCount", "", NUMBER),
    _t("Completeness", "TargetColumn", NUMBER, where=True, row_level=True),
    _t("IsComplete", "TargetColumn", BOOLEAN, where=True, analyzer=False, row_level=True),
    _t("ColumnDataType", "TargetColumn", STRING, where=True, threshold=True, analyzer=False, row_level=True),
    _t("ColumnNamesMatchPattern", "PatternToMatch", BOOLEAN, analyzer=False),
    _t("ColumnExists", "TargetColumn", BOOLEAN, analyzer=False),
    _t("ColumnCorrelation", "TargetColumn1 TargetColumn2", NUMBER, where=True),
    _t("Uniqueness", "TargetColumn", NUMBER, var_arg=True, where=True, row_level=True),
    _t("IsUnique", "TargetColumn", BOOLEAN, var_arg=True, where=True, analyzer=False, row_level=True),
    _t("Mean", "TargetColumn", NUMBER, where=True),
    _t("Sum", "TargetColumn", NUMBER, where=True),
    _t("StandardDeviation", "TargetColumn", NUMBER, where=True),
    _t("Variance", "TargetColumn", NUMBER, where=True),
    _t("Entropy", "TargetColumn", NUMBER, where=True),
    _t("DistinctValuesCount", "TargetColumn", NUMBER, where=True),
    _t("UniqueValueRatio", "TargetColumn", NUMBER, where=True),
    _t("ColumnLength", "TargetColumn", NUMBER, where=True, threshold=True, row_level=True),
    _t("IsPrimaryKey", "TargetColumn", BOOLEAN, var_arg=True, where=True, analyzer=False, row_level=True),
    _t("ColumnValues", "TargetColumn", f"{STRING}|{NUMBER}|{DATE}", where=True, threshold=True, row_level=True),
    _t("DataFreshness", "TargetColumn", DURATION, where=True, analyzer=False, row_level=True),
    _t("CustomSql", "CustomSqlStatement", f"{NUMBER}|{BOOLEAN}", threshold=True, row_level=True),
    _t("ReferentialIntegrity", "PrimaryDatasetColumns ReferenceDatasetColumns", NUMBER, analyzer=False),
    _t("DatasetMatch", "ReferenceDatasetAlias KeyColumnMappings", NUMBER, analyzer=False),
    _t("DatasetMatch", "ReferenceDatasetAlias KeyColumnMappings MatchColumnMappings", NUMBER, analyzer=False),
    _t("SchemaMatch", "ReferenceDatasetAlias", NUMBER, analyzer=False),
    _t("AggregateMatch", "AggregateExpression1 AggregateExpression2", NUMBER, analyzer=False),
    _t("DetectAnomalies", "MetricParameter", BOOLEAN, var_arg=True, analyzer=False),
    _t("AllStatistics", "TargetColumn", NUMBER, analyzer_only=True),
    _t("FileMatch", "DataPath CompareDataPath", BOOLEAN, analyzer=False),
    _t("FileMatch", "DataPath", STRING, analyzer=False),
    _t("FileMatch", "", STRING, analyzer=False),
    _t("FileUniqueness", "DataPath", NUMBER, analyzer=False),
    _t("FileUniqueness", "", NUMBER, analyzer=False),
    _t("FileFreshness", "DataPath", DATE, threshold=True, analyzer=False),
    _t("FileFreshness", "", DATE, threshold=True, analyzer=False),
    _t("FileSize", "DataPath", SIZE, threshold=True, analyzer=False),
    _t("FileSize", "", SIZE, threshold=True, analyzer=False),
)

FILE_RULES = frozenset({"FileMatch", "FileUniqueness", "FileFreshness", "FileSize"})


def find(name: str, count: int) -> RuleType | None:
    """The rule type called `name` that takes `count` parameters, if any."""
    return next((t for t in RULE_TYPES if t.name == name and t.accepts(count)), None)


def named(name: str) -> list[RuleType]:
    return [t for t in RULE_TYPES if t.name == name]
