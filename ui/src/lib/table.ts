import type { Snippet } from 'svelte';

/**
 * One column of a `DataTable`: its heading, and what a row shows in it — text from `value`, or markup from `cell`
 * (a snippet taking the row). At phone width the table becomes one card per row and each cell is labelled with
 * the column's heading (app.css, `table.cards`).
 */
export interface Column<T> {
  label: string;
  value?: (row: T) => string | number;
  cell?: Snippet<[T]>;
  /** The row's header cell (`<th scope="row">`): the name the row is read by. */
  rowHeader?: boolean;
  /** Show the value as code (a tool or model name). */
  code?: boolean;
  class?: string;
}
