/**
 * "Enqueue Trial…": the user chooses some or all parameter values, one input per parameter
 * (a pick for a categorical, a checked number for a range; empty leaves it to the sampler),
 * and the trial is queued in the journal; a running engine takes it next, else the next run.
 */
import * as vscode from 'vscode';
import { formatParams } from '../../cli/format';
import type { ParamValue } from '../../core/space/distributions';
import { contains } from '../../core/space/distributions';
import type { ParameterSpec } from '../../core/space/search-space';
import { isActive } from '../../core/space/search-space';
import { loadStudy } from '../../core/study/study';
import { runningEngine } from '../../engine/run-control';
import { studyFromArg } from '../studies/study-picker';
import type { TunekitCommand } from './command-registry';

/** Escape pressed: the whole flow ends and nothing is queued. */
const CANCELLED = Symbol('cancelled');

export const enqueueTrialCommand: TunekitCommand = {
  id: 'tunekit.enqueueTrial',
  title: 'Enqueue Trial',
  async run(services, arg) {
    const ref = await studyFromArg(arg, services.studies, { placeHolder: 'Study to queue a trial in', none: 'No Tunekit study in this workspace yet.' });
    if (!ref) return;
    const study = loadStudy({ storage: ref.journal, studyName: ref.studyName, onWarning: (m) => services.log.warn(m) });
    try {
      const specs = study.space.parameters;
      if (specs.length === 0) {
        void vscode.window.showInformationMessage(`Study "${ref.studyName}" has no parameters to choose.`);
        return;
      }
      const chosen: Record<string, ParamValue> = {};
      for (const [i, spec] of specs.entries()) {
        // A conditional parameter whose parent is left to the sampler may not exist: leave it too.
        if (spec.condition && !(spec.condition.parent in chosen)) continue;
        if (!isActive(spec, chosen)) continue;
        const value = await askValue(spec, `Enqueue a trial of ${ref.studyName} (${i + 1}/${specs.length})`);
        if (value === CANCELLED) return;
        if (value !== undefined) chosen[spec.name] = value;
      }
      if (Object.keys(chosen).length === 0) {
        void vscode.window.showInformationMessage('No value chosen: nothing queued (the sampler already picks every value of a normal trial).');
        return;
      }
      const number = study.enqueue(chosen);
      const running = runningEngine(ref.journal, ref.studyName) !== undefined;
      void vscode.window.showInformationMessage(
        `Queued trial ${number} of study "${ref.studyName}" with ${formatParams(chosen)}; ${running ? 'the running engine takes it next.' : 'it runs when the study next starts.'}`,
      );
    } finally {
      study.close();
    }
    await services.studies.refresh(ref.journal);
  },
};

async function askValue(spec: ParameterSpec, title: string): Promise<ParamValue | undefined | typeof CANCELLED> {
  const d = spec.distribution;
  if (d.type === 'categorical') {
    const picked = await vscode.window.showQuickPick(
      [{ label: '$(sparkle) let the sampler choose', value: undefined as ParamValue | undefined }, ...d.choices.map((c) => ({ label: typeof c === 'string' ? c : JSON.stringify(c), value: c as ParamValue }))],
      { title, placeHolder: `${spec.name}: one of ${d.choices.length} choices`, ignoreFocusOut: true },
    );
    return picked ? picked.value : CANCELLED;
  }
  const range = `${d.type === 'int' ? 'an integer' : 'a number'} from ${d.low} to ${d.high}${d.log ? ', log scale' : ''}${d.step !== null && !(d.type === 'int' && d.step === 1) ? `, in steps of ${d.step}` : ''}`;
  const text = await vscode.window.showInputBox({
    title,
    prompt: `${spec.name}: ${range}. Leave empty to let the sampler choose.`,
    ignoreFocusOut: true,
    validateInput: (input) => {
      if (input.trim() === '') return undefined;
      const value = Number(input);
      return Number.isFinite(value) && contains(d, value) ? undefined : `${spec.name} must be ${range}.`;
    },
  });
  if (text === undefined) return CANCELLED;
  return text.trim() === '' ? undefined : Number(text);
}
