/** One scrape of a /metrics endpoint, as Prometheus reads it. */
export interface Scrape {
  status: number;
  contentType: string | null;
  text: string;
  /** The sample `name{labels}`; undefined when the series is absent. Labels must match exactly. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

export async function scrape(baseUrl: string, token?: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  const samples = new Map<string, number>();
  for (const line of response.status === 200 ? text.split("\n") : []) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.set(key(match[1]!, parseLabels(match[2] ?? "")), Number(match[3]));
  }
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    text,
    value: (name, labels = {}) => samples.get(key(name, labels)),
  };
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name!] = value!;
  return labels;
}

function key(name: string, labels: Record<string, string>): string {
  return `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
}
