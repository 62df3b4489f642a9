import { Pool } from "undici";

/** What one GraphQL request came to: the answer's data, or why there was none. */
export type Answer<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly problem: string };

/**
 * hookgate's GraphQL API as a platform calls it: HTTP, keep-alive connections, and its
 * credentials (`{ "x-api-key": key }`, or the operator's `authorization: Bearer …`).
 */
export class ApiClient {
  readonly #pool: Pool;

  constructor(
    readonly url: string,
    private readonly credentials: Record<string, string>,
    connections = 16,
  ) {
    this.#pool = new Pool(url, { connections, headersTimeout: 15_000, bodyTimeout: 15_000 });
  }

  /**
   * Success only when hookgate answered 200 with data and no errors. Anything else is a problem
   * named by kind (`network`, `http 503`, `graphql RATE_LIMITED`), so failed tries can be counted by cause.
   */
  async request<T>(query: string, variables: Record<string, unknown>): Promise<Answer<T>> {
    try {
      const response = await this.#pool.request({
        path: "/graphql",
        method: "POST",
        headers: { "content-type": "application/json", ...this.credentials },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.body.text();
      let body: { data?: T | null; errors?: Array<{ extensions?: { code?: string } }> } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // Not JSON: the status says enough.
      }
      if (body.errors?.length) return { ok: false, problem: `graphql ${body.errors[0]?.extensions?.code ?? "(no code)"}` };
      if (response.statusCode !== 200 || !body.data) return { ok: false, problem: `http ${response.statusCode}` };
      return { ok: true, data: body.data };
    } catch (error) {
      return { ok: false, problem: `network ${(error as { code?: string }).code ?? (error as Error).name}` };
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
