import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const VERSION = "v1";
const KEY_BYTES = 32;
// 96-bit IVs are what GCM is specified for; random 96-bit IVs stay safe far beyond the number of
// secrets hookgate will ever store under one key.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_FORM = "HOOKGATE_SECRET_KEY must be base64 of exactly 32 bytes (e.g. the output of `openssl rand -base64 32`)";

/**
 * Encrypts secrets before they go into PostgreSQL, so a database dump or a read replica alone
 * does not give away partners' credentials. Stored form: `v1.<iv>.<ciphertext>.<tag>`, each part
 * base64url; the version leaves room for key rotation without guessing a value's format.
 */
export class SecretBox {
  // A KeyObject rather than a Buffer: util.inspect and JSON.stringify of it show no key bytes,
  // so logging a SecretBox by accident leaks nothing.
  readonly #key: KeyObject;

  private constructor(key: KeyObject) {
    this.#key = key;
  }

  static fromKey(keyBase64: string): SecretBox {
    const text = keyBase64.trim();
    // Buffer.from(…, "base64") silently skips characters it does not understand, so only a
    // canonical encoding (one that re-encodes to itself) is accepted; a typo must not become a key.
    const bytes = Buffer.from(text, "base64");
    if (bytes.length !== KEY_BYTES || bytes.toString("base64") !== text) {
      bytes.fill(0);
      throw new Error(KEY_FORM);
    }
    const key = createSecretKey(bytes); // copies the bytes
    bytes.fill(0);
    return new SecretBox(key);
  }

  /**
   * `purpose` names where the value is stored (e.g. `webhook_group.signing_secret`). It is bound
   * as additional authenticated data, so a ciphertext copied into another column does not decrypt.
   */
  encrypt(plaintext: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(purpose));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const encoded = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString("base64url"));
    return [VERSION, ...encoded].join(".");
  }

  decrypt(stored: string, purpose: string): string {
    const [version, ...rest] = stored.split(".");
    const [iv, ciphertext, tag] = rest.map((part) => Buffer.from(part, "base64url"));
    if (version !== VERSION || rest.length !== 3 || iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ciphertext) {
      throw new Error(`cannot decrypt ${purpose}: not a ${VERSION} encrypted value`);
    }
    // authTagLength pins the tag to 16 bytes; without it Node would accept a truncated tag.
    const decipher = createDecipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(purpose));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
    } catch {
      // Node's own message is harmless, but ours says what to check and can never carry the value.
      throw new Error(`cannot decrypt ${purpose}: wrong HOOKGATE_SECRET_KEY, wrong purpose, or the stored value was altered`);
    }
  }
}

function aad(purpose: string): Buffer {
  // An empty purpose would bind nothing and quietly allow swapping values between columns.
  if (purpose === "") throw new Error("SecretBox: purpose must not be empty");
  return Buffer.from(purpose, "utf8");
}

/**
 * The key comes from HOOKGATE_SECRET_KEY when set. Otherwise it lives in `<dataDir>/secret.key`,
 * generated on first start, so `npm start` works on a fresh machine without setup.
 */
export async function loadSecretBox(options: { secretKey: string | undefined; dataDir: string }): Promise<SecretBox> {
  if (options.secretKey !== undefined) return SecretBox.fromKey(options.secretKey);

  const file = path.join(options.dataDir, "secret.key");
  // 0o700 only applies if we create the folder; it holds the key (and usually the database).
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const generated = randomBytes(KEY_BYTES).toString("base64");
  try {
    // `wx` fails if the file exists: of two processes starting together, exactly one writes the
    // key and the other uses it, instead of each encrypting with a key the other overwrote.
    await writeFile(file, `${generated}\n`, { flag: "wx", mode: 0o600 });
    return SecretBox.fromKey(generated);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readKeyFile(file);
}

async function readKeyFile(file: string): Promise<SecretBox> {
  // The winner of the `wx` race creates the file a moment before it writes the key, so an empty
  // file may just mean "not written yet": wait briefly before calling it broken.
  let text = "";
  for (let attempt = 0; attempt < 20 && text === ""; attempt++) {
    if (attempt > 0) await sleep(50);
    text = (await readFile(file, "utf8")).trim();
  }
  try {
    return SecretBox.fromKey(text);
  } catch {
    throw new Error(`${file} does not hold a valid key: ${KEY_FORM}. Restore the file, or set HOOKGATE_SECRET_KEY`);
  }
}
