import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fetchWithOwnSignal } from '../../host/src/mcp/request-signal.js';
import { buildApp } from '../../host/src/server/app.js';
import { printTable, summarize, timeEach } from '../stats.js';
import type { BenchHost } from './bench-host.js';
import type { BenchContext, Db } from './context.js';

/**
 * The issue's own table: an MCP client over Streamable HTTP calls `ws-echo__whoami` (an echo server mounted over
 * stdio) through the host's /mcp, in the echo-only workspace and in the trusted one, side by side: sequential p50
 * (blocks of 10 alternating) and calls per second with INFLIGHT requests in flight on one session.
 */
export async function overMcp(ctx: BenchContext, host: BenchHost, dialect: Db) {
  const { n: N, inflight: INFLIGHT } = ctx.opts;
  const { auditTrace, mcpTrace } = ctx;
  const app = await buildApp(host);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp`);
  mcpTrace?.attach(app.server);
  const session = async (slug: string) => {
    const ws = await host.storage.workspaces.resolve(slug);
    const { token } = await host.storage.tokens.create({ workspaceId: ws.id, role: 'member', name: `bench ${slug}` });
    const client = new Client({ name: 'bench-trust', version: '1.0.0' });
    // each request with a signal of its own (the host's own clients do the same: host/src/mcp/request-signal.ts)
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      fetch: fetchWithOwnSignal(),
    });
    await client.connect(transport);
    const call = async () => {
      const r = await client.callTool({ name: 'ws-echo__whoami', arguments: {} });
      if (r.isError) throw new Error(`bench call failed: ${JSON.stringify(r.content)}`);
    };
    if (mcpTrace) return { client, call: mcpTrace.wrap(slug, call), plain: call };
    return { client, call, plain: call };
  };
  const bare = await session('echo-only');
  const trusted = await session('trusted');
  try {
    for (let i = 0; i < 100; i++) {
      await bare.call();
      await trusted.call();
    }
    const a: number[] = [];
    const b: number[] = [];
    auditTrace?.start();
    mcpTrace?.start();
    for (let done = 0; done < N / 2; done += 10) {
      a.push(...(await timeEach(10, bare.call)));
      b.push(...(await timeEach(10, trusted.call)));
    }
    auditTrace?.print(`${dialect}, sequential over MCP (echo over stdio)`);
    mcpTrace?.print(`${dialect}, sequential over MCP (echo over stdio)`);
    const rows = [summarize(`${dialect} over MCP: echo only`, a), summarize(`${dialect} over MCP: + governance, data-trust, eco`, b)];
    printTable(`${dialect}: echo over stdio, called over MCP Streamable HTTP, ${N / 2} sequential calls each`, rows);
    // calls per second, and the process's CPU per call (host, client and PGlite; not the echo server's process)
    const tput = async (fn: () => Promise<void>, cpu: number[]) => {
      let next = 0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await Promise.all(
        Array.from({ length: INFLIGHT }, async () => {
          while (next++ < N / 2) await fn();
        }),
      );
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / (N / 2));
      return N / 2 / ((performance.now() - t0) / 1000);
    };
    const ta: number[] = [];
    const tb: number[] = [];
    const ca: number[] = [];
    const cb: number[] = [];
    for (let round = 0; round < 3; round++) {
      ta.push(await tput(bare.plain, ca));
      tb.push(
        await (round === 0
          ? ctx.profiled(`trust-mcp-${dialect.replace(' ', '-')}`, () => tput(trusted.plain, cb))
          : tput(trusted.plain, cb)),
      );
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[1]!;
    return {
      addedP50: rows[1]!.p50 - rows[0]!.p50,
      p50: rows[0]!.p50,
      bareTput: med(ta),
      trustedTput: med(tb),
      bareCpu: med(ca),
      trustedCpu: med(cb),
    };
  } finally {
    await bare.client.close();
    await trusted.client.close();
    await app.close();
  }
}
