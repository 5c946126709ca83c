import { z } from 'zod';
import { ecoErrors } from './errors.js';
import { CPU_FACTOR, GRID_INTENSITIES, PUE_DEFAULT, type Settings } from './factors.js';

const ModelClassSchema = z.enum(['offline', 'small', 'medium', 'large']);

/** Per-workspace config of eco (plugin.json `config` is generated from this). */
export const EcoConfigSchema = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('world')
    .describe('Grid region of the compute, e.g. world, us, france, germany (see the factors tool); default world, the global average.'),
  gridIntensities: z
    .record(z.string().regex(/^[a-z0-9-]+$/), z.number().min(0).max(2000))
    .default({})
    .describe('Your own grid intensities in gCO2e per kWh by region; they override and extend the built-in table.'),
  pue: z.number().min(1).max(3).default(PUE_DEFAULT).describe('Data-centre power usage effectiveness applied to all energy (default 1.2).'),
  cpuWatts: z
    .number()
    .min(0)
    .max(500)
    .default(CPU_FACTOR.wattsPerVcpu)
    .describe('Watts per busy vCPU for the non-LLM part of a call (default 2.12).'),
  modelClasses: z
    .record(z.string().min(1), ModelClassSchema)
    .default({})
    .describe('Size class per model (provider/model or model name): offline, small, medium or large; overrides the name rules.'),
});
export type EcoConfig = z.infer<typeof EcoConfigSchema>;

export function readConfig(raw: Record<string, unknown>): EcoConfig {
  const r = EcoConfigSchema.safeParse(raw);
  if (!r.success)
    throw ecoErrors.create(
      'NH_ECO_CONFIG_INVALID',
      `eco config is invalid: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      {
        details: { issues: r.error.issues },
      },
    );
  return r.data;
}

export function resolveSettings(config: EcoConfig): Settings {
  const custom = config.gridIntensities[config.region];
  const builtIn = GRID_INTENSITIES.find((g) => g.region === config.region)?.gCO2ePerKWh;
  const world = config.gridIntensities.world ?? GRID_INTENSITIES[0]!.gCO2ePerKWh;
  const known = custom !== undefined || builtIn !== undefined;
  return {
    region: config.region,
    gCO2ePerKWh: custom ?? builtIn ?? world,
    regionKnown: known,
    pue: config.pue,
    cpuWatts: config.cpuWatts,
    modelClasses: config.modelClasses,
  };
}
