/**
 * How fast `scanWorkspace` finds the training scripts of a large repository: a generated tree
 * of 5,000 Python files (mostly plain modules, some utility modules importing torch, ~50
 * training scripts in several styles, and a virtual environment, node_modules and build output
 * that must be skipped), scanned twice (cold: the parser's WASM is loaded; warm), plus the
 * time to parse and to fully analyse one typical training script.
 *
 *   npx tsx bench/detect-workspace.ts [files]      (default 5000)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeIfTraining, analyzeText } from '../src/detect/analyze-script';
import { parsePython } from '../src/detect/python-parser';
import { mayContainTrainingSignals, TRAINING_SCRIPT_MIN_SCORE } from '../src/detect/script-detection';
import { findPythonFiles, scanWorkspace } from '../src/detect/workspace-scan';

const TOTAL = Number(process.argv[2] ?? 5000);
const TRAINING_SCRIPTS = 50;
const SHARE = { torchUtilities: 0.1, venv: 0.16, nodeModules: 0.02, build: 0.02 };

// ---------------------------------------------------------------- templates

function plainModule(i: number): string {
  switch (i % 5) {
    case 0:
      return `"""String helpers ${i}."""
import re
from typing import Iterable

SEPARATOR = "-"
MAX_LEN = ${40 + (i % 20)}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", SEPARATOR, text.lower()).strip(SEPARATOR)[:MAX_LEN]


def join_all(parts: Iterable[str]) -> str:
    return SEPARATOR.join(slugify(p) for p in parts)


class Registry:
    def __init__(self):
        self._items = {}

    def register(self, name, value):
        if name in self._items:
            raise KeyError(f"{name} already registered")
        self._items[name] = value

    def get(self, name):
        return self._items[name]
`;
    case 1:
      return `import argparse
import json
import os
import sys


def parse_args():
    parser = argparse.ArgumentParser(description="export report ${i}")
    parser.add_argument("--input", default="report.json")
    parser.add_argument("--format", choices=["csv", "md"], default="md")
    parser.add_argument("--limit", type=int, default=${i % 100})
    return parser.parse_args()


def main():
    args = parse_args()
    with open(args.input) as f:
        rows = json.load(f)
    for row in rows[: args.limit]:
        sys.stdout.write(",".join(str(v) for v in row.values()) + os.linesep)


if __name__ == "__main__":
    main()
`;
    case 2:
      return `from dataclasses import dataclass, field
from datetime import datetime
from typing import List, Optional


@dataclass
class Order${i}:
    id: int
    customer: str
    items: List[str] = field(default_factory=list)
    created: datetime = field(default_factory=datetime.now)
    note: Optional[str] = None

    def total(self, prices):
        return sum(prices[item] for item in self.items)

    def describe(self):
        return f"order {self.id} for {self.customer}: {len(self.items)} items"
`;
    case 3:
      return `import numpy as np
import pandas as pd

WINDOW = ${3 + (i % 7)}


def rolling_mean(values):
    series = pd.Series(values)
    return series.rolling(WINDOW).mean().to_numpy()


def normalize(matrix):
    matrix = np.asarray(matrix, dtype=float)
    return (matrix - matrix.mean(axis=0)) / (matrix.std(axis=0) + 1e-9)


def summarize(frame):
    return frame.describe().T[["mean", "std", "min", "max"]]
`;
    default:
      return `import pytest

from app.handlers import handle_request


@pytest.fixture
def request_${i}():
    return {"path": "/items/${i}", "method": "GET", "headers": {}}


def test_ok(request_${i}):
    response = handle_request(request_${i})
    assert response.status == 200


def test_not_found():
    response = handle_request({"path": "/missing", "method": "GET", "headers": {}})
    assert response.status == 404
`;
  }
}

function torchUtility(i: number): string {
  return i % 2 === 0
    ? `"""Model blocks ${i}: imported by the training scripts, trains nothing."""
import torch
from torch import nn
import torch.nn.functional as F


class Block${i}(nn.Module):
    def __init__(self, channels=64, dropout=0.1):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.norm = nn.BatchNorm2d(channels)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return x + self.drop(F.relu(self.norm(self.conv(x))))
`
    : `import torch
from torch.utils.data import Dataset


class Windows${i}(Dataset):
    def __init__(self, tensor, size=32):
        self.tensor = tensor
        self.size = size

    def __len__(self):
        return len(self.tensor) - self.size

    def __getitem__(self, idx):
        return self.tensor[idx : idx + self.size], self.tensor[idx + self.size]
`;
}

const TRAINING_STYLES = [
  (i: number) => `"""PyTorch training script ${i}."""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

HIDDEN = ${64 + i}


def get_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-interval", type=int, default=10)
    parser.add_argument("--data-dir", default="./data")
    return parser.parse_args()


def evaluate(model, loader):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for x, y in loader:
            total += F.cross_entropy(model(x), y).item()
    return total / len(loader)


def main():
    args = get_args()
    torch.manual_seed(args.seed)
    model = nn.Sequential(nn.Linear(784, HIDDEN), nn.ReLU(), nn.Dropout(args.dropout), nn.Linear(HIDDEN, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    for epoch in range(args.epochs):
        model.train()
        for step in range(100):
            x = torch.randn(args.batch_size, 784)
            y = torch.randint(0, 10, (args.batch_size,))
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            if step % args.log_interval == 0:
                print(f"epoch {epoch} step {step} loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
`,
  (i: number) => `import click
import pytorch_lightning as pl
import torch
from torch import nn


class Lit${i}(pl.LightningModule):
    def __init__(self, lr, hidden):
        super().__init__()
        self.lr = lr
        self.net = nn.Linear(32, hidden)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.mse_loss(self.net(x), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


@click.command()
@click.option("--lr", type=float, default=3e-4)
@click.option("--hidden", type=int, default=64)
@click.option("--max-epochs", type=int, default=5)
def main(lr, hidden, max_epochs):
    trainer = pl.Trainer(max_epochs=max_epochs)
    trainer.fit(Lit${i}(lr, hidden))


if __name__ == "__main__":
    main()
`,
  (i: number) => `from absl import app, flags
from tensorflow import keras

FLAGS = flags.FLAGS
flags.DEFINE_float("learning_rate", 0.001, "Adam learning rate.")
flags.DEFINE_integer("units", ${32 + i}, "Hidden units.")
flags.DEFINE_enum("activation", "relu", ["relu", "tanh"], "Activation.")


def main(argv):
    del argv
    model = keras.Sequential([keras.layers.Dense(FLAGS.units, activation=FLAGS.activation), keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.Adam(FLAGS.learning_rate), loss="mse")
    model.fit(x_train, y_train, epochs=3)


if __name__ == "__main__":
    app.run(main)
`,
  (i: number) => `from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

N_ESTIMATORS = ${100 + i}
MAX_DEPTH = 8
MIN_SAMPLES_LEAF = 2
RANDOM_STATE = 0

x, y = load_digits(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(x, y, random_state=RANDOM_STATE)
clf = RandomForestClassifier(n_estimators=N_ESTIMATORS, max_depth=MAX_DEPTH, min_samples_leaf=MIN_SAMPLES_LEAF)
clf.fit(x_train, y_train)
print(f"val_acc={clf.score(x_val, y_val):.4f}")
`,
  (i: number) => `from dataclasses import dataclass, field

from transformers import HfArgumentParser, Trainer, TrainingArguments


@dataclass
class ModelArguments${i}:
    model_name_or_path: str = field(default="distilbert-base-uncased")
    dropout: float = 0.1
    lora_rank: int = 8


def main():
    parser = HfArgumentParser((ModelArguments${i}, TrainingArguments))
    model_args, training_args = parser.parse_args_into_dataclasses()
    trainer = Trainer(model=build(model_args), args=training_args)
    trainer.train()


if __name__ == "__main__":
    main()
`,
];

// ---------------------------------------------------------------- the tree

function writeTree(root: string): { trainingScripts: Set<string>; counts: Record<string, number> } {
  const write = (rel: string, text: string): void => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const n = {
    venv: Math.round(TOTAL * SHARE.venv),
    nodeModules: Math.round(TOTAL * SHARE.nodeModules),
    build: Math.round(TOTAL * SHARE.build),
    torchUtilities: Math.round(TOTAL * SHARE.torchUtilities),
    training: TRAINING_SCRIPTS,
    plain: 0,
  };
  n.plain = TOTAL - n.venv - n.nodeModules - n.build - n.torchUtilities - n.training;
  // Packages of about 20 modules, three levels deep, as in a real repository.
  const place = (kind: string, i: number): string => `src/pkg${Math.floor(i / 400)}/${kind}${Math.floor(i / 20) % 20}/m${i}.py`;
  for (let i = 0; i < n.plain; i++) write(place('mod', i), plainModule(i));
  for (let i = 0; i < n.torchUtilities; i++) write(place('nn', i), torchUtility(i));
  const trainingScripts = new Set<string>();
  for (let i = 0; i < n.training; i++) {
    const rel = `experiments/exp${i}/train_${i}.py`;
    write(rel, (TRAINING_STYLES[i % TRAINING_STYLES.length] as (i: number) => string)(i));
    trainingScripts.add(path.join(root, rel));
  }
  // What must be skipped holds training-looking code, so a scan that enters it would show.
  write('venv/pyvenv.cfg', 'home = /usr/bin\nversion = 3.11.2\n');
  for (let i = 0; i < n.venv; i++) {
    write(`venv/lib/python3.11/site-packages/pkg${i % 40}/m${i}.py`, i % 3 === 0 ? (TRAINING_STYLES[0] as (i: number) => string)(i) : torchUtility(i));
  }
  for (let i = 0; i < n.nodeModules; i++) write(`node_modules/node-gyp/gyp/pylib/m${i}.py`, plainModule(i));
  for (let i = 0; i < n.build; i++) write(`build/lib/pkg/m${i}.py`, i % 2 ? torchUtility(i) : (TRAINING_STYLES[1] as (i: number) => string)(i));
  return { trainingScripts, counts: n };
}

// ---------------------------------------------------------------- measure

function ms(t0: number): number {
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-detect-bench-'));
  try {
    const t0 = performance.now();
    const { trainingScripts, counts } = writeTree(root);
    console.log(`generated ${TOTAL} Python files in ${(ms(t0) / 1000).toFixed(1)} s under ${root}`);
    console.log(
      `  ${counts.plain} plain modules, ${counts.torchUtilities} utility modules importing torch, ${counts.training} training scripts; ` +
        `to skip: ${counts.venv} in venv/, ${counts.nodeModules} in node_modules/, ${counts.build} in build/`,
    );

    const { files } = await findPythonFiles(root);
    const candidates = files.filter((f) => mayContainTrainingSignals(fs.readFileSync(f, 'utf8'))).length;
    console.log(`  in scope: ${files.length} files; the text prefilter passes ${candidates} of them to the parser\n`);

    console.log('scanWorkspace                    time      files/s (in scope)   found   training scripts (score >= 5)');
    for (const label of ['cold (loads the parser)', 'warm']) {
      const start = performance.now();
      const found = await scanWorkspace(root);
      const elapsed = ms(start);
      const training = found.filter((a) => a.score >= TRAINING_SCRIPT_MIN_SCORE);
      const allFound = [...trainingScripts].every((f) => training.some((a) => a.file === f));
      const topAreTraining = found.slice(0, trainingScripts.size).every((a) => trainingScripts.has(a.file));
      console.log(
        `  ${label.padEnd(30)} ${`${elapsed.toFixed(0)} ms`.padEnd(9)} ${String(Math.round(files.length / (elapsed / 1000))).padEnd(20)} ${String(found.length).padEnd(7)} ${training.length}` +
          `${allFound && topAreTraining ? '  (all 50 training scripts found, ranked first)' : '  (MISSED OR MISRANKED training scripts)'}`,
      );
    }

    // Where the time goes: walking, reading + prefiltering, analysing the candidates.
    let t = performance.now();
    const walked = await findPythonFiles(root);
    const walk = ms(t);
    t = performance.now();
    const texts = walked.files.map((f) => [f, fs.readFileSync(f, 'utf8')] as const).filter(([, text]) => mayContainTrainingSignals(text));
    const read = ms(t);
    t = performance.now();
    for (const [f, text] of texts) await analyzeIfTraining(f, text);
    const analyse = ms(t);
    console.log(`  breakdown (warm): walk ${walk.toFixed(0)} ms, read + prefilter ${read.toFixed(0)} ms, analyse ${texts.length} candidates ${analyse.toFixed(0)} ms (${(analyse / texts.length).toFixed(2)} ms each)`);

    const script = fs.readFileSync([...trainingScripts][0] as string, 'utf8');
    const lines = script.split('\n').length;
    const parses: number[] = [];
    const analyses: number[] = [];
    for (let i = 0; i < 300; i++) {
      t = performance.now();
      const tree = await parsePython(script);
      parses.push(ms(t));
      tree.delete();
      t = performance.now();
      await analyzeText(path.join(root, 'train.py'), script);
      analyses.push(ms(t));
    }
    console.log(`\none typical training script (${lines} lines, argparse + torch), 300 runs:`);
    console.log(`  parse:                median ${median(parses).toFixed(3)} ms`);
    console.log(`  analyzeText (parse, score, every extractor, merge): median ${median(analyses).toFixed(3)} ms`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
