import { type Kysely, sql } from "kysely";

// Hook conditions, evaluated where the fan-out happens: publish() joins the hooks of a
// publication with `h.condition is null or hookgate_condition_matches(h.condition, p.data)`, so a
// change still fans out in one statement however many hooks it concerns.
//
// The grammar is the one src/publish/condition/validate-condition.ts checks at creation. These
// functions never raise on a malformed condition (a stored condition was checked, but a change to
// an event must never fail because of a hook): anything they do not understand does not match.
//
// Semantics:
// - a condition object holds when every entry holds; `$and` when every listed condition holds,
//   `$or` when at least one does;
// - a path is looked up with `#>` on its dot-separated names; a missing path, or one through a
//   non-object, counts as JSON null for $eq/$neq/$in/$nin, and makes $gt/$gte/$lt/$lte false;
// - $eq/$neq compare JSON values exactly (1 equals 1.0; "1" does not equal 1);
// - $gt/$gte/$lt/$lte: numbers numerically; strings that are both ISO 8601 dates or date-times as
//   instants (no offset: UTC), other strings by code point; anything else is false;
// - $in/$nin: whether the value (null when missing) is one of the listed values;
// - $exists: true when the path is present and not JSON null.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The instant an ISO 8601 date or date-time names, as a UTC timestamp; null for other text.
    -- Built with interval arithmetic rather than a cast so that it never raises (a cast to
    -- timestamptz refuses 2027-02-31, which this reads as 2027-03-03) and does not depend on the
    -- session's time zone.
    create function hookgate_iso_instant(value text) returns timestamp
    language sql immutable parallel safe as $fn$
      select timestamp '0001-01-01 00:00:00'
        + make_interval(
            years => m[1]::int - 1, months => m[2]::int - 1, days => m[3]::int - 1,
            hours => coalesce(m[4], '0')::int, mins => coalesce(m[5], '0')::int,
            secs => coalesce(m[6], '0')::double precision)
        - case when m[7] is null or upper(m[7]) = 'Z' then interval '0'
               else case when left(m[7], 1) = '-' then -1 else 1 end
                    * make_interval(hours => substr(m[7], 2, 2)::int,
                                    mins => coalesce(nullif(replace(substr(m[7], 4), ':', ''), ''), '0')::int)
          end
      from (select regexp_match(value,
        '^(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])'
        '(?:[Tt ]([01]\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d(?:\\.\\d{1,9})?))?)?'
        '([Zz]|[+-](?:[01]\\d|2[0-3])(?::?[0-5]\\d)?)?$'
      ) as m) as parts
    $fn$;

    -- -1, 0 or 1 as actual is below, equal to or above operand; null when they do not compare.
    create function hookgate_condition_compare(actual jsonb, operand jsonb) returns int
    language plpgsql immutable parallel safe as $fn$
    declare
      a_text text;
      b_text text;
      a_instant timestamp;
      b_instant timestamp;
    begin
      if jsonb_typeof(actual) = 'number' and jsonb_typeof(operand) = 'number' then
        return sign(actual::numeric - operand::numeric)::int;
      end if;
      if jsonb_typeof(actual) = 'string' and jsonb_typeof(operand) = 'string' then
        a_text := actual #>> '{}';
        b_text := operand #>> '{}';
        a_instant := hookgate_iso_instant(a_text);
        b_instant := hookgate_iso_instant(b_text);
        if a_instant is not null and b_instant is not null then
          return case when a_instant < b_instant then -1 when a_instant > b_instant then 1 else 0 end;
        end if;
        return case when a_text collate "C" < b_text collate "C" then -1
                    when a_text collate "C" > b_text collate "C" then 1 else 0 end;
      end if;
      return null;
    end
    $fn$;

    -- One operator applied to the value at a path (SQL null: the path is missing).
    create function hookgate_condition_operator(operator text, operand jsonb, actual jsonb) returns boolean
    language plpgsql immutable parallel safe as $fn$
    declare
      value jsonb := coalesce(actual, 'null'::jsonb);
    begin
      case operator
        when '$eq' then return value = operand;
        when '$neq' then return value <> operand;
        when '$gt' then return coalesce(hookgate_condition_compare(actual, operand) > 0, false);
        when '$gte' then return coalesce(hookgate_condition_compare(actual, operand) >= 0, false);
        when '$lt' then return coalesce(hookgate_condition_compare(actual, operand) < 0, false);
        when '$lte' then return coalesce(hookgate_condition_compare(actual, operand) <= 0, false);
        when '$in', '$nin' then
          if jsonb_typeof(operand) <> 'array' then return false; end if;
          return (jsonb_typeof(value) not in ('object', 'array') and operand @> jsonb_build_array(value))
                 = (operator = '$in');
        when '$exists' then
          if jsonb_typeof(operand) <> 'boolean' then return false; end if;
          return (value <> 'null'::jsonb) = (operand = 'true'::jsonb);
        else return false;
      end case;
    end
    $fn$;

    -- Whether subject (the publication's data; null counts as {}) satisfies condition (null: no
    -- condition, always true).
    create function hookgate_condition_matches(condition jsonb, subject jsonb) returns boolean
    language plpgsql immutable parallel safe as $fn$
    declare
      entry record;
      test record;
      actual jsonb;
    begin
      if condition is null then return true; end if;
      if jsonb_typeof(condition) <> 'object' then return false; end if;
      subject := coalesce(subject, '{}'::jsonb);
      for entry in select key, value from jsonb_each(condition) loop
        if entry.key in ('$and', '$or') then
          if jsonb_typeof(entry.value) <> 'array' or jsonb_array_length(entry.value) = 0 then return false; end if;
          if entry.key = '$and' then
            if exists (select 1 from jsonb_array_elements(entry.value) as item
                       where not hookgate_condition_matches(item, subject)) then
              return false;
            end if;
          elsif not exists (select 1 from jsonb_array_elements(entry.value) as item
                            where hookgate_condition_matches(item, subject)) then
            return false;
          end if;
        elsif left(entry.key, 1) = '$' then
          return false;
        else
          actual := subject #> string_to_array(entry.key, '.');
          if jsonb_typeof(entry.value) = 'object' then
            if entry.value = '{}'::jsonb then return false; end if;
            for test in select key, value from jsonb_each(entry.value) loop
              if not hookgate_condition_operator(test.key, test.value, actual) then return false; end if;
            end loop;
          elsif not hookgate_condition_operator('$eq', entry.value, actual) then
            return false;
          end if;
        end if;
      end loop;
      return true;
    end
    $fn$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function hookgate_condition_matches(jsonb, jsonb);
    drop function hookgate_condition_operator(text, jsonb, jsonb);
    drop function hookgate_condition_compare(jsonb, jsonb);
    drop function hookgate_iso_instant(text);
  `.execute(db);
}
