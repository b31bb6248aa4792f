/** "Apply Best Parameters": the best trial's values become the script's defaults (diff preview, one undoable edit). */
import { applyTrialParameters } from '../apply/apply-parameters';
import { studyFromArg } from '../studies/study-picker';
import type { TunekitCommand } from './command-registry';

export const applyBestParametersCommand: TunekitCommand = {
  id: 'tunekit.applyBestParameters',
  title: 'Apply Best Parameters',
  async run(services, arg) {
    const ref = await studyFromArg(arg, services.studies, {
      placeHolder: 'Study whose best parameters to apply',
      filter: (s) => s.best !== undefined,
      none: 'No study has a completed trial yet, so there are no best parameters to apply.',
    });
    if (ref) await applyTrialParameters(ref.journal, ref.studyName, 'best', services.log);
  },
};
