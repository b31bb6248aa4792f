/** "Stop Trial": asks the engine, through the journal, to stop one running trial (it ends as pruned). */
import * as vscode from 'vscode';
import { loadStudy } from '../../core/study/study';
import { requestStopTrial } from '../../engine/run-control';
import { trialFromArg } from '../studies/study-picker';
import type { TunekitCommand } from './command-registry';

export const stopTrialCommand: TunekitCommand = {
  id: 'tunekit.stopTrial',
  title: 'Stop Trial',
  async run(services, arg) {
    const ref = await trialFromArg(arg, services.studies, {
      placeHolder: 'Study of the trial to stop',
      filter: (s) => s.counts.running > 0,
      none: 'No trial is running.',
      trialFilter: (t) => t.state === 'running',
      trialPlaceHolder: 'Running trial to stop',
    });
    if (!ref) return;
    const study = loadStudy({ storage: ref.journal, studyName: ref.studyName, onWarning: (m) => services.log.warn(m) });
    try {
      const state = study.trial(ref.number).state;
      if (state !== 'running') {
        void vscode.window.showInformationMessage(`Trial ${ref.number} of study "${ref.studyName}" is ${state === 'fail' ? 'failed' : state}, not running.`);
        return;
      }
      requestStopTrial(study, ref.number, 'vscode');
    } finally {
      study.close();
    }
    services.log.info(`asked to stop trial ${ref.number} of study "${ref.studyName}"`);
    vscode.window.setStatusBarMessage(`$(debug-stop) Tunekit: stopping trial ${ref.number}…`, 5000);
    await services.studies.refresh(ref.journal);
  },
};
