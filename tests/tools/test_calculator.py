"""The AST calculator: what it computes and what it refuses (with a message the model can act on)."""

from __future__ import annotations

import pytest

from ragagent.errors import ToolError
from ragagent.tools import Toolbox, calculator_tool, evaluate
from ragagent.tools.calculator import MAX_LENGTH


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("(3 + 4) * 2 ** 3", "56"),
        ("7 // 2 + 7 % 3 - -1", "5"),
        ("+2 ** -1", "0.5"),
        ("sqrt(16) + abs(-2) + floor(2.7) + ceil(2.1)", "11"),
        ("round(pi, 4)", "3.1416"),
        ("max(1, 5, 3) - min(4, 2)", "3"),
        ("log(e) + exp(0) + sin(0) + cos(0)", "3"),
        ("0.1 + 0.2", "0.3"),
        ("2 ** 64", "18446744073709551616"),
    ],
)
def test_arithmetic(expression: str, expected: str) -> None:
    assert calculator_tool().run(expression) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("(1).real", "Attribute is not allowed"),
        ("x + 1", "names are not allowed: x"),
        ("__import__('os').system('id')", "function \"__import__('os').system\" is not allowed"),
        ("open('/etc/passwd')", "function 'open' is not allowed"),
        ("factorial(5)", "function 'factorial' is not allowed"),
        ("9**9**9", "exponent 387420489 is too large"),
        ("2 ** 5000", "too large"),
        ("(2 ** 1000) ** 1000", "too large"),
        ("10 ** 1000 * 10 ** 1000", "too large"),
        ("1e308 * 10", "not a finite number"),
        ("lambda: 1", "Lambda is not allowed"),
        ("[x for x in (1, 2)]", "ListComp is not allowed"),
        ("(-8) ** 0.5", "complex"),
        ("1 / 0", "division by zero"),
        ("sqrt(-1)", "math domain error"),
        ("round(1.5, ndigits=1)", "positional arguments only"),
        ("'a' * 3", "only numbers are allowed"),
        ("True + 1", "only numbers are allowed"),
        ("1 < 2", "Compare is not allowed"),
        ("1 +", "not a valid arithmetic expression"),
        ("", "empty"),
        ("1+" * 200 + "1", "too long"),
    ],
)
def test_rejected_input(expression: str, message: str) -> None:
    with pytest.raises(ToolError) as caught:
        evaluate(expression)
    assert message in str(caught.value)


def test_the_longest_allowed_input_is_evaluated() -> None:
    assert evaluate("-" * (MAX_LENGTH - 1) + "1") == -1  # deep unary nesting stays within the recursion limit


def test_rejections_reach_the_model_as_observations() -> None:
    result = Toolbox([calculator_tool()]).call("calculator", "os.getcwd()")
    assert result.error and result.observation.startswith("Error: function 'os.getcwd' is not allowed")
    assert "use numbers, pi, e and the functions abs, ceil" in result.observation
