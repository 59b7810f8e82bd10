export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';

export { checkConfig, validateConfig, configError, type CheckResult } from './config/validate.js';
export { formatConfigIssues, describeReceived, type ConfigIssue } from './config/issues.js';
export { didYouMean, editDistance } from './config/suggest.js';
export { MAX_CONFIG_DEPTH, checkConfigDepth } from './config/json-depth.js';
export { loadConfig, readConfigFile } from './config/load-config.js';
export {
  experimentConfigSchema,
  experimentEnvelopeSchema,
  experimentJsonSchema,
  prepareExperiment,
  type BuiltInPlugin,
  type PrepareExperimentOptions,
  type PreparedExperiment,
} from './config/experiment-config.js';
export { ExperimentKinds, type ExperimentContext, type ExperimentKind, type ExperimentOutcome } from './kinds/experiment-kind.js';
export { builtInSpec, pluginSpecsSchema, resolvePluginSpec, type PluginSpec, type ResolvedPluginSpec } from './plugins/plugin-spec.js';
export { createRuntimeFromSpecs, loadPlugin } from './plugins/load-plugin.js';
export { runExperimentFile, type RunExperimentFileOptions } from './run/run-experiment-file.js';

export { canonicalJson, prettyCanonicalJson } from './hash/canonical-json.js';
export { configHash, shortConfigHash } from './hash/config-hash.js';

export { writeFileAtomic, writeJsonAtomic, removeTemporaryFiles, syncDirectory, type AtomicWriteOptions } from './io/atomic-write.js';
export { JsonLinesWriter, parseJsonLines, readJsonLines, type JsonLinesContent, type JsonLinesWriterOptions } from './io/json-lines.js';
export {
  checkTensorRecord,
  decodeTensorRecord,
  encodeTensorRecord,
  recordToTensor,
  tensorToRecord,
  type TensorDType,
  type TensorRecord,
} from './io/tensor-record.js';
export { CheckpointStore, type Checkpoint, type CheckpointInfo, type Snapshot } from './io/checkpoint-store.js';

export { RunDirectory, openRunDirectory, attachRunDirectory, runDirectoryName, type OpenRunOptions } from './run/run-directory.js';
export { deriveSeedSha256, type SeedDeriver } from './run/seeds.js';
export { checkTrainingMemory, type TrainingMemoryOptions } from './run/training-memory.js';
export { resolveTrainingEngine } from './run/resolve-training-engine.js';
export { RUN_TIMING_FILE, currentLoad, describeThisMachine, readRunTimings, recordRunTiming, type MachineDescription, type RunTiming } from './run/run-timing.js';
export {
  runUnits,
  finalizeRun,
  readRunMetrics,
  type RunUnit,
  type UnitContext,
  type UnitProgress,
  type RunUnitsOptions,
  type RunUnitsResult,
} from './run/run-units.js';

export {
  runInWorkers,
  type RunInWorkersOptions,
  type WorkerJobContext,
  type WorkerJobFunction,
  type WorkerProgress,
} from './workers/run-in-workers.js';

export { ProgressBar, ProgressAggregator, formatDuration, type ProgressBarOptions, type ProgressStream } from './progress/progress-bar.js';

export { formatNumber, escapeXml } from './report/format.js';
export { formatTable, resolveColumns, type Table, type TableCell, type TableColumn } from './report/table.js';
export { linePlot, linearTicks, logTicks, type LinePlotOptions, type MarkerShape, type PlotPoint, type PlotSeries } from './report/line-plot.js';
export type { Report, ReportBlock, ReportSection } from './report/report.js';
export { renderHtmlReport, renderHtmlTable } from './report/html-report.js';
export { renderMarkdownReport, renderMarkdownTable, writeMarkdownReport, escapeMarkdown, type MarkdownReport } from './report/markdown-report.js';
export {
  buildRunReport,
  writeRunReport,
  readReportSpec,
  writeReportSpec,
  metricSeries,
  summarizeMetrics,
  reportSpecSchema,
  type ReportSpec,
  type MetricPlotSpec,
  type MetricTableSpec,
  type MetricFilter,
} from './report/run-report.js';

export { seedStats, aboveBeyondNoise, type SeedStats } from './results/seed-stats.js';
export { compareSeeds, claimVerdict, type Comparison } from './results/verdict.js';
export { importRunResults, readResultsData, type ResultsProvenance } from './results/raw-results.js';
export { provenanceMarkdown } from './results/provenance-markdown.js';
export { renderClaimsIndex, readClaimsFiles, shortVerdict, type ResultsClaim } from './results/claims-index.js';
export { insertAfterTitle, parseImportArgs, scriptFlag } from './results/results-script.js';
