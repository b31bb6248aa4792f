import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StudySnapshot, TrialSummary } from '../../../src/protocol/dashboard-messages';
import { DashboardStore, mergeChanges } from '../../../webview/state/store';
import type { VsCodeApi } from '../../../webview/state/store';

/** The webview API as VS Code provides it: posted messages recorded, state kept across "reloads". */
class FakeApi implements VsCodeApi {
  readonly posted: unknown[] = [];
  state: unknown = undefined;
  postMessage(m: unknown): void {
    this.posted.push(m);
  }
  getState(): unknown {
    return this.state === undefined ? undefined : JSON.parse(JSON.stringify(this.state));
  }
  setState(s: unknown): void {
    this.state = s;
  }
}

function trial(number: number, patch: Partial<TrialSummary> = {}): TrialSummary {
  return { number, state: 'complete', values: [number / 10], params: { lr: 0.001 * (number + 1) }, intermediate: [[0, 1], [1, 0.5]], start: 1000, end: 2000, gpus: [], host: null, failReason: null, ...patch };
}

function snapshot(trials: TrialSummary[], patch: Partial<StudySnapshot> = {}): StudySnapshot {
  return { studyName: 's', journal: '/p/.tunekit/s.journal', directions: ['minimize'], objectives: ['loss'], params: [{ name: 'lr', type: 'float', log: true, low: 1e-4, high: 1 }], trials, running: true, ...patch };
}

