#!/usr/bin/env node
/**
 * The command the MCP conformance suite launches for each client scenario:
 *   conformance client --command "node scripts/conformance-client/adapter.mjs" --scenario <name>
 * The suite appends its test server's URL and sets MCP_CONFORMANCE_SCENARIO (and MCP_CONFORMANCE_CONTEXT).
 * NeonHub itself is the client: this adapter hands the scenario to the NeonHub host of the suite run (driver.ts,
 * reached at NEONHUB_CONFORMANCE_DRIVER, which `npx tsx scripts/conformance-client/run.ts` sets), prints what the
 * host did and exits 0 when it completed the scenario. Plain Node (no tsx): the suite starts one per scenario.
 */
const driver = process.env.NEONHUB_CONFORMANCE_DRIVER;
const scenario = process.env.MCP_CONFORMANCE_SCENARIO;
const serverUrl = process.argv[2];

if (!driver || !scenario || !serverUrl) {
  console.error(
    'usage: MCP_CONFORMANCE_SCENARIO=<name> NEONHUB_CONFORMANCE_DRIVER=<url> node scripts/conformance-client/adapter.mjs <server-url>\n' +
      'Run the suite with `npx tsx scripts/conformance-client/run.ts [--suite all | --scenario <name>]`: it boots the NeonHub host and sets both.',
  );
  process.exit(2);
}

let context;
if (process.env.MCP_CONFORMANCE_CONTEXT) context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT);

try {
  const res = await fetch(new URL('/scenario', driver), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario, serverUrl, ...(context ? { context } : {}) }),
  });
  const outcome = await res.json();
  for (const line of outcome.log ?? []) console.log(line);
  if (!outcome.ok) {
    console.error(`NeonHub did not complete ${scenario}: ${outcome.error?.code ?? ''} ${outcome.error?.message ?? res.status}`);
    process.exit(1);
  }
  console.log(`NeonHub completed ${scenario} in ${outcome.durationMs} ms`);
} catch (err) {
  console.error(`could not reach the NeonHub conformance driver at ${driver}: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
