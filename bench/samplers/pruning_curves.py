"""The pruning bench's learning curves for Optuna, mirroring bench/samplers/learning-curves.ts."""
import math

import optuna

STEPS = 100


def floor(p):
    a = math.log10(p["lr"]) + 2
    b = math.log2(p["width"]) - 7
    c = p["dropout"] - 0.2
    return 0.5 + 0.12 * a * a + 0.02 * b * b + 0.8 * c * c


def rate(p):
    return 0.03 + 0.05 * ((math.log10(p["lr"]) + 4) / 4)


def noise(p, step):
    s = math.sin(12.9898 * math.log10(p["lr"]) + 78.233 * math.log2(p["width"]) + 37.719 * p["dropout"] + 0.7071 * step) * 43758.5453
    return 2 * (s - math.floor(s)) - 1


def loss(p, step, shape="exponential"):
    f = floor(p)
    if shape == "exponential":
        e = math.exp(-rate(p) * (step + 1))
    else:
        e = (1 + 2 * rate(p) * (step + 1)) ** -1.5
    return f + (3 - f) * e + (0.002 + 0.03 * e) * noise(p, step)


def make_pruner(name):
    if name == 'median{"nWarmupSteps":20}':
        return optuna.pruners.MedianPruner(n_warmup_steps=20)
    if name == 'asha{"minResource":20}':
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=20)
    if name == 'hyperband{"minResource":20}':
        return optuna.pruners.HyperbandPruner(min_resource=20, max_resource=STEPS)
    if name == "none":
        return optuna.pruners.NopPruner()
    if name == "median":
        return optuna.pruners.MedianPruner()
    if name == "percentile":
        return optuna.pruners.PercentilePruner(25.0)
    if name == "asha":
        return optuna.pruners.SuccessiveHalvingPruner()
    if name == "hyperband":
        return optuna.pruners.HyperbandPruner(max_resource=STEPS)
    if name == "threshold":
        return optuna.pruners.ThresholdPruner(upper=1.0, n_warmup_steps=50)
    if name == "patient":
        return optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(), patience=5)
    raise SystemExit(f"pruning_curves: unknown pruner {name}")


def pruning_job(job):
    shape = job.get("shape", "exponential")
    for item in job.get("curveCheck", []):
        got = loss(item["params"], item["step"], shape)
        if not math.isclose(got, item["value"], rel_tol=1e-9, abs_tol=1e-9):
            raise SystemExit(f"pruning_curves: loss disagrees with learning-curves.ts at {item}: {got}")
    space = {
        "lr": optuna.distributions.FloatDistribution(1e-4, 1, log=True),
        "width": optuna.distributions.IntDistribution(16, 512, log=True),
        "dropout": optuna.distributions.FloatDistribution(0, 0.6),
    }
    out = {}
    for name in job["pruners"]:
        runs = []
        for seed in job["seeds"]:
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed), pruner=make_pruner(name))
            best, steps, pruned = math.inf, 0, 0
            for _ in range(job["trials"]):
                trial = study.ask(space)
                value = None
                for step in range(STEPS):
                    value = loss(trial.params, step, shape)
                    steps += 1
                    trial.report(value, step)
                    if trial.should_prune():
                        break
                else:
                    study.tell(trial, value)
                    best = min(best, value)
                    continue
                pruned += 1
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            runs.append({"seed": seed, "best": best, "steps": steps, "pruned": pruned})
        out[name] = runs
    return out
