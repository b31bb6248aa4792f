"""Loading and saving PyTorch checkpoints for the compression helper: which kind a file is
(state_dict, pickled nn.Module, TorchScript), where its model sits inside it, and writing a new
file so it appears whole or not at all. Needs torch; imported only by compress_torch.
"""

import inspect
import os
import pickle
import zipfile

import torch
from torch import nn

from ._compress_protocol import HelperError

# Keys under which training loops commonly nest the model in a checkpoint dict; the other keys
# (optimizer, epoch, ...) are kept as they are.
CONTAINER_KEYS = ("state_dict", "model", "model_state_dict")

# BatchNorm statistics are floating buffers, not weights: they are left out of parameter counts.
_NOT_WEIGHTS = ("running_mean", "running_var", "num_batches_tracked")


class Checkpoint(object):
    """A loaded checkpoint.

    kind: "state_dict" | "module" | "torchscript".
    root: what torch.load returned (what gets saved again).
    container_key: the key of root holding the model, or None when root is the model.
    model: the state dict (a dict of tensors) or the nn.Module / ScriptModule.
    """

    def __init__(self, path, kind, root, container_key, model):
        self.path = path
        self.kind = kind
        self.root = root
        self.container_key = container_key
        self.model = model

    def describe(self):
        if self.kind == "state_dict":
            class_name = None
        elif self.kind == "torchscript":
            class_name = getattr(self.model, "original_name", type(self.model).__name__)
        else:
            class_name = type(self.model).__name__
        return {"kind": self.kind, "container": self.container_key, "className": class_name}

    def replace_model(self, model):
        """Puts a new model (a quantized module, a new state dict) where the old one was."""
        self.model = model
        if self.container_key is None:
            self.root = model
        else:
            self.root[self.container_key] = model


def _is_torchscript_archive(path):
    """torch.jit.save archives hold constants.pkl and code/; torch.save archives do not."""
    if not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith("/constants.pkl") or n == "constants.pkl" for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _torch_load(path):
    kwargs = {"map_location": "cpu"}
    # torch >= 2.6 defaults to weights_only=True, which refuses pickled modules. Tunekit runs only in
    # trusted workspaces and the file is the user's own checkpoint.
    if "weights_only" in inspect.signature(torch.load).parameters:
        kwargs["weights_only"] = False
    return torch.load(path, **kwargs)


def _is_tensor_dict(obj):
    return isinstance(obj, dict) and len(obj) > 0 and all(isinstance(v, torch.Tensor) for v in obj.values())


def _corrupt(path, err):
    reason = "it may be truncated or damaged"
    try:
        with open(path, "rb") as f:
            zipped = f.read(2) == b"PK"
        if zipped and not zipfile.is_zipfile(path):
            # torch.save writes a zip archive whose directory comes last: without it the file was cut short.
            reason = "a zip archive (torch.save's format) of %d bytes without its end-of-central-directory record: it is truncated" % os.path.getsize(path)
    except OSError:
        pass
    return HelperError("corrupt", "%s is not a readable PyTorch checkpoint (%s); torch says: %s" % (path, reason, _first_line(err)))


def _first_line(err):
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]


def load_checkpoint(path):
    """Loads `path` on the CPU and classifies it; HelperError for anything a user must fix."""
    if not os.path.isfile(path):
        raise HelperError("bad-input", "%s: no such file" % path)
    if os.path.getsize(path) == 0:
        raise HelperError("truncated", "%s is empty (0 bytes): the checkpoint was not written completely" % path)
    try:
        if _is_torchscript_archive(path):
            model = torch.jit.load(path, map_location="cpu")
            return Checkpoint(path, "torchscript", model, None, model)
        root = _torch_load(path)
    except HelperError:
        raise
    except MemoryError as err:
        raise HelperError("too-large", "%s does not fit in memory: %s" % (path, _first_line(err)))
    except (AttributeError, ModuleNotFoundError, ImportError) as err:
        # A pickled nn.Module names its class; unpickling imports it.
        raise HelperError(
            "bad-input",
            "%s is a pickled model whose code cannot be imported here (%s). Run Tunekit from the folder "
            "where that module is importable, or save a state_dict or TorchScript (torch.jit.save) instead."
            % (path, _first_line(err)),
        )
    except (EOFError, pickle.UnpicklingError, zipfile.BadZipFile, RuntimeError, ValueError, OSError) as err:
        raise _corrupt(path, err)
    return classify(path, root)


