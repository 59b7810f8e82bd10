import { echoValue } from '@sparse/core';
import type { Schedule } from '@sparse/core';
import type { ContractCheck } from '../shared/contract-check.js';
import type { ScheduleContractOptions } from './schedule-contract-options.js';

type ScheduleCheck = ContractCheck<Schedule, ScheduleContractOptions>;

const DEFAULT_STEPS: readonly number[] = [...Array.from({ length: 2001 }, (_, step) => step), 10_000, 100_000, 1_000_000];
const SHOWN = 3;

const stepsOf = (options: ScheduleContractOptions): readonly number[] => options.steps ?? DEFAULT_STEPS;

function summarise(what: string, failures: readonly string[]): string[] {
  return failures.length === 0 ? [] : [`${what} at ${failures.length} step(s), e.g. ${failures.slice(0, SHOWN).join('; ')}`];
}

const rangeCheck: ScheduleCheck = {
  name: 'has a name, and sparsityAt returns a number in [0, 1]',
  run: (factory, options) => {
    const schedule = factory();
    const problems: string[] = [];
    if (typeof schedule.name !== 'string' || schedule.name === '') problems.push(`name must be a non-empty string, got ${echoValue(schedule.name)}`);
    const failures = stepsOf(options).flatMap((step) => {
      const value: unknown = schedule.sparsityAt(step);
      return typeof value === 'number' && value >= 0 && value <= 1 ? [] : [`sparsityAt(${step}) = ${String(value)}`];
    });
    return Promise.resolve([...problems, ...summarise('sparsityAt is not a number in [0, 1]', failures)]);
  },
};

const booleanCheck: ScheduleCheck = {
  name: 'isUpdateStep returns a boolean',
  run: (factory, options) => {
    const schedule = factory();
    const failures = stepsOf(options).flatMap((step) => {
      const value: unknown = schedule.isUpdateStep(step);
      return typeof value === 'boolean' ? [] : [`isUpdateStep(${step}) = ${String(value)} (${typeof value})`];
    });
    return Promise.resolve(summarise('isUpdateStep does not return a boolean', failures));
  },
};

const determinismCheck: ScheduleCheck = {
  name: 'is deterministic: same answers twice, in any order, from a fresh instance',
  run: (factory, options) => {
    const steps = stepsOf(options);
    const schedule = factory();
    const read = (instance: Schedule, order: readonly number[]): Map<number, string> =>
      new Map(order.map((step) => [step, `${String(instance.sparsityAt(step))}/${String(instance.isUpdateStep(step))}`] as const));
    const first = read(schedule, steps);
    const runs = [
      ['a second pass', read(schedule, steps)],
      ['a pass in reverse order', read(schedule, [...steps].reverse())],
      ['a fresh instance', read(factory(), steps)],
    ] as const;
    const problems = runs.flatMap(([label, values]) => {
      const failures = steps.flatMap((step) => (values.get(step) === first.get(step) ? [] : [`step ${step}: ${first.get(step) ?? '?'} then ${values.get(step) ?? '?'}`]));
      return summarise(`${label} gives different answers (sparsity/update)`, failures);
    });
    return Promise.resolve(problems);
  },
};

const monotoneCheck: ScheduleCheck = {
  name: 'sparsity never decreases',
  skip: (_schedule, options) => (options.monotone === true ? undefined : 'the schedule is not declared monotone'),
  run: (factory, options) => {
    const schedule = factory();
    const steps = stepsOf(options);
    const failures: string[] = [];
    for (let i = 1; i < steps.length; i++) {
      const previous = steps[i - 1] ?? 0;
      const step = steps[i] ?? 0;
      const before = schedule.sparsityAt(previous);
      const after = schedule.sparsityAt(step);
      if (after < before) failures.push(`sparsityAt(${previous}) = ${before} > sparsityAt(${step}) = ${after}`);
    }
    return Promise.resolve(summarise('sparsity decreases', failures));
  },
};

/** The checks of the schedule contract, in the order they run. */
export const SCHEDULE_CHECKS: readonly ScheduleCheck[] = [rangeCheck, booleanCheck, determinismCheck, monotoneCheck];
