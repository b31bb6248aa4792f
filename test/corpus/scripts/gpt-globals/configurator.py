"""
Applies overrides to the globals of the script that exec()s this file:

    python train.py config/some_config.py --micro_batch_size=32 --compile=False

A bare argument names a Python file that is executed in the script's namespace; a --key=value
argument replaces an existing global, keeping its type. Meant to be exec()ed, not imported:
it rewrites globals() of the caller on purpose, so training scripts stay plain top-to-bottom code.
"""
import sys
from ast import literal_eval


def _coerce(key, raw, current):
    try:
        value = literal_eval(raw)
    except (SyntaxError, ValueError):
        value = raw  # a bare word is a string
    if isinstance(current, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not type(current):
        raise TypeError(f"--{key}: expected {type(current).__name__}, got {raw!r}")
    return value


for _arg in sys.argv[1:]:
    if not _arg.startswith('--'):
        print(f"applying config file {_arg}")
        with open(_arg) as _f:
            exec(_f.read())
        continue
    _key, _sep, _raw = _arg[2:].partition('=')
    if not _sep:
        raise ValueError(f"expected --key=value, got {_arg}")
    if _key not in globals():
        raise KeyError(f"unknown config key: {_key}")
    globals()[_key] = _coerce(_key, _raw, globals()[_key])
    print(f"override: {_key} = {globals()[_key]!r}")
