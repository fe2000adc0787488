"""A safe arithmetic evaluator for the ``calculator`` tool: walks the AST, never calls ``eval``.

>>> evaluate("2 * (3 + 4) ** 2 - sqrt(16)")
94.0
>>> format_number(evaluate("round(pi, 4)"))
'3.1416'
>>> evaluate("__import__('os')")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ragagent.errors.ToolError: function '__import__' is not allowed (use numbers, pi, e and the functions abs, ...

Allowed: int/float literals, ``+ - * / // % **``, unary ``+``/``-``, parentheses, the constants ``pi``
and ``e`` and the functions in :data:`FUNCTIONS` (positional arguments only).  Exponents are bounded
(``|exp| <= MAX_EXPONENT``), integers may not exceed ``MAX_INT_BITS`` bits, floats must stay finite,
and the input is at most ``MAX_LENGTH`` characters.  Everything else raises
:class:`~ragagent.errors.ToolError` with a message the model can act on.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

from ragagent.errors import ToolError

from .base import Tool
from .decorator import tool

Number = int | float

MAX_LENGTH = 300
MAX_EXPONENT = 1000
MAX_INT_BITS = 4000  # about 1200 decimal digits

FUNCTIONS: dict[str, Callable[..., Number]] = {
    "sqrt": math.sqrt, "log": math.log, "exp": math.exp, "sin": math.sin, "cos": math.cos,
    "floor": math.floor, "ceil": math.ceil, "abs": abs, "round": round, "min": min, "max": max,
}
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}
UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_ALLOWED = f"use numbers, pi, e and the functions {', '.join(sorted(FUNCTIONS))}"


def evaluate(expression: str) -> Number:
    """The value of an arithmetic expression; rejected or failing input raises ToolError."""
    text = expression.strip()
    if not text:
        raise ToolError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ToolError(f"the expression is too long ({len(text)} characters, at most {MAX_LENGTH})")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ToolError(f"not a valid arithmetic expression: {text!r}") from exc
    return _checked(_eval(tree.body))


def format_number(value: Number) -> str:
    """Integers exactly; floats with up to 12 significant digits."""
    return str(value) if isinstance(value, int) else format(value, ".12g")


def _eval(node: ast.expr) -> Number:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ToolError(f"only numbers are allowed, not {node.value!r}")
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in CONSTANTS:
            raise ToolError(f"names are not allowed: {node.id} ({_ALLOWED})")
        return CONSTANTS[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        return _binary(node.op, _eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return _checked(UNARY[type(node.op)](_eval(node.operand)))
    if isinstance(node, ast.Call):
        return _call(node)
    raise ToolError(f"{type(node).__name__} is not allowed in the calculator ({_ALLOWED})")


def _binary(op: ast.operator, left: Number, right: Number) -> Number:
    if isinstance(op, ast.Pow) and abs(right) > MAX_EXPONENT:
        raise ToolError(f"exponent {format_number(right)} is too large (at most {MAX_EXPONENT} in size)")
    if isinstance(op, ast.Pow) and _int_power_bits(left, right) > MAX_INT_BITS:
        raise ToolError(f"the result of {format_number(left)} ** {format_number(right)} would be too large")
    return _checked(_apply(BINARY[type(op)], left, right))


def _int_power_bits(base: Number, exponent: Number) -> int:
    """A lower bound on the bits of ``base ** exponent`` for integers (0 when it cannot grow)."""
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        return (abs(base).bit_length() - 1) * exponent
    return 0


def _call(node: ast.Call) -> Number:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise ToolError(f"function {ast.unparse(node.func)!r} is not allowed ({_ALLOWED})")
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        raise ToolError(f"{node.func.id}() takes plain positional arguments only")
    args = [_eval(a) for a in node.args]
    return _checked(_apply(FUNCTIONS[node.func.id], *args))


def _apply(func: Callable[..., Number], *args: Number) -> Number:
    # Only the arithmetic itself is guarded: these are the model's mistakes (1/0, sqrt(-1), min()).
    try:
        return func(*args)
    except ZeroDivisionError as exc:
        raise ToolError("division by zero") from exc
    except OverflowError as exc:
        raise ToolError("the result is too large") from exc
    except (ValueError, TypeError) as exc:
        raise ToolError(f"invalid arguments: {exc}") from exc


def _checked(value: Number) -> Number:
    if isinstance(value, complex):
        raise ToolError("the result is a complex number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("the result is not a finite number")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ToolError(f"the result is too large (more than {MAX_INT_BITS} bits)")
    return value


def calculator_tool() -> Tool:
    """The ``calculator`` tool."""

    @tool(name="calculator")
    def calculate(expression: str) -> str:
        """Evaluate an arithmetic expression, e.g. (3 + 4) * 2 ** 3 or sqrt(2) * pi.

        Args:
            expression: Numbers, + - * / // % **, parentheses, pi, e and abs, ceil, cos, exp, floor, log, max,
                min, round, sin, sqrt.
        """
        return format_number(evaluate(expression))

    return calculate
