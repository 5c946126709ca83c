/**
 * Eco's factor table: every figure NeonHub uses to turn a tool call into an energy and CO2e estimate,
 * with where it comes from. These are ESTIMATES: published measurements of LLM inference vary by an
 * order of magnitude with hardware, batching and model; closed models do not publish their size.
 * docs/eco.md explains each choice. Change a figure here and FACTORS_VERSION with it.
 */
export const FACTORS_VERSION = '2026-11-25';

export interface Source {
  id: string;
  citation: string;
  url: string;
  usedFor: string;
}

export const SOURCES: readonly Source[] = [
  {
    id: 'samsi2023',
    citation:
      'Samsi, S. et al. (2023). From Words to Watts: Benchmarking the Energy Costs of Large Language Model Inference. IEEE HPEC 2023.',
    url: 'https://arxiv.org/abs/2310.03003',
    usedFor: 'Anchor of the per-token figures: LLaMA 65B on V100/A100 GPUs took about 3–4 J per generated token (≈1 Wh per 1,000 tokens).',
  },
  {
    id: 'luccioni2023',
    citation:
      'Luccioni, A. S., Jernite, Y., Strubell, E. (2024). Power Hungry Processing: Watts Driving the Cost of AI Deployment? ACM FAccT 2024.',
    url: 'https://arxiv.org/abs/2311.16863',
    usedFor:
      'Energy grows with model size and with generative (vs. classification) tasks; order of magnitude of per-query inference energy.',
  },
  {
    id: 'husom2024',
    citation: 'Husom, E. J. et al. (2024). The Price of Prompting: Profiling Energy Use in Large Language Models Inference (MELODI).',
    url: 'https://arxiv.org/abs/2407.16893',
    usedFor:
      'Response length predicts energy well while prompt characteristics barely do; 70B models use about 100x the energy per token of small ones. Basis for weighting input tokens at one tenth of output tokens.',
  },
  {
    id: 'epoch2025',
    citation: 'You, J. (2025). How much energy does ChatGPT use? Epoch AI, Gradient Updates.',
    url: 'https://epoch.ai/gradient-updates/how-much-energy-does-chatgpt-use',
    usedFor: 'Cross-check for frontier models: about 0.3 Wh for a typical GPT-4o query of a few hundred output tokens.',
  },
  {
    id: 'patterson2021',
    citation: 'Patterson, D. et al. (2021). Carbon Emissions and Large Neural Network Training.',
    url: 'https://arxiv.org/abs/2104.10350',
    usedFor: 'Why the data-centre overhead (PUE) and the grid of the region are separate factors: each changes the footprint several-fold.',
  },
  {
    id: 'uptime2023',
    citation: 'Uptime Institute (2023). Global Data Center Survey 2023: average annual PUE 1.58.',
    url: 'https://uptimeinstitute.com/resources/research-and-reports/uptime-institute-global-data-center-survey-results-2023',
    usedFor: 'Industry-average PUE; hyperscale clouds report about 1.1. The default 1.2 sits between, for cloud-hosted models.',
  },
  {
    id: 'ccf',
    citation: 'Cloud Carbon Footprint, Methodology: compute energy per vCPU-hour between 0.74 W (idle) and 3.5 W (full), AWS averages.',
    url: 'https://www.cloudcarbonfootprint.org/docs/methodology/',
    usedFor: 'CPU factor for the non-LLM part of a call: 0.74 + 50% x (3.5 - 0.74) = 2.12 W per vCPU.',
  },
  {
    id: 'ember2024',
    citation:
      'Ember (2024). Global Electricity Review 2024 and Yearly Electricity Data: power-sector emissions intensity 2023, as tabled by Our World in Data (Ember and Energy Institute) and Statista.',
    url: 'https://ourworldindata.org/grapher/carbon-intensity-electricity',
    usedFor: 'Grid intensities by region (gCO2e per kWh generated, 2023); the world average 481 g is the default.',
  },
  {
    id: 'iea',
    citation: 'IEA, Electricity (annual report) and Emissions Factors database.',
    url: 'https://www.iea.org/data-and-statistics/data-product/emissions-factors-2024',
    usedFor: 'Alternative, licensed source of national grid factors: enter its figure as a gridIntensities override.',
  },
];

