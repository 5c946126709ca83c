#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { reportError } from './output.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** `neonhub`: each command module is imported lazily so `--help` and small commands start fast. */
const program = new Command('neonhub')
  .description('NeonHub: an AI-native marketing platform built on MCP plugins')
  .version(`neonhub ${version} (Node ${process.versions.node})`, '-V, --version', 'print the version')
  .showHelpAfterError();

const action =
  <A extends unknown[]>(load: () => Promise<(...args: A) => Promise<void>>) =>
  async (...args: A) => {
    try {
      await (await load())(...args);
    } catch (err) {
      reportError(err);
    }
  };

program
  .command('start')
  .description('start the host (HTTP API, /health) on the embedded defaults or the configured services')
  .option('-p, --port <port>', 'port to listen on (default $PORT or 4400)')
  .action(action(async () => (await import('./commands/start.js')).start));

const db = program.command('db').description('database maintenance');
db.command('migrate')
  .description('apply pending migrations')
  .action(action(async () => (await import('./commands/db.js')).migrate));

const plugin = program.command('plugin').description('install, pin, verify and enable plugins');
plugin
  .command('list')
  .description('installed plugins with their lock status (reads manifests only; runs no plugin code)')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/plugin.js')).list));
plugin
  .command('info <id>')
  .description("a plugin's manifest: tools, side effects, secrets, network hosts, dependencies")
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/plugin.js')).info));
plugin
  .command('install <from>')
  .description(
    'place a plugin from npm (name@version) or a .tgz file in the data directory; runs nothing and pins nothing (then: plugin lock <id>)',
  )
  .option('--replace', 'replace an installed plugin of the same id (only from the same package)')
  .option('--mcp', 'an npm MCP server without plugin.json: mount it as an mcp-stdio plugin (npx -y <package>@<version>)')
  .option('--arg <value...>', "with --mcp: the server's arguments (e.g. the folder server-filesystem may read)")
  .option('--id <id>', 'with --mcp: the plugin id (default: from the package name)')
  .option('--env <names...>', 'with --mcp: host environment variables to pass to the server besides HOME')
  .action(action(async () => (await import('./commands/plugin.js')).install));
plugin
  .command('lock [ids...]')
  .description('pin plugins (all, or the ids given) in plugins.lock.json and print what changed; starts MCP servers to list their tools')
  .option('--isolated', 'run the given plugins isolated')
  .option(
    '--in-process',
    'run the given module plugins in the host process (only for code you trust; installed plugins are isolated by default)',
  )
  .option('--check', 'print the diff and exit non-zero when the lock would change, without writing')
  .action(action(async () => (await import('./commands/plugin.js')).lock));
plugin
  .command('uninstall <id>')
  .description('unpin a plugin and delete its installed files; a running host stops it at once')
  .action(action(async () => (await import('./commands/plugin.js')).uninstall));
plugin
  .command('verify')
  .description('check every installed plugin against plugins.lock.json without running any plugin code')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/plugin.js')).verify));
plugin
  .command('enable <id>')
  .description('enable a plugin in a workspace')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('-c, --config <json>', 'the plugin config for this workspace (JSON)')
  .action(action(async () => (await import('./commands/plugin.js')).enable));
plugin
  .command('disable <id>')
  .description('disable a plugin in a workspace')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .action(action(async () => (await import('./commands/plugin.js')).disable));
plugin
  .command('secret <id> <name>')
  .description("store a plugin's secret for a workspace (read from stdin, encrypted at rest)")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .action(action(async () => (await import('./commands/plugin.js')).secret));
plugin
  .command('connect <id>')
  .description("connect a workspace's account to an outside MCP server behind OAuth: prints the authorization link to open")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--client-id <id>', "the workspace's own client id, registered at the server's authorization server beforehand")
  .option('--client-secret-env <variable>', "read that client's secret from this environment variable")
  .option('--json', 'print JSON')
  .action(action(async () => (await import('./commands/plugin-connect.js')).connect));
plugin
  .command('disconnect <id>')
  .description("forget a workspace's OAuth grant at an outside MCP server")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .action(action(async () => (await import('./commands/plugin-connect.js')).disconnect));
plugin
  .command('oauth <id>')
  .description("a workspace's OAuth grant at an outside MCP server: status, scope, expiry, last error (never a token)")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--json', 'print JSON')
  .action(action(async () => (await import('./commands/plugin-connect.js')).status));
plugin
  .command('new <id>')
  .description('scaffold a plugin that passes the conformance suite')
  .option('-k, --kind <kind>', 'agent | connector | capability', 'agent')
  .option('-d, --dir <dir>', 'where to create it (default plugins/<id>)')
  .option('--description <text>', 'what it does')
  .action(action(async () => (await import('./commands/plugin.js')).scaffold));
