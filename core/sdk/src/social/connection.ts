import { connectorErrors } from '../errors.js';
import type { ConnectionContext, ToolContext } from '../types.js';

/** The call's connected account, or NH_CONNECTOR_NOT_CONNECTED naming the plugin. */
export function requireConnection(ctx: Pick<ToolContext, 'connection'>, plugin: string): ConnectionContext {
  if (!ctx.connection) {
    throw connectorErrors.create(
      'NH_CONNECTOR_NOT_CONNECTED',
      `${plugin} has no connected account in this workspace: connect one on the Connections page or with \`neonhub connection add ${plugin}\``,
      { details: { plugin } },
    );
  }
  return ctx.connection;
}

/** A credential of the connection (an OAuth access token, an API key field), or NH_CONNECTOR_AUTH_FAILED. */
export function credential(connection: ConnectionContext, name: string, plugin: string): string {
  const value = connection.credentials[name];
  if (!value) {
    throw connectorErrors.create('NH_CONNECTOR_AUTH_FAILED', `connection ${connection.label} of ${plugin} has no ${name}: reconnect it`, {
      details: { plugin, connection: connection.id, field: name },
    });
  }
  return value;
}
