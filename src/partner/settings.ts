/** What `hookgate partner` is told on its command line (src/cli/partner.ts checks it). */
export interface PartnerOptions {
  port: number;
  clientId: string;
  /** Absent: a random one, printed on start. */
  clientSecret?: string;
  secret: string | null;
  failRate: number;
  delayMs: number;
  dooToken: boolean;
  /** Answers deliveries without a token it issued too (a group without authentication); the line still says what came. */
  anyToken: boolean;
  json: boolean;
  /** Makes --fail-rate's draws repeatable. */
  seed?: number;
}

export type PartnerSettings = Required<Omit<PartnerOptions, "seed">>;
