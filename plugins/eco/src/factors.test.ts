import { describe, expect, it } from 'vitest';
import { EcoConfigSchema, resolveSettings } from './config.js';
import { classifyModel, classOfCall, estimateCall, GRID_INTENSITIES, MODEL_CLASSES, SOURCES } from './factors.js';

const settings = (over: Record<string, unknown> = {}) => resolveSettings(EcoConfigSchema.parse(over));

describe('model size classes', () => {
  it.each([
    ['openai/gpt-4o-mini', 'small'],
    ['openai/gpt-4.1-nano', 'small'],
    ['anthropic/claude-3-5-haiku-latest', 'small'],
    ['google/gemini-2.5-flash', 'small'],
    ['google/gemini-2.0-flash-lite', 'small'],
    ['ollama/llama3.1:8b', 'small'],
    ['ollama/qwen2.5:7b', 'small'],
    ['ollama/llama3.1:70b', 'medium'],
    ['anthropic/claude-sonnet-4-5', 'medium'],
    ['openai-compatible/some-new-model', 'medium'],
    ['openai/gpt-4o', 'large'],
    ['openai/gpt-5', 'large'],
    ['openai/o3', 'large'],
    ['anthropic/claude-opus-4-1', 'large'],
    ['google/gemini-2.5-pro', 'large'],
    ['together/llama-3.1-405b-instruct', 'large'],
    ['offline/neonhub-offline-1', 'offline'],
  ])('%s is %s', (model, cls) => {
    expect(classifyModel(model)).toBe(cls);
  });

  it('config overrides by provider/model or bare model name win', () => {
    expect(classifyModel('openai/gpt-4o', { 'openai/gpt-4o': 'medium' })).toBe('medium');
    expect(classifyModel('ollama/my-model', { 'my-model': 'small' })).toBe('small');
  });

  it('a call with several models counts its tokens at the largest class; offline usage at zero', () => {
    expect(classOfCall(['openai/gpt-4o-mini', 'anthropic/claude-opus-4'], false)).toBe('large');
    expect(classOfCall(['offline/neonhub-offline-1'], true)).toBe('offline');
    expect(classOfCall([], false)).toBe('offline');
  });
});

describe('estimateCall equals the hand computation from the factor table', () => {
  it('a small-model call in France', () => {
    const e = estimateCall(
      { inputTokens: 1200, outputTokens: 800, models: ['openai/gpt-4o-mini'], offline: false, durationMs: 1500 },
      settings({ region: 'france' }),
    );
    // llm = 1.2 x 0.01 + 0.8 x 0.1 = 0.092 Wh; cpu = 2.12 W x 1.5 s / 3600 = 0.000883333 Wh
    // wh = (0.092 + 0.000883333) x 1.2 = 0.11146 Wh; gCO2e = 0.11146 / 1000 x 56 = 0.00624176 g
    expect(e.modelClass).toBe('small');
    expect(e.llmWh).toBeCloseTo(0.092, 12);
    expect(e.cpuWh).toBeCloseTo(0.0008833333333, 12);
    expect(e.wh).toBeCloseTo(0.11146, 12);
    expect(e.co2eG).toBeCloseTo(0.00624176, 12);
  });

  it('a large-model call on the world grid with PUE 1.1', () => {
    const e = estimateCall(
      { inputTokens: 2000, outputTokens: 500, models: ['anthropic/claude-opus-4-1'], offline: false, durationMs: 200 },
      settings({ pue: 1.1 }),
    );
    // llm = 2 x 0.1 + 0.5 x 1.0 = 0.7; cpu = 2.12 x 0.2 / 3600 = 0.000117778; wh = 0.700117778 x 1.1 = 0.770129556; g = x 481 / 1000
    expect(e.wh).toBeCloseTo(0.7701295556, 9);
    expect(e.co2eG).toBeCloseTo(0.3704323162, 9);
  });

  it('a call without a model costs only its CPU time', () => {
    const e = estimateCall(
      { inputTokens: 0, outputTokens: 0, models: [], offline: true, durationMs: 3_600_000 },
      settings({ cpuWatts: 10, pue: 1 }),
    );
    expect(e).toMatchObject({ modelClass: 'offline', llmWh: 0, cpuWh: 10, wh: 10 });
    expect(e.co2eG).toBeCloseTo(4.81, 12);
  });
});

describe('grid settings', () => {
  it('defaults to the world average; overrides replace and extend the table', () => {
    expect(settings()).toMatchObject({ region: 'world', gCO2ePerKWh: 481, regionKnown: true, pue: 1.2, cpuWatts: 2.12 });
    expect(settings({ region: 'germany', gridIntensities: { germany: 300 } }).gCO2ePerKWh).toBe(300);
    expect(settings({ region: 'my-dc', gridIntensities: { 'my-dc': 12 } })).toMatchObject({ gCO2ePerKWh: 12, regionKnown: true });
    expect(settings({ region: 'atlantis' })).toMatchObject({ gCO2ePerKWh: 481, regionKnown: false });
  });

  it('every figure names a source that exists', () => {
    const ids = new Set(SOURCES.map((s) => s.id));
    for (const g of GRID_INTENSITIES) expect(ids.has(g.source), g.region).toBe(true);
    for (const c of Object.values(MODEL_CLASSES)) expect(c.basis.length).toBeGreaterThan(10);
  });
});
