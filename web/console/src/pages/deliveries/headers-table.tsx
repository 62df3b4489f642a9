/** Request or response headers as hookgate recorded them (secrets already redacted by hookgate). */
export function HeadersTable({ headers, label }: { headers: Record<string, string> | null; label: string }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return <p className="hint">No headers.</p>;
  return (
    <table className="headers-table" aria-label={label}>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="code">{typeof value === "string" ? value : JSON.stringify(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
