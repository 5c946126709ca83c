import type { Logger } from 'pino';
import type { CallTool } from '../pipeline/call-tool.js';

export interface AccountMailConfig {
  /** The workspace whose e-mail connector sends account mail (NEONHUB_ACCOUNT_MAIL_WORKSPACE, default `neonhub-accounts`). */
  workspace: string;
  /** The connector's send tool (NEONHUB_ACCOUNT_MAIL_TOOL, default `connector-email-sandbox:send`). */
  tool: string;
  /**
   * The host creates the workspace (no members) and enables the connector's plugin there on first use:
   * true for the default workspace, whose outbox only the operator can read.
   */
  provision?: boolean;
}

/** The default account-mail workspace: created by the host, no members, so only the operator reads its outbox. */
export const ACCOUNT_MAIL_WORKSPACE = 'neonhub-accounts';

export const accountMailFromEnv = (env: NodeJS.ProcessEnv): AccountMailConfig => ({
  workspace: env.NEONHUB_ACCOUNT_MAIL_WORKSPACE || ACCOUNT_MAIL_WORKSPACE,
  tool: env.NEONHUB_ACCOUNT_MAIL_TOOL || 'connector-email-sandbox:send',
  provision: !env.NEONHUB_ACCOUNT_MAIL_WORKSPACE,
});

/** What provisioning the default workspace needs of the workspace service. */
export interface MailWorkspaces {
  resolveWorkspace(slug: string): Promise<{ id: string }>;
  createWorkspace(input: { slug: string; name: string }): Promise<{ id: string }>;
  isEnabled(workspaceId: string, pluginId: string): boolean | Promise<boolean>;
  enablePlugin(workspaceId: string, pluginId: string): Promise<unknown>;
}

export interface AccountMessage {
  to: string;
  subject: string;
  text: string;
  /** The one-time link the message carries (written to the host log only for a sandbox connector). */
  link: string;
  purpose: 'password_reset' | 'email_verify';
  /** Retries of the same message reuse it (the connector records it once). */
  idempotencyKey: string;
}

/** The account-mail actor: the host itself, not a workspace member. */
const ACTOR = { type: 'system', id: 'neonhub-accounts' } as const;

/**
 * Sends account mail (password reset, e-mail verification) through a workspace's e-mail connector, by the
 * same callTool pipeline as any tool call (hooks, call record). It never throws: the routes answer the same
 * whatever happens here. With a sandbox connector the message lands in the workspace outbox and the link is
 * also written to the host log (the operator's way in on a machine that sends no mail); with a real connector
 * the link is never logged.
 */
export function createAccountMailer(deps: {
  callTool?: CallTool | undefined;
  logger?: Logger | undefined;
  config: AccountMailConfig;
  workspaces?: MailWorkspaces | undefined;
}) {
  const { config, logger } = deps;
  const pluginId = config.tool.split(':')[0] ?? '';
  const sandbox = pluginId.includes('sandbox');
  const inFlight = new Set<Promise<void>>();
  let provisioned: Promise<void> | undefined;

  /** The default workspace and its connector, created once (a failure is retried on the next message). */
  function provision(): Promise<void> {
    const ws = deps.workspaces;
    if (!config.provision || !ws) return Promise.resolve();
    provisioned ??= (async () => {
      let workspace: { id: string };
      try {
        workspace = await ws.resolveWorkspace(config.workspace);
      } catch (err) {
        if ((err as { code?: string }).code !== 'NH_WORKSPACE_NOT_FOUND') throw err;
        workspace = await ws.createWorkspace({ slug: config.workspace, name: 'Account mail (host)' });
        logger?.info(
          { workspace: config.workspace },
          'created the account-mail workspace (no members: only the operator reads its outbox)',
        );
      }
      if (!(await ws.isEnabled(workspace.id, pluginId))) await ws.enablePlugin(workspace.id, pluginId);
    })().catch((err) => {
      provisioned = undefined;
      throw err;
    });
    return provisioned;
  }

  async function deliver(message: AccountMessage): Promise<void> {
    const about = { to: message.to, purpose: message.purpose, workspace: config.workspace, tool: config.tool };
    if (sandbox) logger?.info({ ...about, link: message.link }, `account e-mail (sandbox): ${message.subject} ${message.link}`);
    if (!deps.callTool) {
      logger?.warn(about, 'account e-mail not sent: no tool pipeline');
      return;
    }
    try {
      await provision();
      const result = await deps.callTool({
        workspace: config.workspace,
        tool: config.tool,
        input: { to: message.to, subject: message.subject, text: message.text },
        actor: ACTOR,
        idempotencyKey: message.idempotencyKey,
      });
      if (result.status === 'pending_approval')
        logger?.warn({ ...about, plugin: result.plugin }, `account e-mail held for approval by ${result.plugin}: ${result.reason}`);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      logger?.warn(
        { ...about, code },
        `account e-mail not sent (${String(code ?? (err as Error).message)}): enable ${config.tool.split(':')[0]} in workspace ${config.workspace} or set NEONHUB_ACCOUNT_MAIL_WORKSPACE / NEONHUB_ACCOUNT_MAIL_TOOL`,
      );
    }
  }

  return {
    config,
    /** Starts sending in the background (the caller answers without waiting: no timing difference to observe). */
    send(message: AccountMessage): void {
      const p = deliver(message).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    /** Resolves when every message started so far has been handed to the connector (tests, shutdown). */
    async settled(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type AccountMailer = ReturnType<typeof createAccountMailer>;
