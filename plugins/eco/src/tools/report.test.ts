import { describe, expect, it } from 'vitest';
import { afterCall, setup, usage } from '../../test/helpers.js';

describe('report and factors', () => {
  it('writes a markdown report with totals, per-model and per-tool tables and the assumptions', async () => {
    const { harness } = setup({ config: { region: 'germany' } });
    await afterCall(harness, { tool: 'agent-email:draft', durationMs: 1000, llmUsage: usage(1000, 1000, 'openai/gpt-4o') });
    await afterCall(harness, { tool: 'agent-seo:analyze_page', durationMs: 20 });
    const { text, format } = (await harness.call('report', {})) as { text: string; format: string };
    expect(format).toBe('markdown');
    expect(text).toContain('## Usage and footprint: acme');
    expect(text).toContain('Period: 2026-11-25 to 2026-11-25 (UTC)');
    expect(text).toContain('Tool calls: 2 (2 ok, 0 failed, 0 denied, 0 awaiting approval)');
    expect(text).toContain('tokens: 1,000 in, 1,000 out');
    expect(text).toContain('| openai/gpt-4o | 1 | 1,000 | 1,000 |');
    expect(text).toContain('| agent-email:draft |');
    expect(text).toContain('grid germany at 381 gCO2e/kWh, PUE 1.2');
    expect(text).toMatch(/estimates/);
    // (1 x 0.1 + 1 x 1.0 + 2.12 x 1 s / 3600) x 1.2 = 1.320707 Wh
    expect(text).toContain('Estimated energy: 1.321 Wh');
  });

  it('writes plain text too, and says so when nothing was recorded', async () => {
    const { harness } = setup();
    const r = (await harness.call('report', { format: 'text' })) as { text: string };
    expect(r.text).toContain('USAGE AND FOOTPRINT: acme');
    expect(r.text).toContain('no usage recorded yet');
  });

  it('factors lists the table, the workspace settings and the sources', async () => {
    const { harness } = setup({ config: { region: 'my-dc', gridIntensities: { 'my-dc': 20 }, pue: 1.1 } });
    const f = (await harness.call('factors', {})) as {
      estimate: boolean;
      modelClasses: Array<{ class: string }>;
      grid: unknown;
      pue: unknown;
      sources: Array<{ id: string }>;
    };
    expect(f.estimate).toBe(true);
    expect(f.modelClasses.map((c) => c.class)).toEqual(['offline', 'small', 'medium', 'large']);
    expect(f.grid).toMatchObject({ region: 'my-dc', gCO2ePerKWh: 20, regionKnown: true });
    expect(f.pue).toEqual({ default: 1.2, configured: 1.1 });
    expect(f.sources.map((s) => s.id)).toEqual(expect.arrayContaining(['samsi2023', 'luccioni2023', 'patterson2021', 'ember2024', 'iea']));
  });

  it('an invalid config is NH_ECO_CONFIG_INVALID in tools', async () => {
    const { harness } = setup({ config: { pue: 0.5 } });
    await expect(harness.call('factors', {})).rejects.toMatchObject({ code: 'NH_ECO_CONFIG_INVALID' });
  });
});
