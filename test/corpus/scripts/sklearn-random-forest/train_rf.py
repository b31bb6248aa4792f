"""Random forest on a CSV with a label column; prints validation accuracy and ROC AUC."""
import argparse

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split


def get_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="data/churn.csv", help="CSV file with features and the label")
    parser.add_argument("--target", default="churned", help="name of the label column")
    parser.add_argument("--n-estimators", type=int, default=300)
    parser.add_argument("--max-depth", type=int, default=None, help="None grows trees until leaves are pure")
    parser.add_argument("--min-samples-split", type=int, default=2)
    parser.add_argument("--min-samples-leaf", type=int, default=1)
    parser.add_argument("--max-features", default="sqrt", choices=["sqrt", "log2"])
    parser.add_argument("--criterion", default="gini", choices=["gini", "entropy", "log_loss"])
    parser.add_argument("--bootstrap", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--test-size", type=float, default=0.2)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--output", default="rf_model.joblib", help="where to write the fitted model")
    return parser.parse_args()


def main():
    args = get_args()
    df = pd.read_csv(args.data)
    y = df.pop(args.target).astype(int).values
    X = pd.get_dummies(df, drop_first=True).values.astype(np.float32)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=args.test_size,
                                                      random_state=args.random_state, stratify=y)
    clf = RandomForestClassifier(
        n_estimators=args.n_estimators,
        max_depth=args.max_depth,
        min_samples_split=args.min_samples_split,
        min_samples_leaf=args.min_samples_leaf,
        max_features=args.max_features,
        criterion=args.criterion,
        bootstrap=args.bootstrap,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
    )
    clf.fit(X_train, y_train)
    proba = clf.predict_proba(X_val)[:, 1]
    print(f"val_accuracy={accuracy_score(y_val, proba > 0.5):.4f}")
    print(f"val_auc={roc_auc_score(y_val, proba):.4f}")
    joblib.dump(clf, args.output)


if __name__ == "__main__":
    main()
