// A scorer plugin in one file: score = |w|^power, named "power-magnitude" in configs and commands.
//   sparse prune --plugin ./examples/plugins/power-magnitude.js --scorer power-magnitude --scorer-option power=3 ...
//   { "kind": "lth", "plugins": ["../plugins/power-magnitude.js"], "scorer": { "name": "power-magnitude", "power": 3 }, ... }
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { Scorers, definePlugin } from '@sparse/core';

export default function powerMagnitudePlugin() {
  return definePlugin('@my-org/power-magnitude', (registry) =>
    registry.provide(
      Scorers,
      'power-magnitude',
      ({ power }) => ({
        name: 'power-magnitude',
        requiresData: false,
        score: ({ parameters }) => new Map(parameters.map((p) => [p.name, tf.tidy(() => tf.pow(tf.abs(p.variable), power))])),
      }),
      { options: z.object({ power: z.number().positive().default(2) }), summary: '|w|^power' },
    ),
  );
}
