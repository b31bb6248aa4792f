import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractDataclasses } from '../../../../src/detect/extractors/dataclasses';
import type { ExtractionResult } from '../../../../src/detect/extractors/extractor';
import type { ExtractedParam } from '../../../../src/detect/param-model';
import { moduleConstants } from '../../../../src/detect/python-literal';
import { parsePython } from '../../../../src/detect/python-parser';
import { runPythonJson } from '../../../helpers/debian-python';

async function extract(text: string): Promise<ExtractionResult> {
  const tree = await parsePython(text);
  return await extractDataclasses({ file: '/project/run_glue.py', text, tree, constants: moduleConstants(tree) });
}

function param(result: ExtractionResult, dest: string): ExtractedParam {
  const found = result.params.find((p) => p.dest === dest);
  assert.ok(found, `${dest} is listed`);
  return found;
}

function written(text: string, p: ExtractedParam): string | undefined {
  const { valueStart, valueEnd } = p.location;
  return valueStart === undefined ? undefined : text.slice(valueStart, valueEnd);
}

describe('Hugging Face dataclasses passed to HfArgumentParser', () => {
  const script = [
    'from dataclasses import dataclass, field', // 1
    'from typing import Literal, Optional', // 2
    'from transformers import HfArgumentParser, TrainingArguments', // 3
    '', // 4
    '@dataclass', // 5
    'class ModelArguments:', // 6
    '    """Which model to fine-tune."""', // 7
    '    model_name_or_path: str = field(', // 8
    '        metadata={"help": "Path to pretrained model or model identifier "', // 9
    '                          "from huggingface.co/models"}', // 10
    '    )', // 11
    '    dropout: Optional[float] = field(default=0.1, metadata={"help": "Dropout of the classifier head."})', // 12
    '    pooling: Literal["mean", "cls"] = "mean"', // 13
    '    freeze_encoder: bool = False', // 14
    '    hidden_sizes: list[int] = field(default_factory=lambda: [256, 128])', // 15
    '    tags: list[str] = field(default_factory=list)', // 16
    '', // 17
    '@dataclass', // 18
    'class DataTrainingArguments:', // 19
    '    max_seq_length: int = field(default=128, metadata=dict(help="Longest input after tokenization."))', // 20
    '    task_name: Optional[str] = field(default=None, metadata={"help": "GLUE task", "choices": ["cola", "sst2"]})', // 21
    '    cache: ClassVar[int] = 3', // 22
    '    derived: int = field(init=False, default=0)', // 23
    '', // 24
    'def main():', // 25
    '    parser = HfArgumentParser((ModelArguments, DataTrainingArguments, TrainingArguments))', // 26
    '    model_args, data_args, training_args = parser.parse_args_into_dataclasses()', // 27
    '',
  ].join('\n');

  test('fields become --field_name flags with types, defaults, help, choices and exact value ranges', async () => {
    const result = await extract(script);
    const name = param(result, 'ModelArguments.model_name_or_path');
    assert.deepEqual(
      { name: name.name, flag: name.flag, source: name.source, type: name.type, line: name.location.line, column: name.location.column },
      { name: 'model_name_or_path', flag: '--model_name_or_path', source: 'dataclass', type: 'str', line: 8, column: 5 },
    );
    assert.equal(name.default, undefined, 'a required field has no default');
    assert.equal(name.help, 'Path to pretrained model or model identifier from huggingface.co/models');

    const dropout = param(result, 'ModelArguments.dropout');
    assert.equal(dropout.type, 'float');
    assert.equal(dropout.default, 0.1);
    assert.equal(written(script, dropout), '0.1', 'the range is the literal inside field(default=...)');
    assert.equal(dropout.location.line, 12);
    assert.equal(dropout.help, 'Dropout of the classifier head.');

    const pooling = param(result, 'ModelArguments.pooling');
    assert.deepEqual([pooling.type, pooling.default, pooling.choices, written(script, pooling)], ['str', 'mean', ['mean', 'cls'], '"mean"']);

    const freeze = param(result, 'ModelArguments.freeze_encoder');
    assert.deepEqual([freeze.type, freeze.default, freeze.boolStyle, freeze.flag], ['bool', false, 'value', '--freeze_encoder']);

    const hidden = param(result, 'ModelArguments.hidden_sizes');
    assert.deepEqual([hidden.type, hidden.default, written(script, hidden)], ['list', [256, 128], '[256, 128]']);

    const tags = param(result, 'ModelArguments.tags');
    assert.deepEqual([tags.type, tags.default, tags.location.valueStart], ['list', undefined, undefined], 'default_factory=list: no literal to rewrite');

    const seq = param(result, 'DataTrainingArguments.max_seq_length');
    assert.deepEqual([seq.default, seq.help, written(script, seq), seq.flag], [128, 'Longest input after tokenization.', '128', '--max_seq_length']);
    const task = param(result, 'DataTrainingArguments.task_name');
    assert.deepEqual([task.type, task.default, task.choices], ['str', null, ['cola', 'sst2']]);

    assert.equal(result.params.some((p) => p.name === 'cache' || p.name === 'derived'), false, 'ClassVar and init=False are not settable');
  });

  test("TrainingArguments' well-known fields are flags too, located at the parser call (nothing to rewrite)", async () => {
    const result = await extract(script);
    const lr = param(result, 'TrainingArguments.learning_rate');
    assert.deepEqual([lr.name, lr.flag, lr.type, lr.default, lr.location.line, lr.location.valueStart], ['learning_rate', '--learning_rate', 'float', 5e-5, 26, undefined]);
    const batch = param(result, 'TrainingArguments.per_device_train_batch_size');
    assert.deepEqual([batch.type, batch.default], ['int', 8]);
    assert.ok(param(result, 'TrainingArguments.lr_scheduler_type').choices?.includes('cosine'));
  });

  test('a local subclass of TrainingArguments: its own fields replace the library defaults', async () => {
    const text = [
      'from dataclasses import dataclass',
      'import transformers',
      '@dataclass',
      'class MyTrainingArguments(transformers.TrainingArguments):',
      '    learning_rate: float = 1e-4',
      'parser = transformers.HfArgumentParser(MyTrainingArguments)',
      '',
    ].join('\n');
    const result = await extract(text);
    const lrs = result.params.filter((p) => p.name === 'learning_rate');
    assert.equal(lrs.length, 1);
    assert.deepEqual([lrs[0]!.dest, lrs[0]!.default, lrs[0]!.flag, written(text, lrs[0]!)], ['MyTrainingArguments.learning_rate', 1e-4, '--learning_rate', '1e-4']);
    assert.equal(param(result, 'TrainingArguments.weight_decay').default, 0);
  });
});

