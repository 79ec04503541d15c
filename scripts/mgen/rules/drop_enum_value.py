"""drop-enum-value: removing an enum member fails while rows hold it, and rebuilds the type."""
from ..operations import DropEnumValue
from . import Rule


class DropEnumValueRule(Rule):
    id = "drop-enum-value"
    severity = "warning"
    hazards = ("fails on existing data", "table rewrite")
    safe_alternative = "Update the rows that hold the value first; drop the value in a later migration."

    def check(self, op, ctx):
        if isinstance(op, DropEnumValue):
            return f"removing {op.value!r} from enum {op.name} fails while any row holds it"
        return None


RULE = DropEnumValueRule()
