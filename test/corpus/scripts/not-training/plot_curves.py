"""Plot training curves from one or more CSV logs (columns: step, and one column per metric).

    python plot_curves.py runs/a/metrics.csv runs/b/metrics.csv --metric val_loss --out curves.png
"""
import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

STYLE = "seaborn-v0_8-whitegrid"
FIGSIZE = (8, 5)
DPI = 150


def smooth(values, weight):
    """Exponential moving average, as TensorBoard's smoothing slider does."""
    out, last = [], values.iloc[0]
    for v in values:
        last = last * weight + (1 - weight) * v
        out.append(last)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("logs", nargs="+", type=Path, help="CSV files to plot")
    parser.add_argument("--metric", default="val_loss", help="column to plot against step")
    parser.add_argument("--smoothing", type=float, default=0.6, help="EMA weight in [0, 1)")
    parser.add_argument("--log-y", action="store_true", help="logarithmic y axis")
    parser.add_argument("--out", type=Path, default=Path("curves.png"))
    args = parser.parse_args()

    plt.style.use(STYLE)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    for log in args.logs:
        df = pd.read_csv(log)
        if args.metric not in df:
            print(f"{log}: no column {args.metric!r}, skipped")
            continue
        ax.plot(df["step"], df[args.metric], alpha=0.25)
        ax.plot(df["step"], smooth(df[args.metric], args.smoothing), label=log.parent.name)
    ax.set_xlabel("step")
    ax.set_ylabel(args.metric)
    if args.log_y:
        ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out, dpi=DPI)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
