"""Tunekit's client for training scripts: report metrics, read parameters, honour pruning.

Standard library only (Python 3.8+), so any training script can import it. The engine puts this
folder on PYTHONPATH for every trial. The other side of the contract is
src/protocol/trial-protocol.ts: keep the two in step.

Usage::

    import tunekit

    lr = tunekit.param("lr", 0.01)
    for epoch in range(epochs):
        ...
        tunekit.report(epoch, val_loss=val_loss, val_acc=val_acc)
        if tunekit.should_prune():
            raise tunekit.TrialPruned()
    tunekit.final(val_loss=best_val_loss)

Under Tunekit every message is one stdout line: the prefix ``@@tunekit `` followed by a compact
JSON object, for example ``@@tunekit {"kind":"report","step":3,"metrics":{"loss":0.21}}``.
Outside Tunekit (no TUNEKIT_TRIAL_NUMBER in the environment) the same calls print a plain,
readable ``step=3 loss=0.21`` line instead, so a script can call them unconditionally.

When the engine prunes a trial it writes ``prune`` into the control file and then sends SIGTERM
to the trial's process group. Importing this module under Tunekit installs a SIGTERM handler
(unless the script already installed its own) that prints a ``pruned`` message and leaves through
``SystemExit(0)``, so ``finally`` blocks and context managers still run.
"""

import atexit
import json
import math
import operator
import os
import signal
import sys
import threading

__all__ = [
    "REPORT_PREFIX",
    "TrialPruned",
    "final",
    "is_trial",
    "param",
    "params",
    "report",
    "should_prune",
    "study_name",
    "trial_number",
]

# Mirrors src/protocol/trial-protocol.ts (REPORT_PREFIX, TRIAL_ENV, PRUNE_REQUEST).
REPORT_PREFIX = "@@tunekit "
_ENV_PARAMS = "TUNEKIT_PARAMS"
_ENV_TRIAL_NUMBER = "TUNEKIT_TRIAL_NUMBER"
_ENV_STUDY_NAME = "TUNEKIT_STUDY_NAME"
_ENV_CONTROL_FILE = "TUNEKIT_CONTROL_FILE"
_PRUNE_REQUEST = "prune"


class TrialPruned(Exception):
    """Raise this to stop a trial the engine asked to prune (see should_prune()).

    Under Tunekit an uncaught TrialPruned ends the process cleanly: the ``pruned`` message is
    printed, atexit handlers run and the exit status is 0. Catch it yourself if you need to do
    more first.
    """


# Serialises writes so lines from several threads never interleave. Reentrant because the
# SIGTERM handler runs on the main thread and may interrupt an emit in progress there.
_lock = threading.RLock()
_last_step = None  # the last step passed to report(); the pruned message repeats it
_pruned_emitted = False
_params_cache = None
_prune_requested = False
_control_stat = None  # (mtime_ns, size) of the control file when it was last read


def is_trial():
    """True when this process runs as a Tunekit trial (the engine set TUNEKIT_TRIAL_NUMBER)."""
    return bool(os.environ.get(_ENV_TRIAL_NUMBER))


def trial_number():
    """The trial's number within its study, or None outside Tunekit."""
    raw = os.environ.get(_ENV_TRIAL_NUMBER)
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def study_name():
    """The study's name, or None outside Tunekit."""
    return os.environ.get(_ENV_STUDY_NAME) or None


def params():
    """All parameter values of this trial, as a new dict ({} outside Tunekit).

    Parsed once from the TUNEKIT_PARAMS environment variable (a JSON object).
    """
    global _params_cache
    if _params_cache is None:
        raw = os.environ.get(_ENV_PARAMS)
        if not raw:
            _params_cache = {}
        else:
            try:
                parsed = json.loads(raw)
            except ValueError as err:
                raise ValueError("tunekit: %s is not valid JSON: %s" % (_ENV_PARAMS, err)) from err
            if not isinstance(parsed, dict):
                raise ValueError("tunekit: %s must be a JSON object, got %s" % (_ENV_PARAMS, type(parsed).__name__))
            _params_cache = parsed
    return dict(_params_cache)


def param(name, default=None):
    """The value of one parameter of this trial, or ``default`` when it is not set.

    The name is matched exactly first; failing that, dashes and underscores are treated as the
    same, so ``param("batch_size")`` finds a parameter declared as ``batch-size``.
    """
    values = params()
    if name in values:
        return values[name]
    wanted = _normalise_name(name)
    for key, value in values.items():
        if _normalise_name(key) == wanted:
            return value
    return default


def _normalise_name(name):
    return name.replace("-", "_").lower()


def report(step=None, **metrics):
    """Report intermediate metric values, usually once per epoch or evaluation.

    ``step`` is a non-negative integer (the epoch or iteration) or None. Each metric must be a
    real number: Python ints and floats, or numpy / torch scalars (converted with float()).
    NaN and infinities are allowed and travel as the strings "nan", "inf" and "-inf". A bool, a
    string or a tensor with more than one element raises TypeError naming the metric.
    """
    global _last_step
    step = _check_step(step)
    values = _check_metrics(metrics, "report")
    with _lock:
        if step is not None:
            _last_step = step
        if is_trial():
            _emit({"kind": "report", "step": step, "metrics": values})
        else:
            head = "step=%d " % step if step is not None else ""
            _write_line(head + _plain_metrics(values))


