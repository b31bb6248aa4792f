/** "Refresh": rescans the workspace for training scripts and re-reads every journal. */
import type { TunekitCommand } from './command-registry';

export const refreshCommand: TunekitCommand = {
  id: 'tunekit.refresh',
  title: 'Refresh',
  async run(services) {
    services.scripts.rescan();
    await services.studies.refresh();
  },
};
