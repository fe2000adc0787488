"""PAL (program-aided language model) mode: the model writes ``def solution()``, the sandbox runs it.

Base models get a completion-style prompt in the style of the PAL paper: three worked word problems, then
the new question and the primer ``def solution():`` plus a docstring, so the model only has to continue the
function body. Instruct models (``prompt_style(llm) == "chat"``) get a conversation: a system message (one
``def solution()`` in a Python code block, standard library only, return a number) and eight worked exchanges;
the code block of the reply is the program. The code runs in the OS-level sandbox (never in this process);
the answer is the value ``solution()`` returns. If the run fails (exception, syntax error, timeout, no
return value) the model gets one repair round that shows it its code and the error.

>>> from tests.fakes import ScriptedLLM                      # doctest: +SKIP
>>> llm = ScriptedLLM(["    result = 6 * 7\\n    return result\\n"])  # doctest: +SKIP
>>> answer_pal("What is six times seven?", llm).text         # doctest: +SKIP
'42'
"""

from ragagent.pal.extraction import extract_code, format_value
from ragagent.pal.prompt import (
           PAL_STOP,
           build_messages,
           build_prompt,
           build_repair_messages,
           build_repair_prompt,
           primer,
)
from ragagent.pal.run import DEFAULT_SETTINGS, answer_pal

__all__ = ["DEFAULT_SETTINGS", "PAL_STOP", "answer_pal", "build_messages", "build_prompt", "build_repair_messages",
           "build_repair_prompt", "extract_code", "format_value", "primer"]
