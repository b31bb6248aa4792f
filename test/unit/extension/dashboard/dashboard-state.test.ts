/** What a restored dashboard takes from the state its webview saved: untrusted input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardKey, parseDashboardState } from '../../../../src/extension/dashboard/dashboard-state';

test('the study of a saved state, as the webview saves it', () => {
  const state = { version: 1, journal: '/work/proj/.tunekit/a.journal', studyName: 'proj-train', ui: { tab: 'history' } };
  assert.deepEqual(parseDashboardState(state), { journal: '/work/proj/.tunekit/a.journal', studyName: 'proj-train' });
});

test('anything else restores nothing', () => {
  for (const bad of [undefined, null, 'x', {}, { journal: 'rel/a.journal', studyName: 's' }, { journal: '/a.journal' }, { journal: '/a\0b', studyName: 's' }, { journal: '/a', studyName: '' }, { journal: 5, studyName: 's' }]) {
    assert.equal(parseDashboardState(bad), undefined, JSON.stringify(bad));
  }
});

test('one key per journal and study, whatever the spelling of the path', () => {
  assert.equal(dashboardKey({ journal: '/w/p/../p/a.journal', studyName: 's' }), dashboardKey({ journal: '/w/p/a.journal', studyName: 's' }));
  assert.notEqual(dashboardKey({ journal: '/w/a.journal', studyName: 's' }), dashboardKey({ journal: '/w/a.journal', studyName: 't' }));
});
