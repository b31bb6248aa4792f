/** "Apply Trial Parameters": one completed trial's values become the script's defaults. */
import { applyTrialParameters } from '../apply/apply-parameters';
import { trialFromArg } from '../studies/study-picker';
import type { TunekitCommand } from './command-registry';

export const applyTrialParametersCommand: TunekitCommand = {
  id: 'tunekit.applyTrialParameters',
  title: 'Apply Trial Parameters',
  async run(services, arg) {
    const ref = await trialFromArg(arg, services.studies, {
      placeHolder: 'Study of the trial to apply',
      filter: (s) => s.counts.complete > 0,
      none: 'No study has a completed trial yet.',
      trialFilter: (t) => t.state === 'complete',
      trialPlaceHolder: 'Completed trial whose parameters to apply',
    });
    if (ref) await applyTrialParameters(ref.journal, ref.studyName, ref.number, services.log);
  },
};