export type ModelClass = 'offline' | 'small' | 'medium' | 'large';

export interface ModelClassFactor {
  /** Wh per 1,000 prompt (input) tokens, at the server, before PUE. */
  inputWhPer1kTokens: number;
  /** Wh per 1,000 generated (output) tokens, at the server, before PUE. */
  outputWhPer1kTokens: number;
  examples: string;
  basis: string;
}

export const MODEL_CLASSES: Readonly<Record<ModelClass, ModelClassFactor>> = {
  offline: {
    inputWhPer1kTokens: 0,
    outputWhPer1kTokens: 0,
    examples: "NeonHub's deterministic offline model",
    basis: 'No neural inference runs; the little work it does is counted by the CPU factor.',
  },
  small: {
    inputWhPer1kTokens: 0.01,
    outputWhPer1kTokens: 0.1,
    examples: 'models of up to ~15B (active) parameters: gpt-4o-mini, *-nano, Claude Haiku, Gemini Flash, 1–14B open models',
    basis: 'One tenth of the large class, following the ~10–100x spread by size (husom2024, luccioni2023).',
  },
  medium: {
    inputWhPer1kTokens: 0.05,
    outputWhPer1kTokens: 0.5,
    examples: '~15–100B parameters: Claude Sonnet, 27–72B open models; also any model eco cannot place',
    basis: 'samsi2023 measured ~1 Wh per 1,000 tokens for LLaMA 65B on older GPUs without production batching; halved for current serving.',
  },
  large: {
    inputWhPer1kTokens: 0.1,
    outputWhPer1kTokens: 1.0,
    examples: 'frontier models: GPT-4o, GPT-4.1, GPT-5, o-series, Claude Opus, Gemini Pro, 100B+ open models',
    basis: 'epoch2025 puts GPT-4o at ~0.3 Wh per ~500-token answer (~0.6 Wh/1k); rounded up to 1.0 for larger and reasoning models.',
  },
};

/** Prompt tokens are processed in parallel and cost about a tenth of generated tokens (husom2024). */
export const INPUT_TO_OUTPUT_RATIO = 0.1;

export const CPU_FACTOR = {
  wattsPerVcpu: 2.12,
  basis: 'ccf: 0.74 W idle + 50% utilisation x (3.5 W - 0.74 W), one vCPU for the wall time of the call',
};
export const PUE_DEFAULT = 1.2;

export interface GridIntensity {
  region: string;
  gCO2ePerKWh: number;
  year: number;
  source: string;
  note?: string;
}

/** gCO2e per kWh generated, 2023 (Ember via Our World in Data / Statista). Override with `gridIntensities`. */
export const GRID_INTENSITIES: readonly GridIntensity[] = [
  { region: 'world', gCO2ePerKWh: 481, year: 2023, source: 'ember2024', note: 'global power-sector average; the default' },
  { region: 'australia', gCO2ePerKWh: 549, year: 2023, source: 'ember2024' },
  { region: 'austria', gCO2ePerKWh: 111, year: 2023, source: 'ember2024' },
  { region: 'belgium', gCO2ePerKWh: 138, year: 2023, source: 'ember2024' },
  { region: 'brazil', gCO2ePerKWh: 98, year: 2023, source: 'ember2024' },
  { region: 'canada', gCO2ePerKWh: 170, year: 2023, source: 'ember2024' },
  { region: 'china', gCO2ePerKWh: 582, year: 2023, source: 'ember2024' },
  { region: 'denmark', gCO2ePerKWh: 152, year: 2023, source: 'ember2024' },
  { region: 'finland', gCO2ePerKWh: 79, year: 2023, source: 'ember2024' },
  { region: 'france', gCO2ePerKWh: 56, year: 2023, source: 'ember2024' },
  { region: 'germany', gCO2ePerKWh: 381, year: 2023, source: 'ember2024' },
  { region: 'india', gCO2ePerKWh: 713, year: 2023, source: 'ember2024' },
  { region: 'ireland', gCO2ePerKWh: 291, year: 2023, source: 'ember2024' },
  { region: 'norway', gCO2ePerKWh: 30, year: 2023, source: 'ember2024' },
  {
    region: 'us',
    gCO2ePerKWh: 369,
    year: 2023,
    source: 'ember2024',
    note: 'approximate: Ember reports 1,570 MtCO2 from ~4,250 TWh; use an EPA eGRID subregion figure for a specific data centre',
  },
];

