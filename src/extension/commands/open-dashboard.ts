/** "Open Dashboard": the live dashboard of a study (the one given, a script's, or a picked one). */
import { studyFromArg } from '../studies/study-picker';
import type { TunekitCommand } from './command-registry';

export const openDashboardCommand: TunekitCommand = {
  id: 'tunekit.openDashboard',
  title: 'Open Dashboard',
  async run(services, arg) {
    const ref = await studyFromArg(arg, services.studies, {
      placeHolder: 'Study to show',
      none: 'No Tunekit study in this workspace yet. Run "Tunekit: Tune This Script", or "Tunekit: Open Optuna Journal…" for an existing study.',
    });
    if (ref) await services.dashboard.open(ref.journal, ref.studyName);
  },
};
