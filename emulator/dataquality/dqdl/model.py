"""The parsed form of a DQDL ruleset: rules, their conditions and operands, analyzers.

Every node prints itself back (`text()`) the way AWS echoes a rule in a result's `Description`/`EvaluatedRule`:
tokens separated by one space, list items joined by "," without spaces, parentheses kept where they were
written, composite operators in upper case, each operand of a composite rule in parentheses, a uniform
chain of one operator flattened (AWS's DQDL library, `DQRule.toString`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Operands -----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Number:
    """A numeric literal, kept as written ("100", "0.95")."""
    literal: str

    @property
    def value(self) -> float:
        return float(self.literal)

    def text(self) -> str:
        return self.literal


@dataclass(frozen=True)
class Quantity:
    """A number with a unit: a duration ("3 days", "90 minutes") or a file size ("5 GB")."""
    literal: str
    unit: str

    @property
    def value(self) -> float:
        return float(self.literal)

    def text(self) -> str:
        return f"{self.literal} {self.unit}"


@dataclass(frozen=True)
class Text:
    """A quoted string: a value, a date "2024-01-31" or a time "9:30 AM"/"21:45"."""
    value: str  # without the quotes, escapes resolved

    def text(self) -> str:
        return '"' + self.value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Keyword:
    """NULL, EMPTY or WHITESPACES_ONLY (written in either case; printed in upper case)."""
    name: str

    def text(self) -> str:
        return self.name


@dataclass(frozen=True)
class Now:
    def text(self) -> str:
        return "now()"


@dataclass(frozen=True)
class Call:
    """A function of dynamic rules: last(k), avg(...), min, max, std, index(list, i), abs..."""
    name: str
    args: tuple[Operand, ...]

    def text(self) -> str:
        return f"{self.name}({','.join(a.text() for a in self.args)})"


@dataclass(frozen=True)
class Binary:
    left: Operand
    op: str
    right: Operand

    def text(self) -> str:
        return f"{self.left.text()} {self.op} {self.right.text()}"


@dataclass(frozen=True)
class Negative:
    inner: Operand

    def text(self) -> str:
        return f"-{self.inner.text()}"


@dataclass(frozen=True)
class Paren:
    inner: Operand

    def text(self) -> str:
        return f"({self.inner.text()})"


Operand = Number | Quantity | Text | Keyword | Now | Call | Binary | Negative | Paren


def unwrap(operand: Operand) -> Operand:
    """The operand without the parentheses written around it."""
    while isinstance(operand, Paren):
        operand = operand.inner
    return operand


def is_dynamic(operand: Operand) -> bool:
    """Whether the operand calls a function (reads the metric's history)."""
    operand = unwrap(operand)
    if isinstance(operand, Call):
        return True
    if isinstance(operand, Binary):
        return is_dynamic(operand.left) or is_dynamic(operand.right)
    if isinstance(operand, Negative):
        return is_dynamic(operand.inner)
    return False


# Conditions and rules -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Condition:
    """`op` is one of = != > >= < <= between, not between, in, not in, matches, not matches."""
    op: str
    operands: tuple[Operand, ...]

    def text(self) -> str:
        ops = self.operands
        if self.op.endswith("between"):
            return f"{self.op} {ops[0].text()} and {ops[1].text()}"
        if self.op.endswith("in"):
            return f"{self.op} [{','.join(o.text() for o in ops)}]"
        return f"{self.op} {ops[0].text()}"

    @property
    def negated(self) -> bool:
        return self.op in ("!=", "not between", "not in", "not matches")


@dataclass(frozen=True)
class Parameter:
    """One rule parameter as written: a column name, an alias, a SQL statement, a regex, a path..."""
    value: str
    quoted: bool = True
    connector: str | None = None  # "of" / "and" written before it

    def text(self) -> str:
        shown = Text(self.value).text() if self.quoted else self.value
        return f"{self.connector} {shown}" if self.connector else shown


@dataclass
class Rule:
    """A rule, or a composite of rules (`operator` "AND"/"OR" with `children`)."""
    rule_type: str
    parameters: tuple[Parameter, ...] = ()
    condition: Condition | None = None
    where: str | None = None
    threshold: Condition | None = None
    tags: dict[str, Condition] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    operator: str | None = None
    children: tuple[Rule, ...] = ()

    @property
    def is_composite(self) -> bool:
        return bool(self.children)

    @property
    def args(self) -> list[str]:
        return [p.value for p in self.parameters]

    def leaves(self) -> list[Rule]:
        """The non-composite rules inside, left to right."""
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def _uniform(self, operator: str) -> bool:
        return not self.children or (self.operator == operator and all(c._uniform(operator) for c in self.children))

    def text(self) -> str:
        if self.children:
            parts = self.leaves() if self._uniform(self.operator or "") else list(self.children)
            return f" {self.operator} ".join(f"({p.text()})" for p in parts)
        words = [self.rule_type, *(p.text() for p in self.parameters)]
        if self.condition is not None:
            words.append(self.condition.text())
        if self.where is not None:
            words.append(f"where {Text(self.where).text()}")
        if self.threshold is not None:
            words.append(f"with threshold {self.threshold.text()}")
        words.extend(f"with {name} {cond.text()}" for name, cond in self.tags.items())
        if self.labels:
            words.append("labels=[" + ", ".join(f'"{k}"="{v}"' for k, v in self.labels.items()) + "]")
        return " ".join(words)


@dataclass
class Analyzer:
    analyzer_type: str
    parameters: tuple[Parameter, ...] = ()

    @property
    def args(self) -> list[str]:
        return [p.value for p in self.parameters]

    def text(self) -> str:
        return " ".join([self.analyzer_type, *(p.text() for p in self.parameters)])


@dataclass
class Ruleset:
    """A parsed DQDL document. `rules[i]` is AWS's "Rule_{i+1}"; `default_labels` apply to every rule."""
    rules: list[Rule]
    analyzers: list[Analyzer] = field(default_factory=list)
    default_labels: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str | list[str]] = field(default_factory=dict)
    data_sources: dict[str, str | list[str]] = field(default_factory=dict)

    @staticmethod
    def rule_name(index: int) -> str:
        """AWS's name of the rule at `index` (0-based) in a result: "Rule_1", "Rule_2"..."""
        return f"Rule_{index + 1}"

    def labels_of(self, rule: Rule) -> dict[str, str]:
        """The rule's labels over the ruleset's DefaultLabels (a rule's own label wins)."""
        return {**self.default_labels, **rule.labels}
