import { echoValue } from '@sparse/core';
import type { Scorer } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ContractCheck } from '../shared/contract-check.js';
import { aliasingProblems, changesSince, disposeReturned, isTensor, sameValues, snapshot, valuesOf } from '../shared/tensor-inspection.js';
import type { ScorerContractOptions } from './scorer-contract-options.js';
import { withScoringSession } from './scoring-session.js';

type ScorerCheck = ContractCheck<Scorer, ScorerContractOptions>;

const shapeCheck: ScorerCheck = {
  name: 'returns one float32 score tensor per parameter, of its shape, without NaN',
  run: (factory, options) =>
    withScoringSession(options, async (session) => {
      const scorer = factory();
      const problems: string[] = [];
      if (typeof scorer.name !== 'string' || scorer.name === '') problems.push(`name must be a non-empty string, got ${echoValue(scorer.name)}`);
      if (typeof scorer.requiresData !== 'boolean') problems.push(`requiresData must be a boolean, got ${typeof scorer.requiresData}`);
      const scores: unknown = await scorer.score(session.input(scorer));
      try {
        if (!(scores instanceof Map)) return [...problems, `score() must return a Map of tensors, got ${Object.prototype.toString.call(scores)}`];
        const names = new Set(session.fixture.parameters.map((p) => p.name));
        for (const key of scores.keys() as Iterable<unknown>) if (!names.has(key as string)) problems.push(`returned a score for unknown parameter ${echoValue(key)}`);
        for (const { name, variable } of session.fixture.parameters) {
          const score: unknown = scores.get(name);
          if (!isTensor(score)) {
            problems.push(`no score tensor for '${name}'`);
            continue;
          }
          if (score.dtype !== 'float32') problems.push(`score of '${name}' is ${score.dtype}, expected float32`);
          if (score.shape.join(',') !== variable.shape.join(',')) problems.push(`score of '${name}' has shape [${score.shape.join(', ')}], expected [${variable.shape.join(', ')}]`);
          const nan = valuesOf(score).filter((value) => Number.isNaN(value)).length;
          if (nan > 0) problems.push(`score of '${name}' has ${nan} NaN value(s)`);
        }
        return problems;
      } finally {
        disposeReturned(scores, new Set(session.inputs.keys()));
      }
    }),
};

const determinismCheck: ScorerCheck = {
  name: 'is deterministic for a fixed seed',
  run: (factory, options) =>
    withScoringSession(options, async (session) => {
      const scorer = factory();
      const read = async (instance: Scorer): Promise<Map<string, number[]>> => {
        const scores = await instance.score(session.input(instance));
        const values = new Map([...scores].map(([name, score]) => [name, valuesOf(score)] as const));
        disposeReturned(scores, new Set(session.inputs.keys()));
        return values;
      };
      const first = await read(scorer);
      const runs = [
        ['a second call', await read(scorer)],
        ['a fresh instance', await read(factory())],
      ] as const;
      const problems: string[] = [];
      for (const [label, values] of runs) {
        for (const [name, reference] of first) {
          if (!sameValues(values.get(name) ?? [], reference)) problems.push(`${label} gives different scores for '${name}' with the same seed`);
        }
      }
      return problems;
    }),
};

const leakCheck: ScorerCheck = {
  name: 'leaks no tensors and returns new tensors',
  run: (factory, options) =>
    withScoringSession(options, async (session) => {
      const scorer = factory();
      const before = tf.memory().numTensors;
      const scores = await scorer.score(session.input(scorer));
      const problems = aliasingProblems(scores, session.inputs, 'score');
      disposeReturned(scores, new Set(session.inputs.keys()));
      const leaked = tf.memory().numTensors - before;
      if (leaked !== 0) problems.push(`${leaked} tensor(s) remain allocated after disposing the returned scores`);
      return problems;
    }),
};

const inputsCheck: ScorerCheck = {
  name: 'does not modify or dispose its inputs',
  run: (factory, options) =>
    withScoringSession(options, async (session) => {
      const scorer = factory();
      const before = snapshot([...session.inputs].map(([tensor, label]) => [label, tensor] as const));
      const scores = await scorer.score(session.input(scorer));
      disposeReturned(scores, new Set(session.inputs.keys()));
      return changesSince(before);
    }),
};

/** The checks of the scorer contract, in the order they run. */
export const SCORER_CHECKS: readonly ScorerCheck[] = [shapeCheck, determinismCheck, leakCheck, inputsCheck];
