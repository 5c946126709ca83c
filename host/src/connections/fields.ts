import type { ConnectorDeclaration, PluginManifest } from '@neonhub/schemas';
import { connectionErrors } from './errors.js';

/** A field an admin types in when connecting an account (an API key, an account id...). */
export type AuthField = { name: string; label: string; description: string; secret: boolean; required: boolean };

/** The connector declaration of an installed connector plugin, or NH_CONNECTION_INVALID. */
export function connectorOf(
  manifest: PluginManifest | undefined,
  pluginId: string,
): { manifest: PluginManifest; connector: ConnectorDeclaration } {
  if (!manifest?.connector)
    throw connectionErrors.create(
      'NH_CONNECTION_INVALID',
      manifest
        ? `plugin ${pluginId} is not a connector (its manifest has no connector block)`
        : `no installed plugin has the id ${pluginId}`,
      { details: { plugin: pluginId } },
    );
  return { manifest, connector: manifest.connector };
}

/** The fields an admin types in for a connector (the webhook secret field counts as a secret field when not declared). */
export function declaredFields(connector: ConnectorDeclaration): AuthField[] {
  const auth = connector.auth;
  const fields: AuthField[] = auth.type === 'none' ? [] : [...auth.fields];
  const secretField = connector.webhook?.secretField;
  if (secretField && !fields.some((f) => f.name === secretField) && secretField !== 'clientSecret')
    fields.push({
      name: secretField,
      label: 'Webhook signing secret',
      description: "Verifies the provider's webhook requests",
      secret: true,
      required: false,
    });
  return fields;
}

/** Splits given values into secret and plain ones; unknown names and (unless partial) missing required ones are refused. */
export function checkFields(fields: AuthField[], values: Record<string, string>, partial: boolean) {
  const problems: { path: string; message: string }[] = [];
  const secret: Record<string, string> = {};
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const field = fields.find((f) => f.name === name);
    if (!field)
      problems.push({
        path: `fields.${name}`,
        message: `not a field of this connector (fields: ${fields.map((f) => f.name).join(', ') || 'none'})`,
      });
    else if (value.length === 0) problems.push({ path: `fields.${name}`, message: 'empty' });
    else (field.secret ? secret : plain)[name] = value;
  }
  if (!partial)
    for (const f of fields)
      if (f.required && !(f.name in values)) problems.push({ path: `fields.${f.name}`, message: `required (${f.label})` });
  if (problems.length)
    throw connectionErrors.create(
      'NH_CONNECTION_INVALID',
      `invalid connection fields: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      {
        details: { issues: problems },
      },
    );
  return { secret, plain };
}
