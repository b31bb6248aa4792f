/**
 * What is clearly not a hyperparameter: paths, logging and checkpoint cadence, device and
 * distributed settings, run switches (dry run, resume), seeds, and the training length. Such
 * parameters stay in the analysis with tunable: false and a reason the user reads; they are
 * never hidden, so a user who does want to tune the number of epochs sees it and can opt in.
 *
 * Names are matched by their words (`logDir`, `log-dir`, `LOG_DIR`, `paths.log_dir` all give
 * log + dir) so one rule covers every extractor's naming.
 */
import type { JsonValue } from '../core/space/distributions';
import type { ExtractedParam } from './param-model';

export const NOT_TUNED = {
  path: 'a file or folder path',
  url: 'a URL',
  logging: 'logging / output setting, not a hyperparameter',
  evaluation: 'evaluation or checkpoint schedule, not a hyperparameter',
  evalBatch: 'evaluation batch size: changes speed, not the trained model',
  device: 'device / hardware setting',
  distributed: 'distributed-training setting',
  run: 'run control (dry run, resume, debug...), not a hyperparameter',
  seed: 'not tuned by default: a seed',
  epochs: 'epochs are kept fixed unless asked',
  steps: 'training length (steps / iterations) is kept fixed unless asked',
  hydra: "Hydra's own settings, not a hyperparameter",
  data: 'chooses the data set, not a hyperparameter',
} as const;

/** Returns the parameter marked not tunable with a reason, or unchanged when it is a hyperparameter. */
export function classifyTunable(param: ExtractedParam): ExtractedParam {
  if (!param.tunable) return param; // an extractor already decided, with its own reason
  const reason = notTunedReason(param.name, param.default, param.choices);
  return reason ? { ...param, tunable: false, notTunedReason: reason } : param;
}

/** Why a parameter with this name and default is not tuned by default; undefined when it is tuned. */
export function notTunedReason(name: string, defaultValue?: JsonValue, choices?: readonly JsonValue[]): string | undefined {
  const segments = name.split('.').filter((s) => s.length > 0);
  // `per_device_train_batch_size` is a batch size, not a device setting.
  const last = (segments[segments.length - 1] ?? name).replace(/^(per[-_]?(device|gpu)[-_])(?!(eval|evaluation|val|valid|validation|test|predict)[-_])/i, '');
  const words = wordsOf(last);
  const joined = words.join('_');
  const sections = new Set(segments.slice(0, -1).flatMap(wordsOf));
  // Hydra's own keys (hydra.run.dir, hydra.job.chdir) first: nothing under `hydra.` is a hyperparameter.
  if (segments.length > 1 && segments[0] === 'hydra') return NOT_TUNED.hydra;
  return byName(joined, new Set(words)) ?? bySection(sections) ?? byDefault(defaultValue, choices);
}

/** `learningRate` / `learning-rate` / `LEARNING_RATE` -> ['learning', 'rate']. */
export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

const PATH_WORDS = new Set(['dir', 'dirs', 'directory', 'path', 'paths', 'file', 'files', 'filename', 'filepath', 'folder', 'root', 'ckpt', 'checkpoint', 'checkpoints', 'outdir', 'logdir', 'workdir', 'savedir', 'url', 'uri']);
const PATH_NAMES = new Set(['output', 'data_root', 'out', 'save_to', 'load_from', 'pretrained', 'weights', 'resume_from', 'model_name_or_path', 'tokenizer_name', 'config_name', 'train_data', 'val_data', 'test_data']);
const LOGGING_WORDS = new Set(['log', 'logs', 'logging', 'logger', 'verbose', 'verbosity', 'quiet', 'silent', 'wandb', 'tensorboard', 'tb', 'mlflow', 'comet', 'neptune', 'print', 'tqdm', 'progress', 'plot', 'plots', 'visualize', 'viz']);
const LOGGING_NAMES = new Set(['report_to', 'run_name', 'experiment_name', 'exp_name', 'project', 'project_name', 'entity', 'tags', 'tag', 'notes', 'disable_tqdm', 'save', 'save_model', 'save_steps', 'save_strategy', 'save_total_limit', 'save_every', 'save_freq', 'save_interval', 'save_best', 'save_last', 'save_top_k', 'export']);
const CADENCE_WORDS = new Set(['every', 'interval', 'freq', 'frequency', 'period']);
const EVAL_WORDS = new Set(['eval', 'evaluation', 'val', 'valid', 'validation', 'test', 'checkpoint', 'ckpt', 'save']);
const DEVICE_WORDS = new Set(['device', 'devices', 'cuda', 'gpu', 'gpus', 'cpu', 'cpus', 'mps', 'tpu', 'tpus', 'accelerator', 'workers', 'threads', 'jobs', 'fp16', 'bf16', 'amp', 'precision', 'pin', 'prefetch', 'cudnn']);
const DEVICE_NAMES = new Set(['num_workers', 'n_workers', 'n_jobs', 'num_threads', 'no_cuda', 'use_cuda', 'use_gpu', 'n_gpu', 'num_gpus', 'mixed_precision', 'pin_memory', 'persistent_workers', 'prefetch_factor', 'compile', 'torch_compile', 'deterministic', 'benchmark', 'dataloader_num_workers', 'gradient_checkpointing']);
const DISTRIBUTED_WORDS = new Set(['distributed', 'ddp', 'fsdp', 'deepspeed', 'nccl', 'gloo', 'nnodes']);
// Not the word `rank`: a LoRA rank is a hyperparameter.
const DISTRIBUTED_NAMES = new Set(['rank', 'global_rank', 'world_size', 'local_rank', 'node_rank', 'dist_url', 'dist_backend', 'backend', 'num_nodes', 'init_method', 'master_addr', 'master_port', 'multiprocessing_distributed', 'sync_bn']);
const DATA_NAMES = new Set(['data', 'dataset', 'dataset_name', 'dataset_config_name', 'data_name']);
const RUN_NAMES = new Set(['dry_run', 'dryrun', 'resume', 'resume_from_checkpoint', 'debug', 'smoke_test', 'fast_dev_run', 'overwrite', 'overwrite_output_dir', 'overwrite_cache', 'do_train', 'do_eval', 'do_predict', 'eval_only', 'evaluate', 'test_only', 'predict', 'push_to_hub', 'hub_model_id', 'hub_token', 'download', 'no_download', 'version', 'profile', 'profiler', 'limit_train_batches', 'limit_val_batches', 'limit_test_batches']);
const SEED_NAMES = new Set(['seed', 'random_state', 'random_seed', 'rng_seed', 'manual_seed', 'data_seed', 'torch_seed', 'np_seed', 'numpy_seed']);
const EPOCH_NAMES = new Set(['epochs', 'epoch', 'num_epochs', 'n_epochs', 'max_epochs', 'min_epochs', 'nb_epochs', 'num_train_epochs', 'train_epochs', 'total_epochs', 'epoch_num', 'n_epoch', 'num_epoch']);
const STEP_NAMES = new Set(['max_steps', 'num_steps', 'n_steps', 'steps', 'total_steps', 'train_steps', 'num_train_steps', 'training_steps', 'max_iter', 'max_iters', 'iterations', 'iters', 'num_iterations', 'n_iter', 'n_iters', 'num_iters', 'max_iterations', 'total_iters', 'min_steps']);
const PATH_SECTIONS = new Set(['paths', 'path', 'dirs', 'data_paths']);
const LOGGING_SECTIONS = new Set(['logging', 'logger', 'loggers', 'wandb', 'tensorboard', 'mlflow', 'comet', 'neptune']);
const DISTRIBUTED_SECTIONS = new Set(['distributed', 'dist', 'launcher', 'ddp', 'fsdp', 'deepspeed']);

