import type { DB, Kysely } from '@neonhub/db';
import { ContactInputSchema } from '@neonhub/schemas';
import { parse } from 'csv-parse/sync';
import { type NormalizedContact, normalizeContactInput, upsertContact } from './contacts.js';
import { audienceErrors } from './errors.js';

export interface RowError {
  row: number;
  code: string;
  field?: string;
  message: string;
}

interface ParsedRow {
  row: number;
  contact: NormalizedContact;
  listNames: string[];
}

const NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d+)?$/;
/** A cell as an attribute value: plain integers and decimals become numbers, true/false booleans, empty null. */
function cellValue(cell: string): string | number | boolean | null {
  if (cell === '') return null;
  if (NUMBER.test(cell)) return Number(cell);
  if (cell === 'true' || cell === 'false') return cell === 'true';
  return cell;
}

/**
 * Reads the CSV (RFC 4180, via csv-parse): a header row, then one contact per row. Columns: `email`, `phone`,
 * `lists` (list names separated by |), `handle.<network>`; any other column is an attribute. Each bad row gets
 * its own coded error with its line number; the file itself being unreadable is NH_AUDIENCE_CSV_INVALID.
 */
export function parseContactsCsv(csv: string): { columns: string[]; rows: ParsedRow[]; errors: RowError[]; total: number } {
  let records: string[][];
  try {
    records = parse(csv, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      max_record_size: 100_000,
    }) as string[][];
  } catch (err) {
    throw audienceErrors.create('NH_AUDIENCE_CSV_INVALID', `the CSV cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const [header, ...body] = records;
  if (!header || header.length === 0) throw audienceErrors.create('NH_AUDIENCE_CSV_INVALID', 'the CSV has no header row');
  const columns = header.map((h) => h.trim());
  const lower = columns.map((c) => c.toLowerCase());
  if (!lower.includes('email') && !lower.includes('phone'))
    throw audienceErrors.create(
      'NH_AUDIENCE_CSV_NO_ADDRESS_COLUMN',
      `the header (${columns.join(', ')}) has neither an email nor a phone column`,
    );

  const rows: ParsedRow[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  body.forEach((cells, i) => {
    const row = i + 2; // line 1 is the header
    if (cells.length !== columns.length) {
      errors.push({
        row,
        code: 'NH_AUDIENCE_ROW_INVALID',
        field: 'columns',
        message: `${cells.length} cells where the header has ${columns.length}`,
      });
      return;
    }
    const raw: { email?: string; phone?: string; handles: Record<string, string>; attributes: Record<string, unknown> } = {
      handles: {},
      attributes: {},
    };
    let listNames: string[] = [];
    cells.forEach((cell, j) => {
      const col = lower[j] as string;
      if (col === 'email') {
        if (cell) raw.email = cell;
      } else if (col === 'phone') {
        if (cell) raw.phone = cell;
      } else if (col === 'lists') {
        listNames = cell
          .split('|')
          .map((s) => s.trim())
          .filter(Boolean);
      } else if (col.startsWith('handle.')) {
        if (cell) raw.handles[col.slice('handle.'.length)] = cell;
      } else raw.attributes[columns[j] as string] = cellValue(cell);
    });
    if (!raw.email && !raw.phone) {
      errors.push({ row, code: 'NH_AUDIENCE_ROW_NO_ADDRESS', message: 'the row has neither an e-mail address nor a phone number' });
      return;
    }
    const checked = ContactInputSchema.safeParse(raw);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field = issue?.path.map(String).join('.') || undefined;
      errors.push({ row, code: 'NH_AUDIENCE_ROW_INVALID', ...(field ? { field } : {}), message: issue?.message ?? 'invalid row' });
      return;
    }
    const contact = normalizeContactInput(checked.data);
    for (const key of [contact.email && `email:${contact.email}`, contact.phone && `phone:${contact.phone}`]) {
      if (!key) continue;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({ row, code: 'NH_AUDIENCE_ROW_DUPLICATE', field: key.split(':')[0] as string, message: `repeats row ${first}` });
        return;
      }
    }
    for (const key of [contact.email && `email:${contact.email}`, contact.phone && `phone:${contact.phone}`]) if (key) seen.set(key, row);
    rows.push({ row, contact, listNames });
  });
  return { columns, rows, errors, total: body.length };
}

/**
 * The import: with dryRun, the parsed rows and their errors, nothing written. Otherwise every row in one
 * transaction: any row error (found while parsing, or a database conflict while writing) writes nothing.
 */
export async function importContacts(
  db: Kysely<DB>,
  workspaceId: string,
  body: { csv: string; dryRun: boolean; list?: string | undefined },
) {
  const parsed = parseContactsCsv(body.csv);
  const preview = parsed.rows.slice(0, 20).map((r) => ({ row: r.row, ...r.contact, lists: r.listNames }));
  const result = {
    dryRun: body.dryRun,
    columns: parsed.columns,
    rows: parsed.total,
    valid: parsed.rows.length,
    created: 0,
    updated: 0,
    errors: parsed.errors,
    preview,
  };
  if (body.dryRun) return result;
  if (parsed.errors.length > 0)
    throw audienceErrors.create(
      'NH_AUDIENCE_IMPORT_REJECTED',
      `${parsed.errors.length} of ${parsed.total} rows are invalid; nothing was imported`,
      {
        details: { errors: parsed.errors.slice(0, 1000) },
      },
    );
  return db.transaction().execute(async (trx) => {
    const listIds = new Map<string, string>();
    const listId = async (name: string) => {
      const known = listIds.get(name);
      if (known) return known;
      await trx
        .insertInto('contact_lists')
        .values({ workspace_id: workspaceId, name })
        .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
        .execute();
      const { id } = await trx
        .selectFrom('contact_lists')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      listIds.set(name, id);
      return id;
    };
    for (const r of parsed.rows) {
      const names = body.list ? [...r.listNames, body.list] : r.listNames;
      const lists = [];
      for (const n of names) lists.push(await listId(n));
      try {
        const { created } = await upsertContact(trx, workspaceId, { ...r.contact, lists });
        if (created) result.created++;
        else result.updated++;
      } catch (err) {
        const e = err as { code?: string; message?: string };
        throw audienceErrors.create('NH_AUDIENCE_IMPORT_REJECTED', `row ${r.row}: ${e.message}; nothing was imported`, {
          details: { errors: [{ row: r.row, code: e.code ?? 'NH_AUDIENCE_ROW_INVALID', message: e.message ?? 'invalid' }] },
          cause: err,
        });
      }
    }
    return result;
  });
}
