// What the repository's workflows promise (issue 22), checked on their YAML: actionlint checks the
// syntax (npm run lint:workflows), these checks the choices.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  shell?: string;
}
interface Job {
  'runs-on': string;
  strategy?: { matrix?: { os?: string[] } };
  defaults?: { run?: { shell?: string } };
  steps: Step[];
}
interface Workflow {
  on: unknown;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(new URL(`../../.github/workflows/${name}`, import.meta.url), 'utf8')) as Workflow;
}

const runsOnWindows = (job: Job) => job['runs-on'].includes('windows') || (job.strategy?.matrix?.os ?? []).some(os => os.includes('windows'));

test('ci.yml: every multi-line run on a Windows runner runs under bash, where any failing command fails the step', () => {
  const ci = workflow('ci.yml');
  const offenders: string[] = [];
  for (const [name, job] of Object.entries(ci.jobs)) {
    if (!runsOnWindows(job)) continue;
    for (const step of job.steps) {
      if (step.run === undefined || !step.run.trim().includes('\n')) continue;
      const shell = step.shell ?? job.defaults?.run?.shell ?? ci.defaults?.run?.shell;
      if (shell !== 'bash') offenders.push(`${name}: ${step.run.split('\n')[0]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('ci.yml: the action itself runs with uses: ./ on Linux and Windows, and the workflows are linted', () => {
  const ci = workflow('ci.yml');
  const actionJobs = Object.values(ci.jobs).filter(job => job.steps.some(s => s.uses === './'));
  const oses = actionJobs.flatMap(job => job.strategy?.matrix?.os ?? [job['runs-on']]);
  assert.ok(oses.includes('ubuntu-latest') && oses.includes('windows-latest'), oses.join(', '));
  const runs = Object.values(ci.jobs).flatMap(job => job.steps.map(s => s.run ?? ''));
  assert.ok(runs.some(r => r.includes('npm run lint:workflows')));
  assert.match(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8'), /^npm run lint:workflows$/m);
});

test('release.yml: runs on version tags only, checks dist/ and the tests before publishing', () => {
  const release = workflow('release.yml');
  assert.deepEqual(release.on, { push: { tags: ['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'] } });
  const text = readFileSync(new URL('../../.github/workflows/release.yml', import.meta.url), 'utf8');
  const order = ['npm run build', 'git status --porcelain -- dist', 'changelog-section.ts', 'npm test', 'gh release create', 'git push --force origin'];
  const positions = order.map(s => text.indexOf(s));
  assert.ok(
    positions.every(p => p >= 0),
    order.filter((_, i) => positions[i] === -1).join(', ')
  );
  assert.deepEqual(
    [...positions].sort((a, b) => a - b),
    positions,
    'in this order'
  );
});
