"""DQDL, AWS Glue's Data Quality Definition Language: `parse(text) -> Ruleset`, raising `DqdlError` (AWS's message).

https://docs.aws.amazon.com/glue/latest/dg/dqdl.html
"""

from .model import (
                    Analyzer,
                    Binary,
                    Call,
                    Condition,
                    Keyword,
                    Negative,
                    Now,
                    Number,
                    Operand,
                    Parameter,
                    Paren,
                    Quantity,
                    Rule,
                    Ruleset,
                    Text,
)
from .parser import DqdlError, parse

__all__ = ["Analyzer", "Binary", "Call", "Condition", "DqdlError", "Keyword", "Negative", "Now", "Number", "Operand",
           "Parameter", "Paren", "Quantity", "Rule", "Ruleset", "Text", "parse"]
