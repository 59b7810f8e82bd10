#!/usr/bin/env node
// Fails when an exported symbol of any package has no TSDoc @example block.
// Reads the JSON typedoc wrote beside the site (docs/api/api.json).
import { readFileSync } from 'node:fs';

const project = JSON.parse(readFileSync(new URL('../docs/api/api.json', import.meta.url), 'utf8'));
const missing = [];

/** typedoc's kind of a re-export under another name (`export { lthPlugin as default }`): documented where it points. */
const REFERENCE_KIND = 4194304;

/** Top-level exports only: members inherit their owner's example. */
function visitModule(module, packageName) {
  for (const child of module.children ?? []) {
    if (child.kind === REFERENCE_KIND) continue;
    const comment = child.comment ?? child.signatures?.[0]?.comment;
    const hasExample = (comment?.blockTags ?? []).some((tag) => tag.tag === '@example');
    if (!hasExample) missing.push(`${packageName}: ${child.name}`);
  }
}
const MODULE_KIND = 2;
const packages = (project.children ?? []).every((child) => child.kind === MODULE_KIND) ? project.children : [project];
for (const pkg of packages) visitModule(pkg, pkg.name);

if (missing.length > 0) {
  console.error(`These exports have no @example in their TSDoc:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log(`docs: every export of ${packages.length} package(s) has an @example.`);
