/** The `tunekit` command: the engine without an editor, for terminals, CI and SSH sessions. */
import { CliUsageError } from './cli-error';
import { SHOW_USAGE, showCommand } from './commands/show';
import { TUNE_USAGE, tuneCommand } from './commands/tune';
import { DETECT_USAGE, detectCommand } from './commands/detect';
import { APPLY_USAGE, applyCommand } from './commands/apply';
import { PRUNE_USAGE, pruneCommand } from './commands/prune';
import { QUANTIZE_USAGE, quantizeCommand } from './commands/quantize';
import { DistributionError } from '../core/space/distributions';
import { StudyUsageError } from '../core/study/study';
import { JournalCorruptError } from '../core/storage/file-journal';

const USAGE = `tunekit: tune a training script's hyperparameters

${TUNE_USAGE}

${SHOW_USAGE}

${DETECT_USAGE}

${APPLY_USAGE}

${PRUNE_USAGE}

${QUANTIZE_USAGE}

Run \`tunekit COMMAND --help\` for one command.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'tune':
      return tuneCommand(rest, process.stdout, process.stderr);
    case 'show':
      return showCommand(rest, process.stdout);
    case 'detect':
      return detectCommand(rest, process.stdout);
    case 'apply':
      return applyCommand(rest, process.stdout);
    case 'prune':
      return pruneCommand(rest, { out: process.stdout, err: process.stderr });
    case 'quantize':
      return quantizeCommand(rest, { out: process.stdout, err: process.stderr });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new CliUsageError(`unknown command "${command}". Commands: tune, show, detect, apply, prune, quantize. See tunekit --help.`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known = CliUsageError.is(err) || DistributionError.is(err) || StudyUsageError.is(err) || JournalCorruptError.is(err);
    const isArgError = err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`tunekit: ${known || isArgError ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
    process.exitCode = known || isArgError ? 2 : 1;
  },
);
