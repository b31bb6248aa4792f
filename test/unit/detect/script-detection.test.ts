import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePython } from '../../../src/detect/python-parser';
import { detectTrainingSignals, mayContainTrainingSignals, TRAINING_SCRIPT_MIN_SCORE } from '../../../src/detect/script-detection';

async function signals(text: string): Promise<ReturnType<typeof detectTrainingSignals>> {
  const tree = await parsePython(text);
  try {
    return detectTrainingSignals(tree, text);
  } finally {
    tree.delete();
  }
}

const TORCH_TRAINING = `import argparse
import torch
from torch import nn


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()
    model = nn.Linear(4, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    for epoch in range(10):
        model.train()
        optimizer.zero_grad()
        loss = model(torch.randn(8, 4)).sum()
        loss.backward()
        optimizer.step()


if __name__ == "__main__":
    main()
`;

const TORCH_UTILITY = `import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import AutoModel


class Net(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.fc = nn.Linear(8, hidden)

    def forward(self, x):
        return F.relu(self.fc(x))
`;

test('a training script clearly outranks a module that only imports torch', async () => {
  const training = await signals(TORCH_TRAINING);
  const utility = await signals(TORCH_UTILITY);
  assert.ok(training.score >= TRAINING_SCRIPT_MIN_SCORE, `training score ${training.score}`);
  assert.ok(utility.score > 0, 'the utility module still counts as ML-related');
  assert.ok(utility.score < TRAINING_SCRIPT_MIN_SCORE, `imports alone stay below the training threshold (got ${utility.score})`);
  assert.ok(training.score >= 2 * utility.score, `${training.score} vs ${utility.score}`);
});

test('evidence says what was seen and on which line', async () => {
  const { evidence } = await signals(TORCH_TRAINING);
  const byDescription = new Map(evidence.map((e) => [e.description, e]));
  assert.equal(byDescription.get('imports torch')?.line, 2);
  assert.equal(byDescription.get('imports torch')?.kind, 'import');
  assert.equal(byDescription.get('calls loss.backward()')?.line, 16);
  assert.equal(byDescription.get('calls optimizer.step()')?.line, 17);
  assert.equal(byDescription.get('calls optimizer.zero_grad()')?.line, 14);
  assert.equal(byDescription.get('puts the model in training mode (model.train())')?.line, 13);
  assert.equal(byDescription.get('loops over epochs (for epoch in range(10))')?.line, 12);
  assert.equal(byDescription.get('runs as a script (if __name__ == "__main__")')?.kind, 'entry-point');
  // In source order, each signal once.
  assert.deepEqual(
    evidence.map((e) => e.line),
    [...evidence.map((e) => e.line)].sort((a, b) => a - b),
  );
});

test('a signal repeated many times counts once', async () => {
  const once = await signals('import torch\nloss.backward()\n');
  const many = await signals('import torch\n' + 'loss.backward()\n'.repeat(20));
  assert.equal(many.score, once.score);
  assert.equal(many.evidence.filter((e) => e.description === 'calls loss.backward()').length, 1);
});

test('many framework imports cannot make a module a training script', async () => {
  const text = ['torch', 'tensorflow', 'keras', 'jax', 'flax', 'sklearn', 'transformers', 'xgboost', 'lightgbm', 'lightning'].map((m) => `import ${m}`).join('\n');
  const { score, evidence } = await signals(text + '\n');
  assert.equal(evidence.length, 10);
  assert.ok(score < TRAINING_SCRIPT_MIN_SCORE, `score ${score}`);
});

test('framework styles: Lightning, Hugging Face, Keras, sklearn, xgboost, JAX, TF', async () => {
  const cases: [string, string, string][] = [
    ['lightning', 'import pytorch_lightning as pl\ntrainer = pl.Trainer(max_epochs=3)\ntrainer.fit(model)\n', 'calls trainer.fit()'],
    ['hugging face', 'from transformers import Trainer, TrainingArguments\ntrainer = Trainer(model=m, args=a)\ntrainer.train()\n', 'calls trainer.train()'],
    ['keras', 'from tensorflow import keras\nmodel = keras.Sequential([])\nmodel.fit(x, y, epochs=3)\n', 'calls model.fit()'],
    ['sklearn', 'from sklearn.linear_model import LogisticRegression\nclf = LogisticRegression(C=1.0)\nclf.fit(X, y)\n', 'calls clf.fit()'],
    ['xgboost', 'import xgboost as xgb\nbooster = xgb.train(params, dtrain)\n', 'calls xgb.train()'],
    ['jax', 'import jax\nimport optax\ngrads = jax.grad(loss_fn)(params)\nstate = state.apply_gradients(grads=grads)\n', 'calls state.apply_gradients()'],
    ['tensorflow', 'import tensorflow as tf\nwith tf.GradientTape() as tape:\n    loss = f()\n', 'records gradients (tf.GradientTape())'],
  ];
  for (const [name, text, expected] of cases) {
    const result = await signals(text);
    assert.ok(
      result.evidence.some((e) => e.description === expected),
      `${name}: expected "${expected}" in ${JSON.stringify(result.evidence.map((e) => e.description))}`,
    );
    assert.ok(result.score >= TRAINING_SCRIPT_MIN_SCORE, `${name}: score ${result.score}`);
  }
});

test('files without ML signals score 0, even with a __main__ entry point', async () => {
  for (const text of [
    'import os\nimport json\n\ndef main():\n    print(json.dumps(os.environ.copy()))\n\nif __name__ == "__main__":\n    main()\n',
    'from . import models\nfrom .torch import helpers\n', // relative imports are the project's own
    'def step(x):\n    return x + 1\nwalker.step()\n', // .step() on something that is not an optimizer
    '',
  ]) {
    const result = await signals(text);
    assert.equal(result.score, 0, text);
    assert.deepEqual(result.evidence, []);
  }
});

test('the __main__ guard only counts at the top level, in either order', async () => {
  const top = await signals("import torch\nif '__main__' == __name__:\n    run()\n");
  assert.ok(top.evidence.some((e) => e.kind === 'entry-point' && e.line === 2));
  const nested = await signals('import torch\ndef f():\n    if __name__ == "__main__":\n        run()\n');
  assert.ok(!nested.evidence.some((e) => e.kind === 'entry-point'));
});

test('the text prefilter never rejects a file the parser scores above 0', async () => {
  const texts = [
    TORCH_TRAINING,
    TORCH_UTILITY,
    'import pytorch_lightning as pl\n',
    'from sklearn import svm\n',
    'opt .step ()\n',
    'for EPOCH in range(N):\n    pass\n',
    'trainer = SFTTrainer(model)\n',
    'def training_step(self, batch, idx):\n    pass\n',
    'booster = lgb.train(p, d)\n',
  ];
  for (const text of texts) {
    const { score } = await signals(text);
    assert.ok(score > 0, `expected a signal in ${JSON.stringify(text)}`);
    assert.ok(mayContainTrainingSignals(text), `prefilter rejected ${JSON.stringify(text)}`);
  }
  assert.equal(mayContainTrainingSignals('import os\nprint("hello")\n'), false);
});
