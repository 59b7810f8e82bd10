// @ts-check
/** Typedoc over every package: `pnpm docs` writes docs/api and fails on any warning. */
// invalidPath off: the package READMEs link to their own page of this site (docs/api/modules/…),
// which does not exist yet while typedoc reads them. tests/markdown-links.test.ts checks every
// relative link of the repository's Markdown instead, those into docs/api included.
const validation = { notExported: true, invalidLink: true, notDocumented: true, invalidPath: false };
/** Each package's own conversion: typedoc's defaults, but for invalidPath. */
const packageValidation = { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false, unusedMergeModuleWith: true, invalidPath: false };
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
    validation: packageValidation,
  },
  out: 'docs/api',
  json: 'docs/api/api.json',
  readme: 'README.md',
  projectDocuments: ['docs/guides/*.md'],
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
  validation,
  excludePrivate: true,
  excludeInternal: true,
  disableSources: true,
};
export default config;
