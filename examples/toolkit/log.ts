/** Timestamped progress lines on stdout (seconds since the process started). */
const started = performance.now();

export function elapsedSeconds(): number {
  return (performance.now() - started) / 1000;
}

export function log(message: string): void {
  console.log(`[${elapsedSeconds().toFixed(0).padStart(5)} s] ${message}`);
}

/** Parses `--name value` and `--flag` options. */
export function cliOptions(argv: readonly string[] = process.argv.slice(2)): { value(name: string, fallback: string): string; flag(name: string): boolean } {
  return {
    value(name, fallback) {
      const index = argv.indexOf(`--${name}`);
      const next = index >= 0 ? argv[index + 1] : undefined;
      return next !== undefined && !next.startsWith('--') ? next : fallback;
    },
    flag: (name) => argv.includes(`--${name}`),
  };
}
