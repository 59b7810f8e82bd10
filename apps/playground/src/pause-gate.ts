import type { EngineStepper, TrainingEngine } from '@sparse/core';

/**
 * Lets a worker's training loop be paused between steps. The loop runs inside one long task; it
 * lets the worker's event loop in (a MessageChannel round trip, no timer clamping) every
 * `yieldEvery` steps, so a `pause` message is handled within a few milliseconds, and then waits
 * until `resume`. Nothing about the training changes: the same steps run in the same order.
 */
export class PauseGate {
  #paused = false;
  #release: (() => void) | undefined;
  #waiting: Promise<void> | undefined;
  readonly #channel = new MessageChannel();
  readonly #yielded: (() => void)[] = [];

  constructor(private readonly onChange: (paused: boolean) => void = () => undefined) {
    this.#channel.port1.onmessage = () => this.#yielded.shift()?.();
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#waiting = new Promise((resolve) => (this.#release = resolve));
    this.onChange(true);
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#release?.();
    this.#waiting = undefined;
    this.onChange(false);
  }

  /** Lets pending messages run, then waits while paused. */
  async checkpoint(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#yielded.push(resolve);
      this.#channel.port2.postMessage(null);
    });
    while (this.#waiting !== undefined) await this.#waiting;
  }

  /** `engine` with a {@link checkpoint} before every `yieldEvery`-th step. */
  wrap(engine: TrainingEngine, yieldEvery = 5): TrainingEngine {
    return {
      name: engine.name,
      refusal: (model, maskNames) => engine.refusal(model, maskNames),
      start: async (model, masks, options) => {
        const inner = await engine.start(model, masks, options);
        let count = 0;
        const stepper: EngineStepper = {
          step: async (batch) => {
            count += 1;
            if (count % yieldEvery === 0) await this.checkpoint();
            return inner.step(batch);
          },
          sync: () => inner.sync(),
          adamState: () => inner.adamState(),
          dispose: () => inner.dispose(),
        };
        return stepper;
      },
    };
  }
}