function byName(name: string, words: ReadonlySet<string>): string | undefined {
  const has = (set: ReadonlySet<string>): boolean => [...words].some((w) => set.has(w));
  // Whole names first: `dist_url` is a distributed setting before its "url" makes it a path.
  if (SEED_NAMES.has(name) || name.endsWith('_seed') || name.startsWith('seed_')) return NOT_TUNED.seed;
  if (EPOCH_NAMES.has(name)) return NOT_TUNED.epochs;
  if (STEP_NAMES.has(name)) return NOT_TUNED.steps;
  if (RUN_NAMES.has(name)) return NOT_TUNED.run;
  if (DATA_NAMES.has(name)) return NOT_TUNED.data;
  if (DISTRIBUTED_NAMES.has(name)) return NOT_TUNED.distributed;
  if (DEVICE_NAMES.has(name)) return NOT_TUNED.device;
  if (LOGGING_NAMES.has(name) || name.startsWith('save_')) return NOT_TUNED.logging;
  if (/^(per_device_)?(eval|evaluation|val|valid|validation|test|inference|predict)_batch_size$/.test(name)) return NOT_TUNED.evalBatch;
  if (/^(eval|evaluation|val|valid|validation|test)_steps$|^(eval|evaluation|val|valid|validation)_strategy$/.test(name)) return NOT_TUNED.evaluation;
  // Then words. Cadence before paths: `log_interval` and `checkpoint_every` are schedules, `log_dir` is a path.
  if (has(CADENCE_WORDS) && has(LOGGING_WORDS)) return NOT_TUNED.logging;
  if (has(CADENCE_WORDS) && has(EVAL_WORDS)) return NOT_TUNED.evaluation;
  if (has(PATH_WORDS) || PATH_NAMES.has(name) || /(dir|path|file|folder)$/.test(name)) return NOT_TUNED.path;
  if (has(LOGGING_WORDS)) return NOT_TUNED.logging;
  if (has(DISTRIBUTED_WORDS)) return NOT_TUNED.distributed;
  if (has(DEVICE_WORDS)) return NOT_TUNED.device;
  return undefined;
}

function bySection(sections: ReadonlySet<string>): string | undefined {
  const has = (set: ReadonlySet<string>): boolean => [...sections].some((w) => set.has(w));
  if (has(PATH_SECTIONS)) return NOT_TUNED.path;
  if (has(LOGGING_SECTIONS)) return NOT_TUNED.logging;
  if (has(DISTRIBUTED_SECTIONS)) return NOT_TUNED.distributed;
  return undefined;
}

const PATH_EXTENSIONS = /\.(pt|pth|ckpt|bin|safetensors|onnx|h5|hdf5|keras|pb|pkl|pickle|joblib|npz|npy|csv|tsv|json|jsonl|ya?ml|txt|log|parquet|arrow|tar|gz|zip|tfrecords?|png|jpe?g|wav|mp4)$/i;

function byDefault(value: JsonValue | undefined, choices: readonly JsonValue[] | undefined): string | undefined {
  if (typeof value !== 'string' || (choices && choices.length > 0)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return NOT_TUNED.url;
  if (looksLikePath(value)) return NOT_TUNED.path;
  return undefined;
}

/** `./data`, `/tmp/x`, `~/runs`, `C:\\data`, `runs/exp1`, `model.pt`. Not `relu`, `1e-3`, `adam`. */
export function looksLikePath(value: string): boolean {
  if (/^(~|\.{1,2})([\\/]|$)/.test(value)) return true; // ~/runs, ./data, ..
  if (/[\\/]/.test(value)) return true; // /tmp/x, runs/exp1, C:\\data
  // A sentence that happens to end in ".txt" is not a path.
  return !/\s/.test(value) && PATH_EXTENSIONS.test(value);
}
