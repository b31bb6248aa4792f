"""Optuna's side of the sampler bench (bench/samplers/run.ts), run by Debian's /usr/bin/python3.

Reads one JSON job on stdin and prints one JSON object on stdout. The problems mirror
bench/samplers/problems.ts; a job may carry points evaluated by the TypeScript side
("check"), and the runner refuses to run when its copy of a function disagrees.
Jobs: {"kind": "study", "problem", "sampler", "seeds", "trials"},
      {"kind": "timing", "dims", "counts", "asks"},
      {"kind": "pruning", ...} (see pruning_job).
"""
import json
import math
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")


def branin(x1, x2):
    b = 5.1 / (4 * math.pi * math.pi)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))
        total -= ALPHA[i] * math.exp(-inner)
    return total


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    n = len(x)
    squares = sum(v * v for v in x)
    cosines = sum(math.cos(2 * math.pi * v) for v in x)
    return -20 * math.exp(-0.2 * math.sqrt(squares / n)) - math.exp(cosines / n) + 20 + math.e


MIXED_OFFSET = {"sgd": 0.6, "adam": 0.0, "rmsprop": 0.3}


def mixed(p):
    u = (p["layers"] - 5) / 2
    v = math.log10(p["lr"]) + 2.5
    w = math.log10(p["wd"]) + 4
    return MIXED_OFFSET[p["optimizer"]] + u * u + v * v + 0.5 * u * v + 0.5 * w * w


def zdt(x, kind):
    f1 = x[0]
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    r = f1 / g
    return [f1, g * (1 - (math.sqrt(r) if kind == 1 else r * r))]


def floats(n, low, high):
    return {f"x{i}": optuna.distributions.FloatDistribution(low, high) for i in range(n)}


def vec(p, n):
    return [p[f"x{i}"] for i in range(n)]


PROBLEMS = {
    "branin": (
        {"x0": optuna.distributions.FloatDistribution(-5, 10), "x1": optuna.distributions.FloatDistribution(0, 15)},
        1,
        lambda p: [branin(p["x0"], p["x1"])],
    ),
    "hartmann6": (floats(6, 0, 1), 1, lambda p: [hartmann6(vec(p, 6))]),
    "rosenbrock5": (floats(5, -5, 10), 1, lambda p: [rosenbrock(vec(p, 5))]),
    "ackley10": (floats(10, -32.768, 32.768), 1, lambda p: [ackley(vec(p, 10))]),
    "mixed": (
        {
            "optimizer": optuna.distributions.CategoricalDistribution(["sgd", "adam", "rmsprop"]),
            "layers": optuna.distributions.IntDistribution(1, 12),
            "lr": optuna.distributions.FloatDistribution(1e-5, 1, log=True),
            "wd": optuna.distributions.FloatDistribution(1e-7, 1e-1, log=True),
        },
        1,
        lambda p: [mixed(p)],
    ),
    "zdt1": (floats(30, 0, 1), 2, lambda p: zdt(vec(p, 30), 1)),
    "zdt2": (floats(30, 0, 1), 2, lambda p: zdt(vec(p, 30), 2)),
}


def make_sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "qmc":
        return optuna.samplers.QMCSampler(seed=seed)
    raise SystemExit(f"optuna_runner: unknown sampler {name}")


def hypervolume2d(points, ref):
    inside = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    volume, floor = 0.0, ref[1]
    for x, y in inside:
        if y < floor:
            volume += (ref[0] - x) * (floor - y)
            floor = y
    return volume


def check(job):
    for item in job.get("check", []):
        space, _, fn = PROBLEMS[item["problem"]]
        got = fn(item["params"])
        for a, b in zip(got, item["values"]):
            if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                raise SystemExit(f"optuna_runner: {item['problem']} disagrees with problems.ts at {item['params']}: {got} vs {item['values']}")


def study_job(job):
    space, n_obj, fn = PROBLEMS[job["problem"]]
    out = []
    for seed in job["seeds"]:
        study = optuna.create_study(directions=["minimize"] * n_obj, sampler=make_sampler(job["sampler"], seed))
        t0 = time.perf_counter()
        points = []
        best = math.inf
        for _ in range(job["trials"]):
            trial = study.ask(space)
            values = fn(trial.params)
            study.tell(trial, values if n_obj > 1 else values[0])
            if n_obj == 1:
                best = min(best, values[0])
            else:
                points.append(values)
        seconds = time.perf_counter() - t0
        if n_obj == 1:
            out.append({"seed": seed, "best": best, "seconds": seconds})
        else:
            # The references of problems.ts: (1.1, 11) counts every point; (1.1, 1.1) is the usual one.
            out.append({"seed": seed, "best": hypervolume2d(points, [1.1, 11]), "tight": hypervolume2d(points, [1.1, 1.1]), "seconds": seconds})
    return out


def timing_job(job):
    """Seconds per ask (sampling every parameter) with `count` completed trials of a d-D space."""
    import random

    space = floats(job["dims"], 0, 1)
    rng = random.Random(0)
    out = {}
    for count in job["counts"]:
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
        trials = []
        for _ in range(count):
            params = {k: rng.random() for k in space}
            trials.append(optuna.trial.create_trial(params=params, distributions=space, value=sum((v - 0.3) ** 2 for v in params.values())))
        study.add_trials(trials)
        times = []
        for _ in range(job["asks"]):
            t0 = time.perf_counter()
            trial = study.ask(space)
            times.append(time.perf_counter() - t0)
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        times.sort()
        out[str(count)] = times[len(times) // 2]
    return out


def main():
    job = json.load(sys.stdin)
    check(job)
    kind = job["kind"]
    if kind == "study":
        result = study_job(job)
    elif kind == "timing":
        result = timing_job(job)
    elif kind == "pruning":
        from pruning_curves import pruning_job

        result = pruning_job(job)
    else:
        raise SystemExit(f"optuna_runner: unknown job kind {kind}")
    # JSON has no Infinity (a run whose every trial was pruned has no best): write null.
    json.dump({"optuna": optuna.__version__, "result": finite_or_null(result)}, sys.stdout, allow_nan=False)


def finite_or_null(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_or_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite_or_null(v) for v in value]
    return value


if __name__ == "__main__":
    main()
