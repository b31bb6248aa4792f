/** "Open Trial Log": a trial's stdout (and stderr when it has any) beside the editor. */
import { openTrialLog } from '../log/open-trial-log';
import { trialFromArg } from '../studies/study-picker';
import type { TunekitCommand } from './command-registry';

export const openTrialLogCommand: TunekitCommand = {
  id: 'tunekit.openTrialLog',
  title: 'Open Trial Log',
  async run(services, arg) {
    const ref = await trialFromArg(arg, services.studies, {
      placeHolder: 'Study of the trial',
      filter: (s) => s.counts.total > 0,
      none: 'No study has trials yet.',
      trialPlaceHolder: 'Trial whose log to open',
    });
    if (ref) await openTrialLog(ref.journal, ref.studyName, ref.number, services.log);
  },
};
