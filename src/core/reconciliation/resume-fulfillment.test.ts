// The resume step against fakes of the case store and the engine: the reconciler often settles a
// case before the stopped job's incident exists or is visible, and that must never end the step
// without the job running again.
import type { JobResumption } from '../ports/engine.ts';
import { RESUME_PATIENCE_MS, resumeAction, resumeFulfillment, type ResumeCases } from './resume-fulfillment.ts';

const CASE = '0b6f1a52-5d8e-4a57-9f5e-3c1f3b8a1d2e';
const PI = '2251799813690001';
const JOB = '2251799813690077';

function cases(over: Partial<Awaited<ReturnType<ResumeCases['load']>>> = {}) {
  const recorded: string[] = [];
  const store: ResumeCases = {
    load: async () => ({ jobKey: JOB, processInstanceKey: PI, resumed: false, settledForMs: 2_000, ...over }),
    recordResumed: async (_caseId, note) => {
      recorded.push(note);
    },
  };
  return { store, recorded };
}

/** An engine that answers each look in turn (the last answer repeats); a thrown answer is an Error. */
function engine(...answers: (JobResumption | Error)[]) {
  const asked: string[] = [];
  return {
    asked,
    port: {
      resumeFailedJob: async (pik: string, jobKey: string) => {
        asked.push(`${pik}/${jobKey}`);
        const a = answers.length > 1 ? answers.shift()! : answers[0]!;
        if (a instanceof Error) throw a;
        return a;
      },
    },
  };
}

const fast = { holdMs: 1_000, pollMs: 5 };

test('settled before the incident is visible: the step looks again until it resolves it, and only then records RESUMED', async () => {
  const c = cases();
  const e = engine('no-incident', 'no-incident', 'resumed');
  const outcome = await resumeFulfillment({ cases: c.store, engine: e.port }, CASE, fast);
  expect(outcome).toMatchObject({ kind: 'resumed' });
  expect(e.asked).toEqual([`${PI}/${JOB}`, `${PI}/${JOB}`, `${PI}/${JOB}`]);
  expect(c.recorded).toEqual([expect.stringContaining(`incident of job ${JOB} resolved with the retries its task declares`)]);
  expect(resumeAction(outcome, { retries: 3 })).toEqual({ kind: 'complete', variables: { fulfillmentResumed: true } });
});

test('the incident not visible within the hold: nothing recorded, the job is handed back with its retries and no engine backoff', async () => {
  const c = cases();
  const outcome = await resumeFulfillment({ cases: c.store, engine: engine('no-incident').port }, CASE, { holdMs: 50, pollMs: 5 });
  expect(outcome).toMatchObject({ kind: 'waiting', why: `no open incident of job ${JOB} in process instance ${PI} is visible yet` });
  expect(c.recorded).toEqual([]);
  // the step is never completed (which would end the case process with the order still stopped)
  expect(resumeAction(outcome, { retries: 1 })).toMatchObject({ kind: 'fail', retries: 1, backoffMs: 0 });
  expect(resumeAction(outcome, { retries: 3 })).toMatchObject({ kind: 'fail', retries: 3, backoffMs: 0 });
});

test('past its patience the step raises an incident of its own naming what it waited for', async () => {
  const c = cases({ settledForMs: RESUME_PATIENCE_MS });
  const outcome = await resumeFulfillment({ cases: c.store, engine: engine('no-incident').port }, CASE, { holdMs: 10, pollMs: 5 });
  const action = resumeAction(outcome, { retries: 3 });
  expect(action).toMatchObject({ kind: 'fail', retries: 0 });
  expect(action.kind === 'fail' && action.message).toMatch(new RegExp(`^\\[RESUME_PENDING\\] no open incident of job ${JOB} .* 15 min after the case was settled`));
  expect(c.recorded).toEqual([]);
});

test('an engine that cannot be asked (restarting) is waited for, not counted as a failure of the step', async () => {
  const c = cases();
  const e = engine(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }), 'resumed');
  expect(await resumeFulfillment({ cases: c.store, engine: e.port }, CASE, fast)).toMatchObject({ kind: 'resumed' });
  expect(c.recorded).toHaveLength(1);
  const down = await resumeFulfillment({ cases: cases().store, engine: engine(new Error('GET /v2/incidents/search: HTTP 503')).port }, CASE, { holdMs: 20, pollMs: 5 });
  expect(down).toMatchObject({ kind: 'waiting', why: expect.stringContaining('HTTP 503') });
  expect(resumeAction(down, { retries: 2 })).toMatchObject({ kind: 'fail', retries: 2, backoffMs: 0 });
});

test('an incident the engine no longer holds open (an earlier try whose answer was lost) counts as resumed', async () => {
  const c = cases();
  expect(await resumeFulfillment({ cases: c.store, engine: engine('already-resolved').port }, CASE, fast)).toMatchObject({ kind: 'resumed' });
  expect(c.recorded).toEqual([expect.stringContaining(`the incident of job ${JOB} was already resolved`)]);
});

test('a repeated run after RESUMED was recorded asks the engine nothing; an ended order or job leaves nothing to resume', async () => {
  const again = engine('no-incident');
  const c = cases({ resumed: true });
  expect(await resumeFulfillment({ cases: c.store, engine: again.port }, CASE, fast)).toMatchObject({ kind: 'resumed' });
  expect(again.asked).toEqual([]);
  expect(c.recorded).toEqual([]);

  for (const answer of ['instance-ended', 'job-gone'] as const) {
    const ended = cases();
    const outcome = await resumeFulfillment({ cases: ended.store, engine: engine(answer).port }, CASE, fast);
    expect(outcome).toMatchObject({ kind: 'nothing-to-resume' });
    expect(ended.recorded).toEqual([]);
    expect(resumeAction(outcome, { retries: 3 })).toEqual({ kind: 'complete', variables: { fulfillmentResumed: false } });
  }
});

test('the hold is measured by the clock it is given: a clock that runs ahead ends the hold without waiting it out', async () => {
  let now = Date.parse('2026-07-02T10:00:00.000Z');
  // every reading of the clock is ten seconds later: the 30 s hold is over after a few looks
  const clock = { now: () => new Date((now += 10_000)) };
  const e = engine('no-incident');
  const outcome = await resumeFulfillment({ cases: cases().store, engine: e.port, clock }, CASE, { holdMs: 30_000, pollMs: 1 });
  expect(outcome).toMatchObject({ kind: 'waiting', settledForMs: 2_000 + 30_000 });
  expect(e.asked).toHaveLength(3);
});
