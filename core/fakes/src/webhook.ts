/**
 * What a connector needs to talk to a fake: the plugin it stands in for, the plugin config that points the
 * official client at the fake (`baseUrl`), and the connection credentials the fake accepts. The local-fakes
 * demo mode connects each plugin with exactly this.
 */
export interface FakeConnection {
  plugin: string;
  config: Record<string, unknown>;
  credentials: Record<string, string>;
  /** The provider-side account the credentials act as (ctx.connection.account), when the fake knows it. */
  account?: { id?: string; name?: string };
}

/** Posts a (signed) webhook the way a provider does; resolves with the receiver's status, or 0 when unreachable. */
export async function postWebhook(url: string, body: string, headers: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