describe('dataclasses read as config objects', () => {
  const module = [
    'import dataclasses', // 1
    'from dataclasses import dataclass, field', // 2
    'from typing import ClassVar, Optional', // 3
    'BASE_LR = 3e-4', // 4
    '', // 5
    '@dataclasses.dataclass(frozen=True)', // 6
    'class OptimConfig:', // 7
    '    lr: float = BASE_LR', // 8
    '    betas: tuple = (0.9, 0.95)', // 9
    '    warmup_steps: "int" = 2 ** 10', // 10
    '', // 11
    '@dataclass', // 12
    'class TrainConfig:', // 13
    '    optim: OptimConfig = field(default_factory=OptimConfig)', // 14
    '    epochs: int = 10', // 15
    '    compile: bool = True', // 16
    '    grad_clip: Optional[float] = None', // 17
    '    registry: ClassVar[dict] = {}', // 18
    '    note = "a class attribute, not a field"', // 19
    '', // 20
    'class NotADataclass:', // 21
    '    width: int = 3', // 22
    '',
  ].join('\n');

  test('fields are listed with source dataclass and no flag; nested configs and non-fields are skipped', async () => {
    const result = await extract(module);
    assert.deepEqual(
      result.params.map((p) => [p.dest, p.type, p.default, p.location.line, p.flag]),
      [
        ['OptimConfig.lr', 'float', 3e-4, 8, undefined],
        ['OptimConfig.betas', 'list', [0.9, 0.95], 9, undefined],
        ['OptimConfig.warmup_steps', 'int', 1024, 10, undefined],
        ['TrainConfig.epochs', 'int', 10, 15, undefined],
        ['TrainConfig.compile', 'bool', true, 16, undefined],
        ['TrainConfig.grad_clip', 'float', null, 17, undefined],
      ],
    );
    assert.ok(result.params.every((p) => p.source === 'dataclass' && p.boolStyle === undefined));
  });

  test('a default taken from a module constant points at the constant, which is reported consumed', async () => {
    const result = await extract(module);
    const lr = param(result, 'OptimConfig.lr');
    assert.equal(lr.defaultText, 'BASE_LR');
    assert.equal(written(module, lr), '3e-4');
    assert.deepEqual(result.consumedConstants, ['BASE_LR']);
  });

  test('the defaults shown are the ones Python gives the dataclass (real Python)', async () => {
    const runnable = module.replace(/^class NotADataclass:[\s\S]*$/m, '');
    const python = [
      'import dataclasses, json, sys',
      'ns = {}',
      'exec(sys.argv[1], ns)',
      'out = {}',
      'for cls in (ns["OptimConfig"], ns["TrainConfig"]):',
      '    for f in dataclasses.fields(cls):',
      '        if f.default is not dataclasses.MISSING:',
      '            v = f.default',
      '            out[cls.__name__ + "." + f.name] = list(v) if isinstance(v, tuple) else v',
      'print(json.dumps(out))',
    ].join('\n');
    const actual = runPythonJson(python, [runnable]) as Record<string, unknown>;
    const result = await extract(module);
    const extracted = Object.fromEntries(result.params.filter((p) => p.default !== undefined).map((p) => [p.dest, p.default]));
    assert.deepEqual(extracted, actual);
  });
});

describe('tyro.cli(Args)', () => {
  test('fields become --kebab-case flags; booleans are --flag / --no-flag pairs', async () => {
    const text = [
      'import tyro',
      'from dataclasses import dataclass',
      '@dataclass',
      'class Args:',
      '    learning_rate: float = 2.5e-4',
      '    num_envs: int = 4',
      '    anneal_lr: bool = True',
      'if __name__ == "__main__":',
      '    args = tyro.cli(Args)',
      '',
    ].join('\n');
    const result = await extract(text);
    assert.deepEqual(
      result.params.map((p) => [p.name, p.flag, p.boolStyle]),
      [
        ['learning_rate', '--learning-rate', undefined],
        ['num_envs', '--num-envs', undefined],
        ['anneal_lr', '--anneal-lr', 'paired-flags'],
      ],
    );
  });
});