def final(**metrics):
    """Report the trial's final metric values (for example the best validation loss).

    These take precedence over the last report() when the engine scores the trial. Same value
    rules as report().
    """
    values = _check_metrics(metrics, "final")
    if is_trial():
        _emit({"kind": "final", "metrics": values})
    else:
        _write_line("final " + _plain_metrics(values))


def should_prune():
    """True once the engine has asked this trial to stop early.

    Cheap enough to call every step: it only stats the control file and reads it when its size or
    modification time changed. Once True it stays True. Always False outside Tunekit.
    """
    global _prune_requested, _control_stat
    if _prune_requested:
        return True
    path = os.environ.get(_ENV_CONTROL_FILE)
    if not path:
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False  # the engine creates the file only when it has something to say
    key = (st.st_mtime_ns, st.st_size)
    if key == _control_stat:
        return False
    _control_stat = key
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            content = handle.read(4096)
    except OSError:
        return False
    if _PRUNE_REQUEST in content.split():
        _prune_requested = True
    return _prune_requested


# --- validation ------------------------------------------------------------------------------


def _check_step(step):
    if step is None:
        return None
    if isinstance(step, bool):
        raise TypeError("tunekit: step must be an integer or None, got a bool")
    try:
        # Accepts int, numpy integers and 0-d integer tensors, but not floats, so 2.5 is an
        # error instead of silently becoming step 2.
        value = operator.index(step)
    except TypeError:
        raise TypeError("tunekit: step must be an integer or None, got %s" % type(step).__name__) from None
    if value < 0:
        raise ValueError("tunekit: step must be >= 0, got %d" % value)
    return value


def _check_metrics(metrics, caller):
    if not metrics:
        raise TypeError("tunekit.%s() needs at least one metric, e.g. %s(val_loss=0.3)" % (caller, caller))
    return {name: _to_float(name, value) for name, value in metrics.items()}


def _to_float(name, value):
    # bool is an int subclass, and numpy / torch have their own bool scalars: none of them is a
    # metric, and silently turning True into 1.0 would hide a bug in the script.
    if isinstance(value, bool) or str(getattr(value, "dtype", "")) in ("bool", "torch.bool"):
        raise TypeError("tunekit: metric %r must be a number, got a bool" % name)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__float__"):
        raise TypeError("tunekit: metric %r must be a number, got %s" % (name, type(value).__name__))
    try:
        # numpy and torch scalars, 0-d arrays and one-element tensors all implement __float__.
        return float(value)
    except (TypeError, ValueError, RuntimeError) as err:
        raise TypeError(
            "tunekit: metric %r must be a single number, got %s (%s)" % (name, type(value).__name__, err)
        ) from err


# --- output ------------------------------------------------------------------------------


def _json_number(value):
    # JSON has no NaN or Infinity tokens; the engine decodes these strings back to numbers.
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _emit(message):
    if "metrics" in message:
        message = dict(message, metrics={k: _json_number(v) for k, v in message["metrics"].items()})
    # allow_nan=False guards the invariant that no bare NaN token ever reaches the engine.
    _write_line(REPORT_PREFIX + json.dumps(message, separators=(",", ":"), allow_nan=False))


def _plain_metrics(values):
    return " ".join("%s=%r" % (name, value) for name, value in values.items())


def _write_line(line):
    stream = sys.stdout
    if stream is None:  # pythonw, or a daemon that closed stdout
        return
    with _lock:
        # One write per line (not print's several) so a signal or another thread cannot split
        # it; flush at once because stdout is a pipe, block-buffered, under the engine.
        stream.write(line + "\n")
        stream.flush()


def _emit_pruned():
    """Print the pruned message once per process; later calls do nothing."""
    global _pruned_emitted
    with _lock:
        if _pruned_emitted:
            return
        _pruned_emitted = True
        try:
            _emit({"kind": "pruned", "step": _last_step})
        except (OSError, ValueError):
            pass  # stdout already closed: nothing more we can tell the engine


# --- pruning: SIGTERM and uncaught TrialPruned -----------------------------------------------

_installed_pid = None
_terminating = False


def _on_sigterm(signum, frame):
    global _terminating
    if os.getpid() != _installed_pid:
        # A forked child (a DataLoader worker, say) inherited the handler. The engine signals the
        # whole process group; only the trial's own process speaks for the trial, so children
        # die the way they would without Tunekit.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    if _terminating:
        return  # a repeated SIGTERM must not abort the cleanup the first one started
    _terminating = True
    _emit_pruned()
    raise SystemExit(0)


def _install_sigterm_handler():
    global _installed_pid
    try:
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return  # the script (or its framework) has its own handler: leave it alone
        signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, AttributeError, OSError):
        return  # imported off the main thread, or a platform without SIGTERM
    _installed_pid = os.getpid()


def _install_excepthook():
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, TrialPruned):
            _emit_pruned()
            # The interpreter would now exit with status 1 and a traceback. A pruned trial is not
            # a failure, so finish the normal shutdown steps and leave with 0. finally blocks
            # have already run: the exception reached the top of the stack.
            run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
            if run_exitfuncs is not None:
                run_exitfuncs()
            for stream in (sys.stdout, sys.stderr):
                try:
                    if stream is not None:
                        stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(0)
        previous(exc_type, exc, tb)

    sys.excepthook = hook


if is_trial():
    _install_sigterm_handler()
    _install_excepthook()
