import { type DeliveryFilter, deliveryStatuses, hookTypes } from "./delivery-queries.js";

interface Props {
  filter: DeliveryFilter;
  onChange(filter: DeliveryFilter): void;
}

/** The log's status and type selects; "any" leaves the field out of the query's filter. */
export function DeliveryFilters({ filter, onChange }: Props) {
  return (
    <div className="delivery-filters">
      <div>
        <label htmlFor="delivery-filter-status">Status</label>
        <select
          id="delivery-filter-status"
          value={filter.status ?? ""}
          onChange={(event) => onChange({ ...filter, status: (event.target.value || undefined) as DeliveryFilter["status"] })}
        >
          <option value="">Any status</option>
          {deliveryStatuses.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="delivery-filter-type">Type</label>
        <select
          id="delivery-filter-type"
          value={filter.type ?? ""}
          onChange={(event) => onChange({ ...filter, type: (event.target.value || undefined) as DeliveryFilter["type"] })}
        >
          <option value="">Any type</option>
          {hookTypes.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
