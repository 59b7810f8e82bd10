/** What the numbers were measured on: written into every result file and docs/performance.md. */
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { findTorchPython } from './peer.js';

/** Machine and software versions. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  readonly loadAverage: readonly [number, number, number];
  readonly node: string;
  readonly tfjs: string;
  readonly torch: string | null;
  readonly python: string | null;
  readonly platform: string;
}

function cpuModel(): string {
  try {
    const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    if (model !== undefined) return model.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

function tfjsVersion(): string {
  try {
    const require = createRequire(new URL('../../packages/core/package.json', import.meta.url));
    return (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The machine now (the load average changes: call it when the measurements are taken). */
export function machineInfo(): MachineInfo {
  const python = findTorchPython();
  const [a, b, c] = loadavg();
  return {
    cpuModel: cpuModel(),
    logicalCores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: [a ?? 0, b ?? 0, c ?? 0].map((x) => Math.round(x * 100) / 100) as [number, number, number],
    node: process.version,
    tfjs: tfjsVersion(),
    torch: python?.torchVersion ?? null,
    python: python?.executable ?? null,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** One line for the terminal. */
export function describeMachine(info: MachineInfo): string {
  return `${info.cpuModel}, ${info.logicalCores} logical cores, ${info.memoryGiB} GiB; load ${info.loadAverage.join(' ')}; node ${info.node}, tfjs ${info.tfjs}, torch ${info.torch ?? 'n/a'}`;
}
