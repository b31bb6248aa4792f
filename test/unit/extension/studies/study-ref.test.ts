import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asStudyRef, asTrialRef, sameStudy, studyKey } from '../../../../src/extension/studies/study-ref';

test('command arguments naming a study or trial are checked field by field', () => {
  assert.deepEqual(asStudyRef({ journal: '/w/a.journal', studyName: 's', extra: 1 }), { journal: '/w/a.journal', studyName: 's' });
  assert.equal(asStudyRef({ journal: '/w/a.journal' }), undefined);
  assert.equal(asStudyRef({ journal: '', studyName: 's' }), undefined);
  assert.equal(asStudyRef(undefined), undefined);
  assert.equal(asStudyRef('s'), undefined);
  assert.deepEqual(asTrialRef({ journal: '/j', studyName: 's', number: 3 }), { journal: '/j', studyName: 's', number: 3 });
  assert.equal(asTrialRef({ journal: '/j', studyName: 's', number: -1 }), undefined);
  assert.equal(asTrialRef({ journal: '/j', studyName: 's', number: 1.5 }), undefined);
  assert.equal(asTrialRef({ journal: '/j', studyName: 's' }), undefined);
  assert.ok(sameStudy({ journal: '/j', studyName: 's' }, { journal: '/j', studyName: 's' }));
  assert.notEqual(studyKey({ journal: '/j', studyName: 's' }), studyKey({ journal: '/j', studyName: 't' }));
});
