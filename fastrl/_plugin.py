"""Drivers specialised to plug-in functions, cached on disk and never stale.

A family's driver (the bandit loop, the tabular episode loop) is written once
as a template module. :func:`driver_module` makes a copy of the template whose
module globals name one agent's functions, writes it to a file and imports it;
numba then compiles the driver with those functions as compile-time constants
(no indirect call, nothing of any other agent) and caches it like any kernel.

Why a generated file and not a closure: numba keys the disk cache of a closure
on its pickled cell values, and a dispatcher pickles with a per-process id, so
a closure over an agent's functions compiled again in every process (measured:
zero cache hits). Module globals are compile-time constants that numba does
not put in the key at all, which is also how a cached driver could go stale:
numba checks only the timestamp of the driver's own file. So the file's *name*
is a hash of everything the machine code depends on:

* the template and the generated bindings,
* every source file of the installed fastrl package,
* the source files of the modules that define the bound functions (a user's
  agent module: editing it gives a new file, so the next process recompiles).

Objects that a new process cannot import by name (defined in ``__main__``
without a file, or inside a function) are bound through an in-process table
and hashed by their code objects; their drivers work the same but compile
once per process.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import os
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType

__all__ = ["driver_module", "driver_dir"]

_LOCK = threading.RLock()  # re-entered: a generated module calls inline() while imported
_LOCAL: dict[str, object] = {}  # token -> object, for objects a new process cannot import
_MODULES: dict[str, ModuleType] = {}
_PARENT = "fastrl_drivers"


def driver_dir() -> Path:
    """Where generated drivers live: ``$FASTRL_CACHE_DIR``, else a ``fastrl``
    folder in ``$NUMBA_CACHE_DIR``, else ``~/.cache/fastrl`` (``$XDG_CACHE_HOME``)."""
    if os.environ.get("FASTRL_CACHE_DIR"):
        return Path(os.environ["FASTRL_CACHE_DIR"])
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"]) / "fastrl"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fastrl"


def _importable(obj) -> tuple[str, str] | None:
    """``(module, qualname)`` when a new process can import ``obj`` by name."""
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not module or not qualname or "<" in qualname or module == "__main__":
        return None
    mod = sys.modules.get(module)
    if mod is None or not getattr(mod, "__file__", None):
        return None
    target = mod
    for part in qualname.split("."):
        target = getattr(target, part, None)
    if target is not obj and getattr(target, "py_func", target) is not getattr(obj, "py_func", obj):
        return None
    return module, qualname


def _source_bytes(obj) -> bytes:
    """What ``obj``'s compiled code depends on, as far as it can be read."""
    func = getattr(obj, "py_func", obj)
    try:
        return Path(inspect.getsourcefile(func) or "").read_bytes()
    except (TypeError, OSError):
        pass
    code = getattr(func, "__code__", None)
    if code is None:  # not a function: its identity (never shared across processes)
        return f"{id(obj)}:{os.getpid()}".encode()
    return code.co_code + repr(code.co_consts).encode() + repr(code.co_names).encode()


def _binding_line(name: str, obj, digest) -> str:
    where = _importable(obj)
    if where is not None:
        module, qualname = where
        head, _, rest = qualname.partition(".")
        attr = f".{rest}" if rest else ""
        digest.update(_source_bytes(obj))
        # Soft: pickle may import this module in a process that cannot import the
        # agent's module (see _parent); it needs the record classes, not the functions.
        return (
            f"try:\n    from {module} import {head} as _b_{name}\n"
            f"    {name} = _b_{name}{attr}\n"
            f"except ImportError:\n    {name} = None\n"
        )
    token = hashlib.sha256(_source_bytes(obj) + f"{id(obj)}".encode()).hexdigest()[:16]
    _LOCAL[token] = obj
    digest.update(f"local:{os.getpid()}:{token}".encode())
    return f"{name} = _local({token!r})\n"


def lookup(token: str):
    """The in-process object bound under ``token`` (used by generated modules).

    ``None`` in another process: there the module is imported only so that
    pickle finds the record classes a shared cache index names (see
    :func:`_parent`); its functions are never called.
    """
    return _LOCAL.get(token)


def driver_module(template: str, bindings: dict[str, object], source: str = "") -> ModuleType:
    """Import the template module ``template`` (a ``fastrl`` module name) with
    ``bindings`` (global name -> function or constant) and ``source`` (extra
    generated code) appended, from a file named by the hash of all of it.

    Constants (ints, floats, bools) are written as literals, so numba folds
    them; functions are imported by name where possible. The same arguments
    in one process return the same module.
    """
    spec = importlib.util.find_spec(template)
    text = Path(spec.origin).read_text()
    from fastrl._jit import package_digest

    digest = hashlib.sha256(package_digest())
    footer = ["\n\n# ---- generated by fastrl._plugin.driver_module ----\n"]
    footer.append("from fastrl._plugin import lookup as _local\n")
    for name, obj in bindings.items():
        if isinstance(obj, bool | int | float):
            footer.append(f"{name} = {obj!r}\n")
        else:
            footer.append(_binding_line(name, obj, digest))
    footer.append(source)
    text = text + "".join(footer)
    digest.update(text.encode())
    key = f"{template.rsplit('.', 1)[-1].lstrip('_')}_{digest.hexdigest()[:20]}"
    with _LOCK:
        if key in _MODULES:
            return _MODULES[key]
        path = _write(key, text)
        name = f"{_PARENT}.{key}"
        parent = _parent()
        if name in sys.modules:  # already imported by pickle (see _parent): the same classes
            _MODULES[key] = sys.modules[name]
            return _MODULES[key]
        mod_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = module  # before exec: numba's cache index unpickles by name
        try:
            mod_spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        setattr(parent, key, module)
        _MODULES[key] = module
        return module


def _folders() -> tuple[Path, Path]:
    user = os.getuid() if hasattr(os, "getuid") else 0
    return driver_dir(), Path(tempfile.gettempdir()) / f"fastrl-{user}"


def _parent() -> ModuleType:
    """The package ``fastrl_drivers``, whose path is the folders of the generated files.

    pickle imports a class's module by name, parent package first. A record class
    defined in generated source can be named by the disk-cache index of a *shared*
    kernel (one a driver calls with its records), which another process loads when
    it calls that kernel with its own records: then ``import fastrl_drivers.<key>``
    must find the file another process wrote (measured in CI: ModuleNotFoundError).
    """
    parent = sys.modules.get(_PARENT)
    if parent is None:
        parent = ModuleType(_PARENT)
        parent.__path__ = [str(folder) for folder in _folders()]
        sys.modules[_PARENT] = parent
    return parent


def _write(key: str, text: str) -> Path:
    for folder in _folders():
        path = folder / f"{key}.py"
        try:
            if path.exists() and path.read_text() == text:
                return path
            folder.mkdir(parents=True, exist_ok=True)
            # Atomic: concurrent processes (xdist, Dask workers) never read half a file.
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                f.write(text)
            os.replace(tmp, path)
            return path
        except OSError:
            continue
    raise OSError(f"cannot write a generated driver to {driver_dir()} or the temp directory")


_INLINED: dict[object, object] = {}


def inline(func):
    """``func`` (a Python function or a numba dispatcher) as a dispatcher that
    numba inlines into its callers at the IR level (``fastrl._jit.ijit``)."""
    from fastrl._jit import ijit

    if getattr(func, "targetoptions", {}).get("inline") == "always":
        return func
    py = getattr(func, "py_func", func)
    with _LOCK:
        if py not in _INLINED:
            _INLINED[py] = ijit(py)
        return _INLINED[py]


_parent()  # before any cache index is read
