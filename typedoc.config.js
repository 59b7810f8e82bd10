// @ts-check
/** Typedoc over every package: `pnpm docs` writes docs/api and fails on any warning. */
/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  name: '@sparse',
  entryPointStrategy: 'packages',
  entryPoints: ['packages/*'],
  packageOptions: {
    entryPoints: ['src/index.ts'],
    tsconfig: 'tsconfig.json',
    excludeExternals: true,
    disableSources: true,
  },
  out: 'docs/api',
  json: 'docs/api/api.json',
  readme: 'README.md',
  projectDocuments: ['docs/guides/*.md'],
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  excludePrivate: true,
  excludeInternal: true,
  disableSources: true,
};
export default config;
