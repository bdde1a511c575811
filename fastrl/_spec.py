"""The one parser of ``"name key=value ..."`` specs (``fastrl bandit`` and ``fastrl train``).

A spec is a name followed by ``key=value`` words; values are read as None,
booleans, integers, floats or else strings. ``schedule=1/t`` (or
``schedule=exponential decay=0.99 floor=0.01``) builds a
:class:`~fastrl.schedules.Schedule` for configs that take one. Every mistake is
a ValueError that names the word at fault.
"""

from __future__ import annotations

import importlib
import os
import sys

from fastrl.schedules import Schedule

__all__ = ["parse_value", "parse_options", "load_class"]

_SCHEDULE_KEYS = ("decay", "floor", "duration")


def parse_value(text: str):
    """``"none"`` -> None, ``"true"`` -> True, ``"3"`` -> 3, ``"0.1"`` -> 0.1, else the text."""
    low = text.lower()
    if low in {"none", "null"}:
        return None
    if low in {"true", "false"}:
        return low == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse_options(spec: str, words: list[str], cls: type, renames: dict | None = None) -> dict:
    """The keyword arguments of ``cls`` spelled by ``words`` (the spec's words after its name).

    ``renames`` maps a spelling to a field name (e.g. ``lambda`` -> ``lam``, a
    Python keyword that cannot be a field).
    """
    fields = getattr(cls, "__dataclass_fields__", {})
    takes_schedule = "schedule" in fields
    kwargs, sched = {}, {}
    for word in words:
        key, eq, text = word.partition("=")
        if not eq or not key:
            raise ValueError(f"option {word!r} must look like key=value")
        key = (renames or {}).get(key, key)
        if key in kwargs or key in sched:
            raise ValueError(f"option {key!r} is given twice in {spec!r}")
        (sched if key in _SCHEDULE_KEYS and takes_schedule else kwargs)[key] = parse_value(text)
    if sched or "schedule" in kwargs:
        kind = kwargs.pop("schedule", "constant")
        kwargs["schedule"] = Schedule(str(kind), **sched)
    return kwargs


def load_class(path: str, base: type, what: str, base_name: str | None = None) -> type:
    """The class named ``"package.module:ClassName"``, a subclass of ``base``; else ValueError."""
    module_name, _, qualname = path.partition(":")
    if not module_name or not qualname:
        raise ValueError(f"{what} path {path!r} must look like 'package.module:ClassName'")
    if os.getcwd() not in sys.path:  # as `python -m` does: modules beside the user import
        sys.path.append(os.getcwd())
    try:
        target = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import the module of {what} {path!r}: {exc}") from exc
    for part in qualname.split("."):
        target = getattr(target, part, None)
    if not (isinstance(target, type) and issubclass(target, base)):
        raise ValueError(f"{path!r} is not a {base_name or base.__name__} subclass, got {target!r}")
    return target
