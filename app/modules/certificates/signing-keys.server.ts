import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scryptSync,
  type JsonWebKeyInput,
  type KeyObject,
} from "node:crypto";
import { eq, ne } from "drizzle-orm";
import { calculateJwkThumbprint, type JWK } from "jose";
import { z } from "zod";
import { credentialSigningKeys } from "#db/schema";
import { db } from "~/lib/db.server";

/**
 * The platform's Ed25519 key that signs credentials (docs/decisions/0007-verifiable-certificates.md).
 * - CREDENTIAL_SIGNING_KEY (PKCS8 PEM or a private JWK as JSON) wins when set: keep it in the secret store.
 * - Otherwise a key is generated on first use and kept in `credential_signing_keys`; its private half is
 *   encrypted with CREDENTIAL_KEY_SECRET when that is set, and no page or export ever reads it.
 * Every key that ever signed stays in the published JWKS (retired keys too), so old credentials still verify.
 */
const CredentialEnv = z.object({
  CREDENTIAL_SIGNING_KEY: z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .optional(),
  CREDENTIAL_KEY_SECRET: z
    .string()
    .transform((v) => (v === "" ? undefined : v))
    .optional()
    .refine((v) => v === undefined || v.length >= 16, "CREDENTIAL_KEY_SECRET must be at least 16 characters"),
});

function credentialEnv() {
  const parsed = CredentialEnv.safeParse(process.env);
  if (!parsed.success)
    throw new Error(`Invalid credential configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return parsed.data;
}

export type SigningKey = { kid: string; privateKey: KeyObject; publicJwk: JWK };

export const SIGNING_ALG = "EdDSA";

function assertEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== "ed25519") throw new Error("CREDENTIAL_SIGNING_KEY must be an Ed25519 private key");
  return key;
}

/** Reads CREDENTIAL_SIGNING_KEY: a PKCS8 PEM or a private JWK ({"kty":"OKP","crv":"Ed25519","d":…,"x":…}). */
export function parseSigningKey(value: string): KeyObject {
  if (value.startsWith("{")) {
    const jwk = JSON.parse(value) as JsonWebKeyInput["key"];
    return assertEd25519(createPrivateKey({ key: jwk, format: "jwk" }));
  }
  return assertEd25519(createPrivateKey(value.replace(/\\n/g, "\n")));
}

async function describe(privateKey: KeyObject): Promise<SigningKey> {
  const exported = createPublicKey(privateKey).export({ format: "jwk" }) as JWK;
  const publicJwk: JWK = { kty: exported.kty, crv: exported.crv, x: exported.x };
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: "sig" } };
}

const PREFIX = "enc:v1:";

function encryptionKey(secret: string) {
  return scryptSync(secret, "startup-academy/credential-signing-key", 32);
}

export function sealPrivateKey(pem: string, secret: string | undefined): string {
  if (!secret) return pem;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(secret), iv);
  const sealed = Buffer.concat([cipher.update(pem, "utf8"), cipher.final()]);
  return `${PREFIX}${iv.toString("base64url")}:${cipher.getAuthTag().toString("base64url")}:${sealed.toString("base64url")}`;
}

export function openPrivateKey(stored: string, secret: string | undefined): string {
  if (!stored.startsWith(PREFIX)) return stored;
  if (!secret) throw new Error("The credential signing key is encrypted: set CREDENTIAL_KEY_SECRET");
  const [iv, tag, data] = stored.slice(PREFIX.length).split(":");
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey(secret), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

let cached: Promise<SigningKey> | undefined;

async function loadOrCreateStoredKey(): Promise<SigningKey> {
  const { CREDENTIAL_KEY_SECRET: secret } = credentialEnv();
  const read = async () => {
    const [row] = await db
      .select({ privateKey: credentialSigningKeys.privateKey })
      .from(credentialSigningKeys)
      .where(eq(credentialSigningKeys.status, "active"));
    return row ? describe(createPrivateKey(openPrivateKey(row.privateKey, secret))) : undefined;
  };
  const existing = await read();
  if (existing) return existing;
  const { privateKey } = generateKeyPairSync("ed25519");
  const key = await describe(privateKey);
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  // Two processes starting at once: the unique "one active key" index lets one win; both then use it.
  await db
    .insert(credentialSigningKeys)
    .values({
      kid: key.kid,
      publicJwk: key.publicJwk as Record<string, string>,
      privateKey: sealPrivateKey(pem, secret),
    })
    .onConflictDoNothing();
  const winner = await read();
  if (!winner) throw new Error("could not store the credential signing key");
  return winner;
}

/** The key credentials are signed with now. */
export function signingKey(): Promise<SigningKey> {
  cached ??= (async () => {
    const fromEnv = credentialEnv().CREDENTIAL_SIGNING_KEY;
    return fromEnv ? describe(parseSigningKey(fromEnv)) : loadOrCreateStoredKey();
  })().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** Forgets the cached key (tests that switch keys). */
export function resetSigningKeyCache() {
  cached = undefined;
}

/** The public keys anyone may use to check a credential: the current one and every stored one. */
export async function publishedJwks(): Promise<{ keys: JWK[] }> {
  const current = await signingKey();
  const stored = await db
    .select({ publicJwk: credentialSigningKeys.publicJwk })
    .from(credentialSigningKeys)
    .where(ne(credentialSigningKeys.kid, current.kid));
  return { keys: [current.publicJwk, ...stored.map((s) => s.publicJwk as JWK)] };
}
