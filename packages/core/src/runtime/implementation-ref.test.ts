import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Scorer } from '../contracts/scorer.js';
import { Scorers } from '../tokens.js';
import { createRuntime } from '../create-runtime.js';
import { implementationRefSchema, implementationRefs, refName, refOptions } from './implementation-ref.js';
import { optionIssuesFromZod } from './options-issues.js';
import { definePlugin } from './plugin.js';

const powerScorer = (options: Readonly<Record<string, unknown>>): Scorer => ({
  name: `power-${String(options['power'])}`,
  requiresData: false,
  score: () => new Map(),
});
const powerPlugin = definePlugin('@test/power', (registry) =>
  registry.provide(Scorers, 'power-magnitude', powerScorer, { options: z.object({ power: z.number().positive().default(2) }), summary: '|w|^power' }),
);

describe('implementation options', () => {
  it('are checked against the declared schema, with defaults filled in', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [powerPlugin] });
    expect(runtime.create(Scorers, 'power-magnitude').name).toBe('power-2');
    expect(runtime.resolve(Scorers, { name: 'power-magnitude', power: 3 }).name).toBe('power-3');
    expect(() => runtime.create(Scorers, 'power-magnitude', { power: -1 })).toThrowError(/scorer\.power: .*received -1/);
    expect(() => runtime.resolve(Scorers, { name: 'power-magnitude', pow: 3 }, 'pruning.scorer')).toThrowError(/pruning\.scorer\.pow/);
    expect(() => runtime.resolve(Scorers, 'nope', 'scorer')).toThrowError(/scorer: unknown scorer 'nope'; registered: .*power-magnitude/);
  });

  it('rejects a schema that is not a zod object', async () => {
    const bad = definePlugin('@test/bad', (registry) => registry.provide(Scorers, 'bad', powerScorer, { options: z.string() as never }));
    await expect(createRuntime({ backend: 'cpu', plugins: [bad] })).rejects.toMatchObject({ code: 'E_PLUGIN' });
  });
});

describe('implementationRefSchema', () => {
  it('accepts registered names and options, and names the field, value and allowed names otherwise', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [powerPlugin] });
    const config = z.object({ scorer: implementationRefSchema(runtime, Scorers).default('magnitude') });
    expect(config.parse({}).scorer).toBe('magnitude');
    expect(config.parse({ scorer: { name: 'power-magnitude', power: 3 } }).scorer).toEqual({ name: 'power-magnitude', power: 3 });

    const raw = { scorer: 'magnitud' };
    const unknown = config.safeParse(raw);
    expect(unknown.success).toBe(false);
    const issues = optionIssuesFromZod(unknown.error?.issues ?? [], raw);
    expect(issues[0]?.path).toEqual(['scorer']);
    expect(issues[0]?.message).toMatch(/unknown scorer "magnitud"; registered: .*magnitude.*power-magnitude/);
    expect(issues[0]?.allowed).toContain('power-magnitude');

    const wrongType = { scorer: { name: 'power-magnitude', power: 'x' } };
    const typed = optionIssuesFromZod(config.safeParse(wrongType).error?.issues ?? [], wrongType);
    expect(typed[0]?.path).toEqual(['scorer', 'power']);
    expect(typed[0]?.message).toMatch(/expected a number.*received "x"/);

    const extra = { scorer: { name: 'power-magnitude', powr: 3 } };
    const unknownOption = optionIssuesFromZod(config.safeParse(extra).error?.issues ?? [], extra);
    expect(unknownOption[0]?.path).toEqual(['scorer', 'powr']);
    expect(unknownOption[0]?.message).toMatch(/allowed: power/);

    const noOptions = { scorer: { name: 'magnitude', power: 3 } };
    expect(optionIssuesFromZod(config.safeParse(noOptions).error?.issues ?? [], noOptions)[0]?.message).toMatch(/takes no options/);
  });

  it('describes every registered name and its options in JSON Schema', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [powerPlugin] });
    const json = JSON.stringify(z.toJSONSchema(z.object({ scorer: implementationRefs(runtime).of(Scorers) }), { io: 'input' }));
    expect(json).toContain('"power-magnitude"');
    expect(json).toContain('"exclusiveMinimum":0');
    expect(json).toContain('"snip"');
  });

  it('splits a reference into name and options', () => {
    expect(refName('snip')).toBe('snip');
    expect(refOptions('snip')).toEqual({});
    expect(refOptions({ name: 'random', seed: 3 })).toEqual({ seed: 3 });
  });
});
