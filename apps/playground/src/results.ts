/**
 * What a run produced so far, gathered from the workers' messages, and the files `sparse run`
 * writes from it: `results.json` (`{ units: [{ id, output }] }` in run order) and `metrics.jsonl`
 * (every unit's metric lines in the same order).
 */
import { canonicalJson } from '@sparse/experiments';
import type { LthExperimentConfig, UnitSummary } from '@sparse/lth';
import type { LayerMask, NamedValues, PlannedUnitInfo } from './protocol.js';

/** A ticket's masks and weights at one level of one seed. */
export interface TicketState {
  readonly seed: number;
  readonly level: number;
  readonly remaining: number;
  readonly masks: readonly LayerMask[];
  readonly weights: readonly NamedValues[];
  readonly predictions: readonly number[];
}

export class RunResults {
  readonly summaries = new Map<string, UnitSummary>();
  readonly metrics = new Map<string, string>();
  readonly tickets = new Map<string, TicketState>();

  constructor(
    readonly config: LthExperimentConfig,
    readonly units: readonly PlannedUnitInfo[],
  ) {}

  /** Unit ids of the whole run, as the run directory orders them: seed by seed, the plan's order. */
  get unitIds(): string[] {
    return this.config.seeds.flatMap((seed) => this.units.map((unit) => `seed-${seed}/${unit.id}`));
  }

  get finished(): boolean {
    return this.unitIds.every((id) => this.summaries.has(id));
  }

  /** Finished units in run order. */
  get done(): UnitSummary[] {
    return this.unitIds.flatMap((id) => {
      const summary = this.summaries.get(id);
      return summary === undefined ? [] : [summary];
    });
  }

  /**
   * `results.json` as `sparse run` writes it (`null` for units not finished yet): the run
   * directory keeps each unit's output as canonical JSON (sorted keys), so the outputs are too.
   */
  resultsJson(): string {
    const output = (id: string): unknown => {
      const summary = this.summaries.get(id);
      return summary === undefined ? null : JSON.parse(canonicalJson(summary));
    };
    return `${JSON.stringify({ units: this.unitIds.map((id) => ({ id, output: output(id) })) }, null, 2)}\n`;
  }

  /** `metrics.jsonl` as `sparse run` writes it (finished units only). */
  metricsJsonl(): string {
    return this.unitIds.map((id) => this.metrics.get(id) ?? '').join('');
  }

  ticket(seed: number, level: number): TicketState | undefined {
    return this.tickets.get(`${seed}/${level}`);
  }
}
