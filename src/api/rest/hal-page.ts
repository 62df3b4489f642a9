import { InputError } from "../../errors.js";

/** doo's page size. */
export const halPageSize = 25;

/** `?page=N`, 1 when absent: a whole number from 1, else a 400 naming `page`. */
export function pageNumberOf(url: URL): number {
  const given = url.searchParams.get("page");
  if (given === null) return 1;
  if (!/^[1-9]\d{0,8}$/.test(given)) throw new InputError("page", "must be a whole number from 1 to 999999999");
  return Number(given);
}

/**
 * A HAL collection page as doo (an Apigility/Laminas API) answers it: `_links` self/first/last
 * (plus prev/next where they exist), `_embedded.<name>`, and the counts. A page past the end is
 * empty but counted like any other.
 */
export function halPage(collectionHref: string, page: number, totalItems: number, embedded: Record<string, unknown[]>) {
  const pageCount = Math.ceil(totalItems / halPageSize);
  const at = (number: number) => ({ href: `${collectionHref}?page=${number}` });
  return {
    _links: {
      self: at(page),
      first: { href: collectionHref },
      last: at(Math.max(pageCount, 1)),
      ...(page > 1 ? { prev: at(Math.min(page - 1, Math.max(pageCount, 1))) } : {}),
      ...(page < pageCount ? { next: at(page + 1) } : {}),
    },
    _embedded: embedded,
    page_count: pageCount,
    page_size: halPageSize,
    total_items: totalItems,
    page,
  };
}