describe('DashboardStore', () => {
  test('posts ready on start; init fills the model and marks everything changed', () => {
    const api = new FakeApi();
    const store = new DashboardStore(api);
    store.start();
    assert.deepEqual(api.posted, [{ type: 'ready' }]);
    assert.equal(store.ready, false);
    assert.equal(store.receive({ type: 'init', snapshot: snapshot([trial(2), trial(0), trial(1)]) }), true);
    assert.equal(store.ready, true);
    assert.deepEqual(store.model.trials.map((t) => t.number), [0, 1, 2], 'trials in number order');
    const changes = store.takeChanges();
    assert.equal(changes?.all, true);
    assert.equal(store.takeChanges(), undefined, 'nothing pending after the frame took the changes');
  });

  test('coalesces any number of messages into one change set, and tells listeners once', () => {
    const store = new DashboardStore(new FakeApi());
    store.receive({ type: 'init', snapshot: snapshot([trial(0), trial(1)]) });
    store.takeChanges();
    let calls = 0;
    store.onDidChange(() => calls++);
    store.receive({ type: 'update', trials: [trial(1, { state: 'running', values: null })], running: true, metrics: [{ trial: 1, metric: 'acc', points: [[0, 0.5]] }] });
    store.receive({ type: 'update', trials: [trial(3)], running: true, metrics: [{ trial: 1, metric: 'acc', points: [[1, 0.6]] }] });
    store.receive({ type: 'importance', method: 'm', values: { lr: 1 } });
    assert.equal(calls, 1);
    const c = store.takeChanges();
    assert.ok(c);
    assert.equal(c.all, false);
    assert.deepEqual([...c.trials].sort(), [1, 3]);
    assert.deepEqual(c.metrics.map((m) => m.points.length), [1, 1]);
    assert.equal(c.importance, true);
    assert.deepEqual(store.model.metrics.get(1)?.get('acc'), [[0, 0.5], [1, 0.6]]);
    assert.equal(store.model.trials[1]?.state, 'running');
  });

  test('inserts new trials in number order and replaces changed ones', () => {
    const store = new DashboardStore(new FakeApi());
    store.receive({ type: 'init', snapshot: snapshot([trial(3), trial(7)]) });
    store.receive({ type: 'update', trials: [trial(5), trial(9), trial(1), trial(7, { state: 'pruned', values: null })], running: true, metrics: [] });
    assert.deepEqual(store.model.trials.map((t) => t.number), [1, 3, 5, 7, 9]);
    assert.equal(store.trial(7)?.state, 'pruned');
    assert.equal(store.trial(4), undefined);
  });

  test('ignores updates before init and metric points it already has', () => {
    const store = new DashboardStore(new FakeApi());
    assert.equal(store.receive({ type: 'update', trials: [trial(0)], running: true, metrics: [] }), false);
    store.receive({ type: 'init', snapshot: snapshot([trial(0)]) });
    store.takeChanges();
    store.receive({ type: 'update', trials: [], running: true, metrics: [{ trial: 0, metric: 'acc', points: [[0, 1], [1, 2]] }] });
    store.takeChanges();
    // A host that restarted resends what it sent before, plus one new point.
    store.receive({ type: 'update', trials: [], running: true, metrics: [{ trial: 0, metric: 'acc', points: [[0, 1], [1, 2], [2, 3]] }] });
    assert.deepEqual(store.model.metrics.get(0)?.get('acc'), [[0, 1], [1, 2], [2, 3]]);
    assert.deepEqual(store.takeChanges()?.metrics, [{ trial: 0, metric: 'acc', points: [[2, 3]] }]);
  });

  test('rejects malformed messages and drops malformed parts of valid ones', () => {
    const store = new DashboardStore(new FakeApi());
    for (const bad of [null, 1, 'x', [], {}, { type: 'init' }, { type: 'init', snapshot: snapshot([], { directions: [] }) }, { type: 'update', trials: 'x', metrics: [] }, { type: 'error', message: 3 }]) {
      assert.equal(store.receive(bad), false, JSON.stringify(bad));
    }
    assert.equal(store.ready, false);
    const odd = { ...trial(0), intermediate: [[0, 1], 'x', [1, 'y'], [2, null], [3, 0.5], [1, 0.9]], gpus: [0, -1, 'a'], start: 'now', host: 5 };
    assert.equal(store.receive({ type: 'init', snapshot: snapshot([odd as unknown as TrialSummary], { params: [{ name: 'lr', type: 'float', log: false, low: 1, high: 0 }, { name: 'opt', type: 'categorical', log: false, choices: ['a'] }] }) }), true);
    const t = store.model.trials[0] as TrialSummary;
    assert.deepEqual(t.intermediate, [[0, 1], [1, 0.9], [3, 0.5]], 'bad pairs dropped, steps sorted, the last value of a step kept');
    assert.deepEqual(t.gpus, [0]);
    assert.equal(t.start, null);
    assert.equal(t.host, null);
    assert.deepEqual(store.model.params.map((p) => p.name), ['opt'], 'a range with low > high is dropped');
    store.receive({ type: 'update', trials: [], running: true, metrics: [{ trial: 'x' }, { trial: 0, metric: '', points: [[0, 1]] }, { trial: 0, metric: 'ok', points: [[0, 1]] }, null] });
    assert.deepEqual([...(store.model.metrics.get(0)?.keys() ?? [])], ['ok']);
  });

  test('saves the study and the UI state, and a new store (a reload) restores them', () => {
    const api = new FakeApi();
    const store = new DashboardStore(api);
    store.receive({ type: 'init', snapshot: snapshot([trial(0), trial(1), trial(2)]) });
    store.updateUi({ tab: 'analysis', sort: { key: 'value:0', descending: true }, textFilter: 'lr>0.001' });
    store.setSelection([2, 0]);
    store.setViewState('learning-curves', '{"metric":"acc","log":true}');
    const saved = api.state as { journal: string; studyName: string; ui: { selection: number[] } };
    assert.equal(saved.journal, '/p/.tunekit/s.journal');
    assert.equal(saved.studyName, 's');
    assert.deepEqual(saved.ui.selection, [0, 2]);

    const reloaded = new DashboardStore(api);
    assert.equal(reloaded.ui.tab, 'analysis');
    assert.deepEqual(reloaded.ui.sort, { key: 'value:0', descending: true });
    assert.equal(reloaded.ui.textFilter, 'lr>0.001');
    assert.equal(reloaded.viewState('learning-curves'), '{"metric":"acc","log":true}');
    // The same study comes back without trial 2: the selection keeps what still exists.
    reloaded.receive({ type: 'init', snapshot: snapshot([trial(0), trial(1)]) });
    assert.deepEqual([...reloaded.model.selected], [0]);
    assert.equal(reloaded.ui.tab, 'analysis');

    // Another study in the same panel: its own UI state, not this one's filters and selection.
    reloaded.receive({ type: 'init', snapshot: snapshot([trial(0)], { studyName: 'other' }) });
    assert.equal(reloaded.model.selected.size, 0);
    assert.equal(reloaded.ui.textFilter, '');
    assert.equal(reloaded.ui.tab, 'analysis', 'the tab the user is on stays');
  });

  test('a corrupt saved state is ignored field by field', () => {
    const api = new FakeApi();
    api.state = { version: 1, journal: 'j', studyName: 's', ui: { tab: 7, sort: { key: 'number' }, stateFilter: 'bogus', textFilter: 'x', selection: [1, -1, 'a', 2.5], views: { a: 'b', c: 3 } } };
    const store = new DashboardStore(api);
    assert.deepEqual(store.ui, { tab: 'overview', sort: { key: 'number', descending: false }, stateFilter: 'all', textFilter: 'x', selection: [1], views: { a: 'b' } });
    api.state = 'garbage';
    assert.equal(new DashboardStore(api).ui.tab, 'overview');
  });

  test('keeps the last host error until dismissed', () => {
    const store = new DashboardStore(new FakeApi());
    const seen: (string | null)[] = [];
    store.onDidError((m) => seen.push(m));
    store.receive({ type: 'error', message: 'The journal could not be read.' });
    assert.equal(store.error, 'The journal could not be read.');
    store.dismissError();
    assert.equal(store.error, null);
    assert.deepEqual(seen, ['The journal could not be read.', null]);
  });
});

test('mergeChanges unions trials and keeps every metric point', () => {
  const a = { all: false, trials: new Set([1]), metrics: [{ trial: 1, metric: 'm', points: [[0, 1]] as [number, number][] }], importance: false, selection: true };
  const b = { all: false, trials: new Set([2]), metrics: [{ trial: 1, metric: 'm', points: [[1, 2]] as [number, number][] }], importance: true, selection: false };
  const m = mergeChanges(a, b);
  assert.deepEqual([...m.trials], [1, 2]);
  assert.equal(m.metrics.length, 2);
  assert.equal(m.importance && m.selection, true);
  assert.equal(mergeChanges(a, { ...b, all: true }).all, true);
});
