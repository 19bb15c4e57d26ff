import type { types } from 'cassandra-driver';
import { translateDriverError } from '../driver-errors.js';
import type { Session } from '../session.js';

/** Rows fetched per page of {@link selectAll}. */
const PAGE_SIZE = 1000;

/**
 * Every row of a prepared query, following the driver's paging state page after page (a plain `execute` returns the
 * first page only). Driver errors become typed StreamStore errors.
 */
export async function selectAll(
  session: Session,
  query: string,
  params: unknown[],
  consistency: number,
  what: string,
): Promise<types.Row[]> {
  const rows: types.Row[] = [];
  let pageState: string | undefined;
  do {
    let page: types.ResultSet;
    try {
      page = await session.client.execute(query, params, {
        prepare: true,
        consistency,
        fetchSize: PAGE_SIZE,
        ...(pageState === undefined ? {} : { pageState }),
      });
    } catch (error) {
      throw translateDriverError(error, what);
    }
    rows.push(...page.rows);
    pageState = page.pageState ?? undefined;
  } while (pageState);
  return rows;
}
