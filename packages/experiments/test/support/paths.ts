/** Locations tests hand to child processes and workers. */
export const registerSourceAliases = new URL('./register-source-aliases.mjs', import.meta.url);
export const toyJobMain = new URL('../fixtures/toy-job-main.ts', import.meta.url);
export const poolJobs = new URL('../fixtures/pool-jobs.ts', import.meta.url);
export const toyReplicateJob = new URL('../fixtures/toy-replicate-job.ts', import.meta.url);