def classify(path, root):
    if isinstance(root, torch.jit.ScriptModule):
        return Checkpoint(path, "torchscript", root, None, root)
    if isinstance(root, nn.Module):
        return Checkpoint(path, "module", root, None, root)
    if _is_tensor_dict(root):
        return Checkpoint(path, "state_dict", root, None, root)
    if isinstance(root, dict):
        for key in CONTAINER_KEYS:
            inner = root.get(key)
            if isinstance(inner, nn.Module):
                kind = "torchscript" if isinstance(inner, torch.jit.ScriptModule) else "module"
                return Checkpoint(path, kind, root, key, inner)
            if _is_tensor_dict(inner):
                return Checkpoint(path, "state_dict", root, key, inner)
        keys = ", ".join(repr(k) for k in list(root.keys())[:8])
        raise HelperError(
            "bad-input",
            "%s holds a dict (keys %s) that is neither a state_dict (names -> tensors) nor holds one under %s"
            % (path, keys or "none", " / ".join(repr(k) for k in CONTAINER_KEYS)),
        )
    raise HelperError(
        "bad-input",
        "%s holds a %s, not a model: Tunekit compresses state_dicts, pickled nn.Modules and TorchScript"
        % (path, type(root).__name__),
    )


def flat_tensors(named):
    """(name, tensor) pairs of a state_dict-like mapping, tuples of packed params flattened."""
    for name, value in named:
        if isinstance(value, torch.Tensor):
            yield name, value
        elif isinstance(value, (tuple, list)):
            for i, item in enumerate(value):
                if isinstance(item, torch.Tensor):
                    yield "%s.%d" % (name, i), item


def named_tensors(ckpt):
    """Every tensor of the checkpoint's model, by state_dict name."""
    if ckpt.kind == "state_dict":
        return list(flat_tensors(ckpt.model.items()))
    return list(flat_tensors(ckpt.model.state_dict().items()))


def is_weight(name, tensor):
    return (tensor.is_floating_point() or tensor.is_quantized) and not name.endswith(_NOT_WEIGHTS)


def zeros_of(tensor):
    if tensor.is_quantized:
        return int((tensor.int_repr() == tensor.q_zero_point()).sum().item()) if tensor.qscheme() in (
            torch.per_tensor_affine,
            torch.per_tensor_symmetric,
        ) else int((tensor.dequantize() == 0).sum().item())
    return int((tensor == 0).sum().item())


def param_count(ckpt):
    """{params, zeros} over all floating-point weight tensors of the model."""
    params = zeros = 0
    for name, tensor in named_tensors(ckpt):
        if is_weight(name, tensor):
            params += tensor.numel()
            zeros += zeros_of(tensor)
    return {"params": params, "zeros": zeros}


def dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def save_checkpoint(ckpt, dest):
    """Writes ckpt to dest through a temporary name in the same folder, then links it into place:
    dest appears whole or not at all, and an existing file is never replaced (os.link fails on it,
    where os.replace would overwrite). Same temp-name scheme as src/compress/atomic-write.ts, so
    Tunekit can clean up after a helper it had to kill."""
    if os.path.lexists(dest):
        raise HelperError("exists", "%s already exists; Tunekit never replaces a file. Choose another output path." % dest)
    folder = os.path.dirname(os.path.abspath(dest))
    temp = os.path.join(folder, ".%s.tmp-%d-%s" % (os.path.basename(dest), os.getpid(), os.urandom(3).hex()))
    try:
        with open(temp, "xb") as f:
            if ckpt.kind == "torchscript":
                torch.jit.save(ckpt.model, f)
            else:
                torch.save(ckpt.root, f)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temp, dest)
        except FileExistsError:
            raise HelperError("exists", "%s already exists; Tunekit never replaces a file." % dest)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
    return os.path.getsize(dest)
