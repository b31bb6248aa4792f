"""LightGBM regression for the house-prices data: fixed settings in BASE_PARAMS, the ones
worth sweeping on the command line."""
import argparse

import lightgbm as lgb
import numpy as np
import pandas as pd

BASE_PARAMS = {
    "objective": "regression",
    "metric": "rmse",
    "boosting_type": "gbdt",
    "verbosity": -1,
    "num_threads": 8,
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--train", default="data/train.csv")
    p.add_argument("--valid", default="data/valid.csv")
    p.add_argument("--num-leaves", type=int, default=31)
    p.add_argument("--learning-rate", type=float, default=0.05)
    p.add_argument("--feature-fraction", type=float, default=0.9)
    p.add_argument("--bagging-fraction", type=float, default=0.8)
    p.add_argument("--bagging-freq", type=int, default=5)
    p.add_argument("--min-data-in-leaf", type=int, default=20)
    p.add_argument("--lambda-l2", type=float, default=0.0)
    p.add_argument("--num-rounds", type=int, default=5000)
    p.add_argument("--early-stopping", type=int, default=100)
    p.add_argument("--seed", type=int, default=2024)
    return p.parse_args()


def main():
    args = parse_args()
    train_df = pd.read_csv(args.train)
    valid_df = pd.read_csv(args.valid)
    y_train = np.log1p(train_df.pop("SalePrice"))
    y_valid = np.log1p(valid_df.pop("SalePrice"))
    dtrain = lgb.Dataset(train_df, label=y_train, categorical_feature="auto")
    dvalid = lgb.Dataset(valid_df, label=y_valid, reference=dtrain)

    params = {
        **BASE_PARAMS,
        "num_leaves": args.num_leaves,
        "learning_rate": args.learning_rate,
        "feature_fraction": args.feature_fraction,
        "bagging_fraction": args.bagging_fraction,
        "bagging_freq": args.bagging_freq,
        "min_data_in_leaf": args.min_data_in_leaf,
        "lambda_l2": args.lambda_l2,
        "seed": args.seed,
    }
    model = lgb.train(
        params,
        dtrain,
        num_boost_round=args.num_rounds,
        valid_sets=[dvalid],
        callbacks=[lgb.early_stopping(args.early_stopping), lgb.log_evaluation(100)],
    )
    rmse = model.best_score["valid_0"]["rmse"]
    print(f"best_iteration={model.best_iteration} valid_rmse={rmse:.5f}")
    model.save_model("lgbm_house_prices.txt")


if __name__ == "__main__":
    main()
