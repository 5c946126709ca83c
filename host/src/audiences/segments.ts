import { type DB, type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from '@neonhub/db';
import { type SegmentCondition, type SegmentRule, SegmentRuleSchema } from '@neonhub/schemas';

type Eb = ExpressionBuilder<DB & { c: DB['contacts'] }, 'c'>;

/** One condition as SQL over `contacts as c` (values are bound parameters, never spliced). */
function condition(eb: Eb, cond: SegmentCondition): Expression<SqlBool> {
  switch (cond.field) {
    case 'attribute': {
      const text = sql<string>`c.attributes->>${cond.key}`;
      const value = cond.value === undefined ? '' : String(cond.value);
      switch (cond.op) {
        case 'exists':
          return sql<SqlBool>`${text} is not null`;
        case 'eq':
          return sql<SqlBool>`${text} = ${value}`;
        case 'neq':
          return sql<SqlBool>`coalesce(${text}, '') <> ${value}`;
        case 'contains':
          return sql<SqlBool>`position(${value.toLowerCase()} in lower(coalesce(${text}, ''))) > 0`;
        case 'gt':
        case 'lt': {
          const n = Number(cond.value);
          const num = sql`(case when jsonb_typeof(c.attributes->${cond.key}) = 'number' then (c.attributes->>${cond.key})::float8 end)`;
          return cond.op === 'gt' ? sql<SqlBool>`${num} > ${n}` : sql<SqlBool>`${num} < ${n}`;
        }
      }
      break;
    }
    case 'list': {
      const member = eb.exists(
        eb
          .selectFrom('contact_list_members as m')
          .select('m.contact_id')
          .where('m.list_id', '=', cond.listId)
          .whereRef('m.contact_id', '=', 'c.id'),
      );
      return cond.op === 'in' ? member : eb.not(member);
    }
    case 'email':
    case 'phone': {
      const col = cond.field === 'email' ? sql.ref('c.email') : sql.ref('c.phone');
      if (cond.op === 'exists') return sql<SqlBool>`${col} is not null`;
      const suffix = (cond.value ?? '').toLowerCase();
      return sql<SqlBool>`right(${col}, ${suffix.length}) = ${suffix}`;
    }
  }
  throw new Error('unreachable segment condition');
}

/** The rule as a where-clause over `contacts as c`; no conditions matches every contact. */
export function segmentWhere(rule: unknown) {
  const r: SegmentRule = SegmentRuleSchema.parse(rule);
  return (eb: Eb) => {
    if (r.conditions.length === 0) return sql<SqlBool>`true`;
    const parts = r.conditions.map((c) => condition(eb, c));
    return r.match === 'all' ? eb.and(parts) : eb.or(parts);
  };
}

/** How many contacts the rule matches now. */
export async function segmentSize(db: Kysely<DB>, workspaceId: string, rule: unknown): Promise<number> {
  const row = await db
    .selectFrom('contacts as c')
    .where('c.workspace_id', '=', workspaceId)
    .where(segmentWhere(rule))
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
