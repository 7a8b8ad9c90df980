import type Mux from "@mux/mux-node";
import { env } from "~/lib/env.server";

/**
 * The Mux client, made from the environment: MUX_TOKEN_ID/MUX_TOKEN_SECRET for the API (direct uploads,
 * assets), MUX_WEBHOOK_SECRET for webhook signatures, MUX_SIGNING_KEY_ID/MUX_SIGNING_KEY_PRIVATE for signed
 * playback tokens, MUX_BASE_URL only to point at a local server in tests.
 */

export function muxConfigured(): boolean {
  const e = env();
  return Boolean(e.MUX_TOKEN_ID && e.MUX_TOKEN_SECRET);
}

export function signedPlaybackConfigured(): boolean {
  const e = env();
  return Boolean(e.MUX_SIGNING_KEY_ID && e.MUX_SIGNING_KEY_PRIVATE);
}

let cached: { key: string; client: Mux } | undefined;

/** The client, made on first use (the SDK is loaded then, not at start-up). */
export async function muxClient(): Promise<Mux> {
  const e = env();
  const options = {
    tokenId: e.MUX_TOKEN_ID ?? null,
    tokenSecret: e.MUX_TOKEN_SECRET ?? null,
    webhookSecret: e.MUX_WEBHOOK_SECRET ?? null,
    jwtSigningKey: e.MUX_SIGNING_KEY_ID ?? null,
    jwtPrivateKey: e.MUX_SIGNING_KEY_PRIVATE ?? null,
    baseURL: e.MUX_BASE_URL ?? "https://api.mux.com",
  };
  const key = JSON.stringify(options);
  if (cached?.key !== key) {
    const { default: Mux } = await import("@mux/mux-node");
    cached = {
      key,
      client: new Mux({ ...options, authorizationToken: null, maxRetries: 1, timeout: 15_000, logLevel: "off" }),
    };
  }
  return cached.client;
}
