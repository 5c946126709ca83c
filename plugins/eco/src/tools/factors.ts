import { defineTool } from '@neonhub/sdk';
import { z } from 'zod';
import { readConfig, resolveSettings } from '../config.js';
import {
  CPU_FACTOR,
  FACTORS_VERSION,
  GRID_INTENSITIES,
  INPUT_TO_OUTPUT_RATIO,
  MODEL_CLASSES,
  type ModelClass,
  PUE_DEFAULT,
  SOURCES,
} from '../factors.js';

const output = z.object({
  version: z.string(),
  estimate: z.literal(true),
  formula: z.string(),
  modelClasses: z.array(
    z.object({
      class: z.string(),
      inputWhPer1kTokens: z.number(),
      outputWhPer1kTokens: z.number(),
      examples: z.string(),
      basis: z.string(),
    }),
  ),
  inputToOutputRatio: z.number(),
  cpu: z.object({ wattsPerVcpu: z.number(), configured: z.number(), basis: z.string() }),
  pue: z.object({ default: z.number(), configured: z.number() }),
  grid: z.object({
    region: z.string(),
    gCO2ePerKWh: z.number(),
    regionKnown: z.boolean(),
    overrides: z.record(z.string(), z.number()),
    table: z.array(
      z.object({ region: z.string(), gCO2ePerKWh: z.number(), year: z.number(), source: z.string(), note: z.string().optional() }),
    ),
  }),
  modelClassOverrides: z.record(z.string(), z.string()),
  sources: z.array(z.object({ id: z.string(), citation: z.string(), url: z.string(), usedFor: z.string() })),
});

export const factors = defineTool({
  name: 'factors',
  description:
    'The factor table eco estimates energy and CO2e with: Wh per 1,000 tokens by model size class, the CPU and PUE factors, grid intensities by region, this workspace’s settings, and the sources of each figure.',
  input: z.object({}),
  output,
  sideEffect: 'none',
  run(_input, ctx) {
    const cfg = readConfig(ctx.config);
    const s = resolveSettings(cfg);
    return {
      version: FACTORS_VERSION,
      estimate: true as const,
      formula:
        'Wh = (inputTokens/1000 x input factor + outputTokens/1000 x output factor + cpuWatts x durationMs/3,600,000) x PUE; gCO2e = Wh/1000 x grid gCO2e/kWh',
      modelClasses: (Object.keys(MODEL_CLASSES) as ModelClass[]).map((c) => ({ class: c, ...MODEL_CLASSES[c] })),
      inputToOutputRatio: INPUT_TO_OUTPUT_RATIO,
      cpu: { wattsPerVcpu: CPU_FACTOR.wattsPerVcpu, configured: s.cpuWatts, basis: CPU_FACTOR.basis },
      pue: { default: PUE_DEFAULT, configured: s.pue },
      grid: {
        region: s.region,
        gCO2ePerKWh: s.gCO2ePerKWh,
        regionKnown: s.regionKnown,
        overrides: cfg.gridIntensities,
        table: [...GRID_INTENSITIES],
      },
      modelClassOverrides: cfg.modelClasses,
      sources: [...SOURCES],
    };
  },
});
