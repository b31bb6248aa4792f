"""Run a training script with some of its module-level constants set to a trial's values.

Tunekit's "globals" injection, for scripts that keep their hyperparameters in constants
(``LR = 1e-3``) rather than reading flags::

    python path/to/tunekit/_globals_shim.py [--check] SCRIPT [ARGS...]
    python -m tunekit._globals_shim [--check] SCRIPT [ARGS...]

The script is parsed with ``ast``; for every NAME in ``TUNEKIT_GLOBALS`` (a JSON object; when it
is not set, ``TUNEKIT_PARAMS``), the value of the last top-level ``NAME = ...`` or
``NAME: T = ...`` statement is replaced by the trial's value, the one the script would run with.
Only expressions are replaced, never lines, so every line number stays where it was; the code is
compiled under the script's own file name, so tracebacks, ``inspect`` and debuggers point at the
original file. The script then runs as ``__main__`` in a fresh module, with ``__file__``,
``sys.argv`` and ``sys.path[0]`` as ``python SCRIPT ARGS...`` would have set them.

``TUNEKIT_SHIM_REDIRECT`` (a JSON object of path -> path, optional) makes every string literal
naming one of those files (as written, relative to the working directory, or relative to the
script's folder) name the replacement instead: how a per-trial copy of a config file is put in
the place of the original when the script hard-codes its path.

A name the script never assigns at the top level, or a redirect no literal matches, is a mistake
in the study: the shim says so on stderr and exits with status 2 before running anything.
``--check`` stops there (status 0 when all is well), so Tunekit can verify a study before its
first trial. Standard library only, Python 3.8+.
"""

import ast
import builtins
import json
import os
import sys
import types

EXIT_MISTAKE = 2

_USAGE = "usage: python -m tunekit._globals_shim [--check] SCRIPT [ARGS...]"


def _fail(message):
    sys.stderr.write("tunekit: " + message + "\n")
    sys.exit(EXIT_MISTAKE)


def _json_object_env(name):
    text = os.environ.get(name)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as err:
        _fail("%s is not valid JSON (%s)" % (name, err))
    if not isinstance(value, dict):
        _fail("%s must be a JSON object of name -> value" % name)
    return value


def _assignments(tree):
    """NAME -> the last top-level statement binding NAME alone to a value."""
    found = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            found[stmt.targets[0].id] = stmt
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            found[stmt.target.id] = stmt
    return found


def _literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _annotated_float(stmt):
    annotation = getattr(stmt, "annotation", None)
    return isinstance(annotation, ast.Name) and annotation.id == "float"


def _coerce(value, stmt):
    """Keep the type the script wrote: JSON has one number type, so 1.0 arrives as the int 1."""
    original = _literal(stmt.value)
    if isinstance(value, int) and not isinstance(value, bool):
        if isinstance(original, float) or _annotated_float(stmt):
            return float(value)
    if isinstance(value, list) and isinstance(original, tuple):
        return tuple(value)
    return value


def _node(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return ast.Constant(value=value)
    if isinstance(value, tuple):
        return ast.Tuple(elts=[_node(v) for v in value], ctx=ast.Load())
    if isinstance(value, list):
        return ast.List(elts=[_node(v) for v in value], ctx=ast.Load())
    if isinstance(value, dict):
        return ast.Dict(keys=[ast.Constant(value=k) for k in value], values=[_node(v) for v in value.values()])
    raise TypeError("unsupported value %r" % (value,))


def _locate(new, old):
    """Give the new expression (and everything inside it) the old one's position."""
    for node in ast.walk(new):
        ast.copy_location(node, old)
    return new


def _set_globals(tree, values, script):
    assignments = _assignments(tree)
    missing = [name for name in values if name not in assignments]
    if missing:
        known = ", ".join(sorted(assignments)) or "none"
        _fail(
            "cannot set %s in %s: it has no top-level assignment %s (top-level names: %s). "
            "Rename the parameter in the study file to one of those names, or inject this script's "
            "parameters another way."
            % (", ".join(missing), script, " / ".join("`%s = ...`" % m for m in missing), known)
        )
    for name, value in values.items():
        stmt = assignments[name]
        stmt.value = _locate(_node(_coerce(value, stmt)), stmt.value)


def _canonical(path):
    return os.path.normcase(os.path.realpath(os.path.expanduser(path)))


def _redirect_paths(tree, redirects, script_dir):
    """Replace string literals that name a redirected file; returns the originals matched."""
    targets = {_canonical(src): dst for src, dst in redirects.items()}
    matched = set()
    cwd = os.getcwd()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if not text or len(text) > 4096 or "\n" in text or "\0" in text:
            continue
        bases = [""] if os.path.isabs(os.path.expanduser(text)) else [cwd, script_dir]
        for base in bases:
            key = _canonical(os.path.join(base, text))
            if key in targets:
                node.value = targets[key]
                matched.add(key)
                break
    return [src for src in redirects if _canonical(src) not in matched]


def _run(code, path, script, args):
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__builtins__ = builtins
    module.__loader__ = None
    module.__spec__ = None
    module.__package__ = None
    module.__cached__ = None
    sys.modules["__main__"] = module
    sys.argv = [script] + list(args)
    # `python SCRIPT` puts the script's folder first on sys.path, unless -I / -P say not to; the
    # entry there now is the shim's own folder (or the working directory under -m).
    if not (sys.flags.isolated or getattr(sys.flags, "safe_path", False)):
        sys.path[0] = os.path.dirname(path)
    try:
        exec(code, module.__dict__)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException:
        etype, value, tb = sys.exc_info()
        # Drop this function's frame: the traceback starts in the script, as under `python SCRIPT`.
        tb = tb.tb_next or tb
        sys.excepthook(etype, value.with_traceback(tb), tb)
        sys.exit(1)


def main(argv):
    check = bool(argv) and argv[0] == "--check"
    if check:
        argv = argv[1:]
    if not argv:
        _fail("no script given. " + _USAGE)
    script, args = argv[0], argv[1:]
    path = os.path.abspath(script)
    try:
        with open(path, "rb") as f:
            source = f.read()
    except OSError as err:
        _fail("cannot read the script %s (%s)" % (script, err.strerror or err))
    # A syntax error surfaces exactly as `python SCRIPT` would report it.
    tree = ast.parse(source, filename=path)

    values = _json_object_env("TUNEKIT_GLOBALS")
    if values is None:
        values = _json_object_env("TUNEKIT_PARAMS") or {}
    _set_globals(tree, values, script)

    redirects = _json_object_env("TUNEKIT_SHIM_REDIRECT") or {}
    unmatched = _redirect_paths(tree, redirects, os.path.dirname(path))
    if unmatched:
        _fail(
            "%s never names %s as one string literal, so the trial's copy of that config file cannot "
            "be put in its place. Pass the config file on the command line instead (for example "
            "`tunekit tune -- python %s --config %s`), so Tunekit can swap the argument."
            % (script, " or ".join(unmatched), os.path.basename(script), os.path.basename(unmatched[0]))
        )
    if check:
        return 0

    code = compile(ast.fix_missing_locations(tree), path, "exec", dont_inherit=True)
    _run(code, path, script, args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
