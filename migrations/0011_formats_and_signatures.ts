import { type Kysely, sql } from "kysely";

// Two choices a group makes once, at creation (groups are immutable): per hook, whether the body
// goes out as JSON or form-encoded (Frappe's "Form URL-Encoded"); per group, whether deliveries
// are signed with a shared HMAC secret or an Ed25519 key pair whose public half partners verify
// with. An ED25519 group keeps its `whsk_` secret key in signing_secret_encrypted (and, after a
// rotation, the previous one in previous_signing_secret_encrypted), so the rotation window works
// the same for both schemes; its public key is not secret and is stored as it is shown.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table hooks
      add column body_format text not null default 'JSON'
        constraint hooks_body_format_check check (body_format in ('JSON', 'FORM'));
    alter table webhook_groups
      add column signature text not null default 'HMAC_SHA256'
        constraint webhook_groups_signature_check check (signature in ('HMAC_SHA256', 'ED25519')),
      add column signing_public_key text,
      add constraint webhook_groups_signing_public_key_check
        check ((signature = 'ED25519') = (signing_public_key is not null));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table webhook_groups drop column signing_public_key, drop column signature;
    alter table hooks drop column body_format;
  `.execute(db);
}
