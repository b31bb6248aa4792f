"""The wire protocol between Tunekit (src/compress/pytorch/torch-helper.ts) and the PyTorch
compression helper (``python -m tunekit.compress_torch``). Standard library only.

Tunekit writes one JSON request on stdin. The helper answers on stdout with lines that start
with ``@@tunekit-compress `` followed by a compact JSON object:

* ``{"kind": "progress", "stage": "prune", "done": 3, "total": 7}`` any number of times;
* then exactly one of ``{"kind": "result", ...}`` or
  ``{"kind": "error", "reason": "corrupt", "message": "...", "detail": "<traceback>"}``.

Other stdout lines (a model's own prints) are ignored by Tunekit; stderr is kept for the
message when the helper dies without an error line. The prefix differs from the trial client's
``@@tunekit `` so the two can never be confused.
"""

import json
import math
import sys

PREFIX = "@@tunekit-compress "

# Mirrors CompressErrorReason in src/compress/compress-error.ts; the helper uses this subset.
REASONS = ("corrupt", "truncated", "no-eligible", "unsupported-dtype", "too-large", "torch-missing", "bad-input", "exists", "helper-failed")


class HelperError(Exception):
    """A failure the user can act on: a reason from REASONS and a message saying what, where and what to do."""

    def __init__(self, reason, message, detail=None):
        if reason not in REASONS:
            raise ValueError("unknown reason %r" % reason)
        Exception.__init__(self, message)
        self.reason = reason
        self.message = message
        self.detail = detail


def _finite(value):
    """JSON has no NaN / Infinity: they travel as None (Tunekit's validation then says so)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _emit(message):
    sys.stdout.write(PREFIX + json.dumps(_finite(message), separators=(",", ":"), allow_nan=False) + "\n")
    sys.stdout.flush()


def emit_progress(stage, done, total):
    _emit({"kind": "progress", "stage": stage, "done": int(done), "total": int(total)})


def emit_result(result):
    message = {"kind": "result"}
    message.update(result)
    _emit(message)


def emit_error(reason, message, detail=None):
    _emit({"kind": "error", "reason": reason, "message": message, "detail": detail})
