"""The public API: a tested ``__all__`` and one error root."""

from __future__ import annotations

import inspect

import ragagent
import ragagent.errors as errors


def test_all_names_exist_and_are_public() -> None:
    assert len(ragagent.__all__) == len(set(ragagent.__all__))
    for name in ragagent.__all__:
        assert hasattr(ragagent, name), name
    public = {n for n in dir(ragagent) if not n.startswith("_") and not inspect.ismodule(getattr(ragagent, n))}
    assert public <= set(ragagent.__all__), public - set(ragagent.__all__)


def test_every_error_derives_from_the_root() -> None:
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)]
    assert len(classes) > 10
    assert all(issubclass(c, errors.RagAgentError) for c in classes)
    for c in classes:
        assert c.__doc__, f"{c.__name__} needs a docstring"
