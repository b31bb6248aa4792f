/** "Stop Study": a stop request through the journal; the engine is offered to be killed if it is still running 15 s later. */
import { studyFromArg } from '../studies/study-picker';
import type { TunekitCommand } from './command-registry';

export const stopStudyCommand: TunekitCommand = {
  id: 'tunekit.stopStudy',
  title: 'Stop Study',
  async run(services, arg) {
    const ref = await studyFromArg(arg, services.studies, {
      placeHolder: 'Running study to stop',
      filter: (s) => s.engine !== undefined,
      none: 'No Tunekit study is running on this machine.',
    });
    if (ref) await services.launcher.stop(ref);
  },
};
