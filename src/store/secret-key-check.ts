import type { Db } from "./database.js";
import type { SecretBox } from "../secrets/secret-box.js";

const purpose = "secret_key_check";
const knownText = "hookgate";

/**
 * Proves the secret key in use is the one this database's secrets were encrypted with: the first
 * process stores a known text encrypted with its key, every later one must decrypt it.
 */
export async function checkSecretKey(db: Db, secrets: SecretBox): Promise<void> {
  await db
    .insertInto("secret_key_check")
    .values({ encrypted: secrets.encrypt(knownText, purpose) })
    .onConflict((conflict) => conflict.column("singleton").doNothing())
    .execute();
  const { encrypted } = await db.selectFrom("secret_key_check").select("encrypted").executeTakeFirstOrThrow();
  let decrypted: string | undefined;
  try {
    decrypted = secrets.decrypt(encrypted, purpose);
  } catch {
    // reported below
  }
  if (decrypted !== knownText) {
    throw new Error(
      "HOOKGATE_SECRET_KEY is not the key this database's secrets were encrypted with. Give every hookgate " +
        "process sharing this database the same HOOKGATE_SECRET_KEY (without it, a key is generated per data directory).",
    );
  }
}
