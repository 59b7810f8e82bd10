import { z } from 'zod';
import { echoValue, SparseError } from '@sparse/core';
import type { SiteInfo, SiteKind } from '../models/activation-model.js';

/**
 * Which activation sites a sparsifier applies to: `all`, `mlp` (gated-MLP gates and ReLU hidden
 * layers), `attention` (the inputs of the query and output projections), or site names.
 *
 * @example
 * ```ts
 * import type { SiteSelection } from '@sparse/activation';
 *
 * const mlpOnly: SiteSelection = 'mlp';
 * const two: SiteSelection = ['block0/gate', 'block1/gate'];
 * ```
 */
export type SiteSelection = 'all' | 'mlp' | 'attention' | readonly string[];

const KINDS: Readonly<Record<'all' | 'mlp' | 'attention', readonly SiteKind[]>> = {
  all: ['gate', 'hidden', 'attention-input', 'attention-output'],
  mlp: ['gate', 'hidden'],
  attention: ['attention-input', 'attention-output'],
};

/** The zod schema of a `sites` option. @internal */
export const siteSelectionSchema = z
  .union([z.enum(['all', 'mlp', 'attention']), z.array(z.string().min(1).max(200)).min(1).max(256)])
  .meta({ description: 'Sites to sparsify: "all", "mlp" (gates, ReLU hidden layers), "attention" (q and o projection inputs), or site names.' });

/** The sites of `sites` a selection names; E_CONFIG (field `sites`) when it names none or an unknown one. @internal */
export function selectSites(sites: readonly SiteInfo[], selection: SiteSelection): SiteInfo[] {
  const names = sites.map((site) => site.name);
  if (typeof selection === 'string') {
    const kinds = KINDS[selection];
    const chosen = sites.filter((site) => kinds.includes(site.kind));
    if (chosen.length === 0) {
      throw new SparseError('E_CONFIG', `sites: "${selection}" selects no site of this model; its sites: ${names.join(', ')}.`, { field: 'sites', received: selection, allowed: names });
    }
    return chosen;
  }
  const unknown = selection.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new SparseError('E_CONFIG', `sites: unknown site ${echoValue(unknown[0])}; the model's sites: ${names.join(', ')}.`, { field: 'sites', received: unknown[0], allowed: names });
  }
  return sites.filter((site) => selection.includes(site.name));
}

/** The part of a label that tells a non-default site selection apart: ` (MLP)`, or `''`. @internal */
export function selectionSuffix(selection: SiteSelection, byDefault: SiteSelection): string {
  if (typeof selection === 'string') {
    if (selection === byDefault) return '';
    return selection === 'all' ? ' (all sites)' : selection === 'mlp' ? ' (MLP)' : ' (attention)';
  }
  return ` (${selection.join(', ')})`;
}

/** The zod schema of a `targets` option. @internal */
export const targetsSchema = z
  .array(z.number().min(0).max(1))
  .min(1)
  .max(20)
  .refine((targets) => new Set(targets).size === targets.length, { message: 'targets must be distinct' })
  .meta({ description: 'Target sparsities in [0, 1] for this sparsifier; default: the experiment\'s targets.' });