const PARAMS = /(?<![\d.])(\d+(?:\.\d+)?)b(?![a-z0-9])/;
const SMALL = /(^|[^a-z])(mini|nano|haiku|flash|lite|small|tiny)/;
const LARGE = /(opus|gpt-4|gpt-5|(^|[/:-])o[1-9]($|[-:])|ultra|(^|-)pro($|-)|large|405b)/;
const MEDIUM = /(sonnet|medium)/;

/** The size class of a `provider/model`, from config overrides, then a parameter count in the name, then known names. */
export function classifyModel(model: string, overrides: Readonly<Record<string, ModelClass>> = {}): ModelClass {
  const name = model.includes('/') ? model.slice(model.indexOf('/') + 1) : model;
  const override = overrides[model] ?? overrides[name];
  if (override) return override;
  if (model.toLowerCase().startsWith('offline/')) return 'offline';
  const lower = name.toLowerCase();
  const params = PARAMS.exec(lower);
  if (params) {
    const b = Number(params[1]);
    return b <= 15 ? 'small' : b <= 100 ? 'medium' : 'large';
  }
  if (SMALL.test(lower)) return 'small';
  if (LARGE.test(lower)) return 'large';
  if (MEDIUM.test(lower)) return 'medium';
  return 'medium';
}

const RANK: Record<ModelClass, number> = { offline: 0, small: 1, medium: 2, large: 3 };

/** The class used for a call's tokens: the highest of its models (the SDK reports one token total per call). */
export function classOfCall(models: readonly string[], offline: boolean, overrides: Readonly<Record<string, ModelClass>> = {}): ModelClass {
  if (offline || models.length === 0) return 'offline';
  return models.map((m) => classifyModel(m, overrides)).reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}

export interface Settings {
  region: string;
  gCO2ePerKWh: number;
  /** False when the configured region is in neither the table nor the overrides (the world average is used). */
  regionKnown: boolean;
  pue: number;
  cpuWatts: number;
  modelClasses: Record<string, ModelClass>;
}

export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  models: readonly string[];
  offline: boolean;
  durationMs: number;
}

export interface Estimate {
  modelClass: ModelClass;
  llmWh: number;
  cpuWh: number;
  /** (llmWh + cpuWh) x PUE. */
  wh: number;
  /** wh / 1000 x grid intensity. */
  co2eG: number;
}

/** The energy and CO2e estimate of one call (pure). */
export function estimateCall(usage: CallUsage, s: Settings): Estimate {
  const modelClass = classOfCall(usage.models, usage.offline, s.modelClasses);
  const f = MODEL_CLASSES[modelClass];
  const llmWh = (usage.inputTokens / 1000) * f.inputWhPer1kTokens + (usage.outputTokens / 1000) * f.outputWhPer1kTokens;
  const cpuWh = (s.cpuWatts * usage.durationMs) / 3_600_000;
  const wh = (llmWh + cpuWh) * s.pue;
  return { modelClass, llmWh, cpuWh, wh, co2eG: (wh / 1000) * s.gCO2ePerKWh };
}
