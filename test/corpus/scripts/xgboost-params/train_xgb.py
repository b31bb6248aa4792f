"""XGBoost binary classifier on the HIGGS subset (train.parquet / valid.parquet in --data-dir).
Booster parameters live in PARAMS; the boosting loop is controlled from the command line."""
import argparse
import os

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score

PARAMS = {
    "objective": "binary:logistic",
    "eval_metric": "auc",
    "tree_method": "hist",
    "max_depth": 6,
    "eta": 0.1,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 1,
    "lambda": 1.0,
    "alpha": 0.0,
    "nthread": 4,
}

DATA_DIR = "data/higgs"


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--num-boost-round", type=int, default=2000, help="upper bound; early stopping usually ends sooner")
    parser.add_argument("--early-stopping-rounds", type=int, default=50)
    parser.add_argument("--model-out", default="xgb_higgs.json")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def load(path):
    df = pd.read_parquet(path)
    label = df.pop("label").values
    return xgb.DMatrix(df.values.astype(np.float32), label=label, feature_names=list(df.columns))


def main():
    args = parse_args()
    dtrain = load(os.path.join(args.data_dir, "train.parquet"))
    dvalid = load(os.path.join(args.data_dir, "valid.parquet"))
    params = dict(PARAMS, seed=args.seed)
    booster = xgb.train(
        params,
        dtrain,
        num_boost_round=args.num_boost_round,
        evals=[(dtrain, "train"), (dvalid, "valid")],
        early_stopping_rounds=args.early_stopping_rounds,
        verbose_eval=50,
    )
    preds = booster.predict(dvalid, iteration_range=(0, booster.best_iteration + 1))
    print(f"best_iteration={booster.best_iteration} valid_auc={roc_auc_score(dvalid.get_label(), preds):.5f}")
    booster.save_model(args.model_out)


if __name__ == "__main__":
    main()
