"""One error root (every package's ``__all__`` is tested in tests/test_exports.py)."""

from __future__ import annotations

import inspect

import ragagent.errors as errors


def test_every_error_derives_from_the_root() -> None:
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)]
    assert len(classes) > 10
    assert all(issubclass(c, errors.RagAgentError) for c in classes)
    for c in classes:
        assert c.__doc__, f"{c.__name__} needs a docstring"