plugin
  .command('sync <dir>')
  .description("regenerate plugin.json's tools from the zod schemas in code")
  .action(action(async () => (await import('./commands/plugin.js')).sync));

const workspace = program.command('workspace').description('workspaces');
workspace
  .command('create <slug>')
  .description('create a workspace')
  .option('-n, --name <name>', 'display name')
  .action(action(async () => (await import('./commands/workspace.js')).create));
workspace
  .command('list')
  .description('list workspaces')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/workspace.js')).list));
workspace
  .command('llm <slug>')
  .description("show or set the workspace's language model (default: the host's NEONHUB_LLM_* settings)")
  .option('--provider <name>', 'offline | openai | anthropic | ollama | openai-compatible')
  .option('--model <id>', "the provider's model id")
  .option('--base-url <url>', 'the endpoint (OpenAI and compatible: ending in /v1; Ollama: /api)')
  .option('--api <kind>', 'openai only: chat (default) or responses')
  .option('--api-key-env <var>', 'read the API key from this environment variable (stored encrypted)')
  .option('--clear', "go back to the host's default and delete the stored key")
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/workspace.js')).llm));
workspace
  .command('outbound <slug> [entries...]')
  .description(
    "show or replace the workspace's outbound allow-list: non-public targets (127.0.0.1:11434, 10.0.0.0/8, ollama.internal:11434) its model and plugins may reach (operator only)",
  )
  .option('--clear', 'remove every entry of the workspace (NEONHUB_OUTBOUND_ALLOW still applies)')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/workspace.js')).outbound));

const collect = (value: string, previous: string[] = []) => [...previous, value];
const connection = program.command('connection').description("a workspace's connected accounts (API keys, OAuth) for connector plugins");
connection
  .command('list')
  .description('connections with their status, default flag and last error (never a secret)')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/connection.js')).list));
connection
  .command('add <connector> <label>')
  .description("connect an account with the connector's API-key fields (secret values are stored encrypted, never shown)")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--field <name=value>', 'a field value (repeatable)', collect)
  .option('--field-env <name=VARIABLE>', 'a field value read from an environment variable (repeatable; for secrets)', collect)
  .option('--default', "make it the connector's default connection")
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/connection.js')).add));
connection
  .command('connect <connector>')
  .description('start connecting an OAuth account: prints the link to open and approve in a browser')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('-l, --label <label>', 'name of the new connection')
  .option('--reconnect <connection>', 'reconnect this connection (id or label) instead of adding one')
  .option('--field <name=value>', 'a non-secret field typed beside OAuth (repeatable)', collect)
  .option('--field-env <name=VARIABLE>', 'a field value read from an environment variable (repeatable)', collect)
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/connection.js')).connect));
connection
  .command('remove <connection>')
  .description('revoke (at the provider when it can be) and remove a connection (id or label)')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--revoke-only', 'revoke and keep it, shown as revoked')
  .action(action(async () => (await import('./commands/connection.js')).remove));
connection
  .command('test <connection>')
  .description("check a connection: credentials decrypt, an OAuth token refreshes, the connector's test_connection tool answers")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/connection.js')).test));

program
  .command('call <tool>')
  .description('call a tool (plugin-id:tool_name) through the pipeline')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('-i, --input <json>', 'tool input as JSON', '{}')
  .option('--idempotency-key <key>', 'reuse to make a retry safe')
  .action(action(async () => (await import('./commands/call.js')).call));

program
  .command('run <goal>')
  .description('plan a goal into steps and run them, showing live progress; stops at approvals with the command to approve')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--to <emails>', 'comma-separated e-mail recipients for e-mail steps')
  .option('--network <networks...>', 'social networks for social steps')
  .option('--dry-run', 'show the plan without running it')
  .action(action(async () => (await import('../runs/cli.js')).runCommand));
program
  .command('approve <runId> <stepId>')
  .description('approve (or --reject) a run step that waits for approval; the run resumes')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--note <text>', 'a note kept with the decision')
  .option('--reject <reason>', 'reject instead, with this reason')
  .action(action(async () => (await import('../runs/cli.js')).approveCommand));
program
  .command('worker')
  .description('run a BullMQ worker process for run steps (needs REDIS_URL and DATABASE_URL)')
  .option('-c, --concurrency <n>', 'steps at a time', '4')
  .action(action(async () => (await import('../runs/cli.js')).workerCommand));

const results = program.command('results').description("a workspace's results: how they are gathered and learned from");
results
  .command('settings')
  .description('show or change the learning loop (on/off, interval, metric) and the social metrics pull; admin to change')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--learning <on|off>', 'run the learning loop or not')
  .option('--learning-every <minutes>', 'minutes between two learning passes (15-10080)')
  .option('--learning-metric <metric>', 'what a draft or an arm earns per send: clicked, opened or converted')
  .option('--metrics <on|off>', 'pull social metrics or not')
  .option('--metrics-every <minutes>', 'minutes between two pulls (15-10080)')
  .option('--metrics-days <days>', 'how many days after publishing a post is still pulled (1-90)')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('../results/cli.js')).settingsCommand));

