"""PAL's prompts: completion-style for base models, a conversation for instruct models (see :mod:`ragagent.pal`).

>>> build_prompt("What is six times seven?").splitlines()[-2]
'def solution():'
>>> [m.role for m in build_messages("What is six times seven?")][:4]
['system', 'user', 'assistant', 'user']
"""

from __future__ import annotations

from ragagent.llm.base import Message

PAL_STOP = ("\n\n\n", "\nQ:", "# Question", "\n# solution in Python")

INSTRUCTION = (
    "Solve each question with a Python function solution() that returns the answer. "
    "Give every quantity a name, compute step by step, and return a number.\n\n\n"
)

EXAMPLES = '''Q: A bakery bakes 48 muffins in the morning and 30 in the afternoon. It sells 5 boxes of 12 muffins. How many muffins are left?

# solution in Python:
def solution():
    """A bakery bakes 48 muffins in the morning and 30 in the afternoon. It sells 5 boxes of 12 muffins. How many muffins are left?"""
    muffins_morning = 48
    muffins_afternoon = 30
    boxes_sold = 5
    muffins_per_box = 12
    muffins_baked = muffins_morning + muffins_afternoon
    muffins_sold = boxes_sold * muffins_per_box
    result = muffins_baked - muffins_sold
    return result


Q: Lena earns $15 an hour and works 6 hours a day for 5 days. She saves 20% of what she earns. How many dollars does she save?

# solution in Python:
def solution():
    """Lena earns $15 an hour and works 6 hours a day for 5 days. She saves 20% of what she earns. How many dollars does she save?"""
    hourly_wage = 15
    hours_per_day = 6
    days = 5
    savings_rate = 0.20
    earnings = hourly_wage * hours_per_day * days
    result = earnings * savings_rate
    return result


Q: A train travels 180 kilometres in 2 hours. At the same speed, how many minutes does it take to travel 45 kilometres?

# solution in Python:
def solution():
    """A train travels 180 kilometres in 2 hours. At the same speed, how many minutes does it take to travel 45 kilometres?"""
    distance_km = 180
    minutes = 2 * 60
    km_per_minute = distance_km / minutes
    target_km = 45
    result = target_km / km_per_minute
    return result


'''  # noqa: E501 - the examples are prompt text, kept verbatim

SYSTEM = (
    "You solve math word problems by writing Python. Reply with one Python code block and nothing else. "
    "The block defines a function solution() that takes no arguments, gives every quantity from the "
    "question a descriptive variable name, computes the answer step by step and returns it as a number. "
    "Use only the Python standard library; do not print, read input or call solution() yourself. "
    "Read the question carefully: return exactly the quantity its last sentence asks for."
)
# More worked problems for instruct models (PAL's 8 shots): the conversation prefix is the same for every
# question, so llama.cpp evaluates it once and reuses its KV cache; base models keep the three above.
MORE_EXAMPLES = (
    ("A phone costs $400. Its price goes up by 25%, and then a 10% discount is applied to the new price. "
     "What is the final price in dollars?",
     "    original_price = 400\n    increase_rate = 0.25\n    discount_rate = 0.10\n"
     "    raised_price = original_price * (1 + increase_rate)\n    final_price = raised_price * (1 - discount_rate)\n"
     "    return final_price"),
    ("Ana has 12 marbles. Tom has 3 times as many marbles as Ana. Tom gives away a quarter of his marbles. "
     "How many marbles does Tom have left?",
     "    ana_marbles = 12\n    tom_marbles = 3 * ana_marbles\n    given_away = tom_marbles / 4\n"
     "    tom_left = tom_marbles - given_away\n    return tom_left"),
    ("Mia reads 20 pages on Monday and twice as many on Tuesday. On Wednesday she reads 10 fewer pages than on "
     "Tuesday. Her book has 150 pages. How many pages does she still have to read?",
     "    book_pages = 150\n    monday = 20\n    tuesday = 2 * monday\n    wednesday = tuesday - 10\n"
     "    pages_read = monday + tuesday + wednesday\n    pages_left = book_pages - pages_read\n    return pages_left"),
    ("A baker spends $2 on ingredients for each cake and sells each cake for $7. She bakes 30 cakes and sells all "
     "but 4 of them. What is her profit in dollars?",
     "    cost_per_cake = 2\n    price_per_cake = 7\n    cakes_baked = 30\n    cakes_unsold = 4\n"
     "    total_cost = cost_per_cake * cakes_baked\n    cakes_sold = cakes_baked - cakes_unsold\n"
     "    revenue = price_per_cake * cakes_sold\n    profit = revenue - total_cost\n    return profit"),
    ("A garden has 5 rows of 8 tomato plants. Each plant gives 6 tomatoes a week. Half of the tomatoes are sold "
     "for $0.50 each. How many dollars does the garden make from tomatoes in 3 weeks?",
     "    rows = 5\n    plants_per_row = 8\n    tomatoes_per_plant_per_week = 6\n    weeks = 3\n"
     "    price_per_tomato = 0.50\n    plants = rows * plants_per_row\n"
     "    tomatoes = plants * tomatoes_per_plant_per_week * weeks\n    tomatoes_sold = tomatoes / 2\n"
     "    money = tomatoes_sold * price_per_tomato\n    return money"),
)
_WORKED = [block.split("\n\n# solution in Python:\n") for block in EXAMPLES.strip().split("\n\n\n")]
# Without the docstring: an instruct model copies whatever the examples hold, and every token costs time.
_WORKED = [[question, "\n".join(line for line in code.splitlines() if not line.startswith('    """'))]
           for question, code in _WORKED]
