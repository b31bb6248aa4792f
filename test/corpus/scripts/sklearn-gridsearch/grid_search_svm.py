"""Exhaustive grid search over an RBF SVM for the wine-quality data, reporting the
cross-validated score of the best setting and its held-out test score."""
import json
import time

import joblib
import pandas as pd
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

DATA_PATH = "data/winequality-red.csv"
TARGET_COLUMN = "quality"
TEST_SIZE = 0.2
CV_FOLDS = 5
SCORING = "f1_macro"
N_JOBS = -1
RANDOM_STATE = 42
MAX_ITER = 20000
PARAM_GRID = {
    "svc__C": [0.1, 1, 10, 100],
    "svc__gamma": ["scale", 0.01, 0.1, 1],
    "svc__class_weight": [None, "balanced"],
}
OUTPUT_MODEL = "svm_best.joblib"


def main():
    df = pd.read_csv(DATA_PATH, sep=";")
    y = (df.pop(TARGET_COLUMN) >= 7).astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        df, y, test_size=TEST_SIZE, stratify=y, random_state=RANDOM_STATE
    )

    pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC(kernel="rbf", max_iter=MAX_ITER))])
    cv = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=RANDOM_STATE)
    search = GridSearchCV(pipe, PARAM_GRID, scoring=SCORING, cv=cv, n_jobs=N_JOBS, verbose=1)

    start = time.time()
    search.fit(X_train, y_train)
    print(f"grid search took {time.time() - start:.1f}s over {len(search.cv_results_['params'])} candidates")
    print("best params:", json.dumps(search.best_params_))
    print(f"cv_{SCORING}={search.best_score_:.4f}")

    y_pred = search.best_estimator_.predict(X_test)
    print(f"test_f1_macro={f1_score(y_test, y_pred, average='macro'):.4f}")
    print(classification_report(y_test, y_pred))
    joblib.dump(search.best_estimator_, OUTPUT_MODEL)


if __name__ == "__main__":
    main()
