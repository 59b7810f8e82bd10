/** What every toolkit run reports (plain JSON, so results can be saved and re-rendered). */
import type { GraspAgreement } from './check-grasp.js';
import type { MaskStats } from './mask-stats.js';
import type { Settings } from './settings.js';

export interface RunSummary {
  /** `gradual-fit`, `gradual-core`, `e4.2`, `e4.3`, `e4.4`. */
  readonly experiment: string;
  /** What was run, e.g. `dense`, `gradual`, `snip`. */
  readonly method: string;
  /** The target sparsity (0 for dense). */
  readonly target: number;
  readonly seed: number;
  /** Training epochs of this run (one-shot + fine-tune: the dense epochs plus the fine-tune). */
  readonly epochs: number;
  readonly testAccuracy: number;
  /** Validation accuracy after each epoch (absolute epoch numbers, 1-based). */
  readonly validation: readonly { readonly epoch: number; readonly accuracy: number; readonly loss: number }[];
  /** The network at the end. */
  readonly stats: MaskStats;
  /** For pruning at init: the masks before training. */
  readonly initStats?: MaskStats;
  /** The target sparsity at each mask update of gradual pruning. */
  readonly prunes?: readonly { readonly step: number; readonly sparsity: number }[];
  readonly seconds: number;
  readonly warnings?: readonly string[];
}

/** Everything one `toolkit-results` invocation produced. */
export interface ToolkitResults {
  readonly settings: Settings;
  readonly backend: string;
  readonly data: { readonly source: string; readonly train: number; readonly validation: number; readonly test: number };
  readonly stepsPerEpoch: number;
  readonly plan: { readonly begin: number; readonly frequency: number; readonly pruningSteps: number; readonly end: number };
  readonly runs: readonly RunSummary[];
  /** check-grasp.ts: finite-difference vs exact GraSP scores (absent in older result files). */
  readonly graspAgreement?: readonly GraspAgreement[];
  readonly seconds: number;
  readonly finishedAt: string;
  /** The command line that produced the file (absent in older result files). */
  readonly command?: string;
  /** The machine it ran on (absent in older result files). */
  readonly machine?: { readonly cpu: string; readonly cores: number; readonly memoryGiB: number; readonly platform: string; readonly node: string };
  /** `uptime`'s 1, 5 and 15-minute load averages when the file was written (absent in older result files). */
  readonly loadAverage?: readonly number[];
  /** The training path of each experiment, as the script ran it (absent in older result files). */
  readonly engines?: Readonly<Record<string, string>>;
}
