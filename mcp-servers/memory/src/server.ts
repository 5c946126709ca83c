import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isNeonHubError, WORKSPACE_META_KEY, workspaceFromMeta } from '@neonhub/schemas';
import { z } from 'zod';
import { memoryErrors } from './errors.js';
import type { MemoryStore } from './store.js';
import { deleteDocumentTool, getDocumentTool, ingestTool, listCollectionsTool, type MemoryToolSpec, searchTool } from './tools.js';

export const SERVER_NAME = 'neonhub-memory';
export const SERVER_VERSION = '0.2.2';

/** The older per-call context of the host's isolated runtime (`_meta['neonhub/context']`), still accepted. */
const NeonHubContextSchema = z.object({ workspace: z.object({ id: z.string().min(1).max(128) }) });

export interface MemoryServerOptions {
  /**
   * Pins the server to one workspace (standalone use, e.g. Claude Desktop with `--workspace acme`):
   * calls without a workspace use it, calls naming another are refused. Unpinned (as the host
   * mounts it), every call must name its workspace.
   */
  workspace?: string;
  /** Called with unexpected (non-NeonHub) errors before they are returned as tool errors. */
  onError?: (err: unknown, tool: string) => void;
}

/**
 * The workspace a request is made in: `_meta['io.neonhub/workspace'].id` (or the isolated
 * runtime's `_meta['neonhub/context'].workspace.id`), else the pinned workspace. Never a default:
 * NH_MEMORY_WORKSPACE_REQUIRED without either, NH_MEMORY_WORKSPACE_MISMATCH when the request
 * names another workspace than the pinned one.
 */
export function workspaceOf(meta: Record<string, unknown> | undefined, pinned?: string): string {
  const legacy = NeonHubContextSchema.safeParse(meta?.['neonhub/context']);
  const named = workspaceFromMeta(meta)?.id ?? (legacy.success ? legacy.data.workspace.id : undefined);
  if (named !== undefined && pinned !== undefined && named !== pinned)
    throw memoryErrors.create('NH_MEMORY_WORKSPACE_MISMATCH', `this memory server serves workspace ${pinned} only, not ${named}`, {
      details: { pinned, requested: named },
    });
  const workspace = named ?? pinned;
  if (workspace === undefined)
    throw memoryErrors.create(
      'NH_MEMORY_WORKSPACE_REQUIRED',
      `the call names no workspace: send _meta["${WORKSPACE_META_KEY}"] = { id, slug }, or start the server with --workspace <id>`,
    );
  return workspace;
}

function ok(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

function fail(err: unknown, tool: string, onError: MemoryServerOptions['onError']): CallToolResult {
  if (isNeonHubError(err)) {
    return {
      isError: true,
      content: [{ type: 'text', text: `${err.code}: ${err.message}` }],
      _meta: {
        'neonhub/error': {
          code: err.code,
          message: err.message,
          status: err.status,
          category: err.category,
          ...(err.details === undefined ? {} : { details: err.details }),
        },
      },
    };
  }
  onError?.(err, tool);
  return { isError: true, content: [{ type: 'text', text: `NH_MEMORY_INTERNAL: ${(err as Error)?.message ?? String(err)}` }] };
}

/**
 * An MCP server offering the memory tools over `store`. Serve it over any transport:
 * `await createMemoryServer(store).connect(new StdioServerTransport())`, or a
 * `StreamableHTTPServerTransport`.
 */
export function createMemoryServer(store: MemoryStore, options: MemoryServerOptions = {}): McpServer {
  const pinned = options.workspace;
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION, title: 'NeonHub memory' },
    {
      capabilities: { tools: {} },
      instructions:
        'Workspace memory for NeonHub: ingest brand voice guides, knowledge base articles and agent notes, then search them ' +
        '(vector, full-text or hybrid). Every call is scoped to one workspace.',
    },
  );

  function register<I extends z.ZodObject, O extends z.ZodObject>(
    spec: MemoryToolSpec<I, O>,
    run: (input: z.output<I>, workspace: string) => Promise<z.input<O>>,
  ): void {
    server.registerTool(
      spec.name,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: spec.input,
        outputSchema: spec.output,
        annotations: spec.annotations,
      },
      (async (input: z.output<I>, extra: { _meta?: Record<string, unknown> }) => {
        try {
          return ok((await run(input, workspaceOf(extra._meta, pinned))) as Record<string, unknown>);
        } catch (err) {
          return fail(err, spec.name, options.onError);
        }
      }) as never,
    );
  }

  register(ingestTool, (input, ws) => store.ingest(ws, input));
  register(searchTool, (input, ws) => store.search(ws, input));
  register(getDocumentTool, (input, ws) => store.getDocument(ws, input));
  register(deleteDocumentTool, async (input, ws) => {
    const documentId = (await store.documentIdOf(ws, input)) ?? null;
    return { documentId, deleted: documentId !== null && (await store.deleteDocument(ws, documentId)) };
  });
  register(listCollectionsTool, async (_input, ws) => ({ collections: await store.listCollections(ws) }));
  return server;
}