const schedule = program.command('schedule').description('scheduled e-mails, posts and tool calls (the calendar)');
schedule
  .command('list')
  .description('what is scheduled (and what ran: sent, published, failed with the reason) in a time range')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--from <time>', 'ISO 8601 start (default: a day ago)')
  .option('--to <time>', 'ISO 8601 end (default: in 90 days)')
  .option('--channel <channel>', 'only this channel (email, social, ...)')
  .option('--status <status>', 'only this status (scheduled, sent, published, failed, cancelled, ...)')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('../schedules/cli.js')).listCommand));
schedule
  .command('move <id> <time>')
  .description("reschedule: ISO 8601 with an offset, or a local time (2027-03-29T09:00) in --time-zone or the item's zone")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--time-zone <zone>', 'IANA time zone of a local time (e.g. Europe/Paris)')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('../schedules/cli.js')).moveCommand));
schedule
  .command('cancel <id>')
  .description('cancel a schedule that has not run: it never runs')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('../schedules/cli.js')).cancelCommand));
schedule
  .command('timezone [zone]')
  .description("show or set the workspace's IANA time zone, in which local schedule times are read")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('../schedules/cli.js')).timeZoneCommand));

const outbox = program.command('outbox').description('external sends waiting, delivered or dead (docs/outbox.md)');
outbox
  .command('list')
  .description('messages newest first with status, recipients, attempts and last error; counts per status')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--status <status>', 'only queued, sending, retrying, delivered, dead or cancelled messages')
  .option('--limit <n>', 'at most this many (1-500, default 50)')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/outbox.js')).list));
outbox
  .command('show <id>')
  .description('one message: its input, result, attempts, last error and per-recipient status (JSON)')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .action(action(async () => (await import('./commands/outbox.js')).show));
outbox
  .command('retry <id>')
  .description('send a dead (or cancelled) message again, with its idempotency key and a fresh attempt budget')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/outbox.js')).retry));
outbox
  .command('cancel <id>')
  .description('cancel a queued, retrying or dead message so it is never sent')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/outbox.js')).cancel));

const audit = program
  .command('audit')
  .description('the tamper-evident audit log (the audit contract provider of the workspace: data-trust as shipped)');
audit
  .command('verify')
  .description('verify the hash chain and signed checkpoints; names the exact entry that was tampered with')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--public-key <file>', 'the workspace public key (PEM) you kept outside NeonHub')
  .action(action(async () => (await import('./commands/audit.js')).verify));
audit
  .command('export')
  .description('print the chain and checkpoints as JSON Lines, for outside anchoring')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .action(action(async () => (await import('./commands/audit.js')).exportChain));

program
  .command('mcp')
  .description('serve a workspace as an MCP server over stdio (for Claude Desktop, Cursor, VS Code)')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .action(action(async () => (await import('./commands/mcp.js')).mcp));

const user = program.command('user').description('console accounts');
user
  .command('create <email>')
  .description('create a console account (the operator); --owner makes it owner of every workspace')
  .option('-n, --name <name>', 'display name')
  .option('--owner', 'owner of every workspace (the first owner of a fresh install)')
  .option('--password-stdin', 'read the password from stdin (otherwise one is generated and printed once)')
  .action(action(async () => (await import('./commands/user.js')).userCreate));

const token = program.command('token').description('API tokens for the HTTP API and /mcp');
token
  .command('create')
  .description('create a token bound to a workspace and a role; printed once, stored only as SHA-256')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('-r, --role <role>', 'owner | admin | member | viewer', 'member')
  .option('-n, --name <name>', 'what it is for', 'cli')
  .action(action(async () => (await import('./commands/mcp.js')).tokenCreate));
token
  .command('list')
  .description("the workspace's active tokens: name, role, created, last used (never the secret)")
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .option('--all', 'revoked tokens too')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/mcp.js')).tokenList));
token
  .command('revoke <id>')
  .description('revoke a token at once (its id is in `neonhub token list`)')
  .requiredOption('-w, --workspace <slug>', 'workspace slug')
  .action(action(async () => (await import('./commands/mcp.js')).tokenRevoke));

program
  .command('doctor')
  .description('check Node, the data directory, the database, Redis, Chromium, each plugin and the MCP endpoint; says what to fix')
  .option('--json', 'machine-readable output')
  .action(action(async () => (await import('./commands/doctor.js')).doctor));
program
  .command('completion <shell>')
  .description('print a shell completion script: bash, zsh or fish (e.g. eval "$(neonhub completion bash)")')
  .action(
    action(async () => async (shell: string) => {
      process.stdout.write((await import('./completion.js')).completionScript(program, shell));
    }),
  );

await program.parseAsync(process.argv);