_WORKED += [[f"Q: {question}", f"def solution():\n{body}"] for question, body in MORE_EXAMPLES]
CHAT_EXAMPLES = tuple(
    message
    for question, code in _WORKED
    for message in (Message("user", question.removeprefix("Q: ")), Message("assistant", f"```python\n{code}\n```"))
)


def build_messages(question: str, context: str | None = None) -> tuple[Message, ...]:
    """The conversation for instruct models: rules, eight worked exchanges (PAL's 8 shots), then the question."""
    return (Message("system", SYSTEM), *CHAT_EXAMPLES,
            Message("user", f"{_context_block(context)}{question.strip()}"))


def build_repair_messages(question: str, code: str, error: str, context: str | None = None) -> tuple[Message, ...]:
    """The conversation continued with the failed program and its error, asking for a corrected one."""
    failure = "\n".join(error.strip().splitlines()[-6:])
    return (*build_messages(question, context), Message("assistant", f"```python\n{code.rstrip()}\n```"),
            Message("user", f"Running this solution failed:\n{failure}\n"
                            "Reply with the corrected solution() in one Python code block."))


def primer(question: str) -> str:
    """``def solution():`` and a one-line docstring holding the question (quotes and backslashes escaped)."""
    text = " ".join(question.split()).replace("\\", "\\\\").replace('"', '\\"')
    return f'def solution():\n    """{text}"""\n'


def build_prompt(question: str, context: str | None = None) -> str:
    """The few-shot prompt, ending with the primer the model continues."""
    head = f"{INSTRUCTION}{EXAMPLES}{_context_block(context)}Q: {question.strip()}\n\n"
    return f"{head}# solution in Python:\n{primer(question)}"


def build_repair_prompt(question: str, code: str, error: str, context: str | None = None) -> str:
    """Show the model its failed code and the error, then prime a corrected solution."""
    failure = "\n".join(f"# {line}" for line in error.strip().splitlines()[-6:])
    return (
        f"{INSTRUCTION}{EXAMPLES}{_context_block(context)}Q: {question.strip()}\n\n# solution in Python:\n"
        f"{code.rstrip()}\n\n# Running this solution failed:\n{failure}\n"
        f"# A corrected solution in Python:\n{primer(question)}"
    )


def _context_block(context: str | None) -> str:
    if not context or not context.strip():
        return ""
    return f"Facts from the documents (use them when the question needs them):\n{context.strip()}\n\n"
