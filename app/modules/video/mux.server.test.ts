import { createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { lessonVideos, muxWebhookEvents } from "#db/schema";
import { db } from "~/lib/db.server";
import { enrolSelfPaced } from "~/modules/courses/learning.server";
import { action as webhookAction } from "~/routes/webhooks.mux";
import { createTestCourse } from "../../../tests/fixtures/courses";
import { createUser } from "../../../tests/fixtures/factories";
import { muxEvent, muxSignature, startMuxServer } from "../../../tests/fixtures/mux-server";
import { routeArgs } from "../../../tests/fixtures/route-args";
import { createLessonVideoUpload, lessonVideoState, refreshLessonVideo } from "./lesson-videos.server";
import { lessonPlayback } from "./playback.server";

// Mux is pointed at a local server that speaks its API; set before the environment is first parsed.
const TOKEN = { tokenId: "test-token-id", tokenSecret: "test-token-secret" };
const WEBHOOK_SECRET = "whsec-test-0123456789";
const SIGNING_KEY_ID = "signing-key-test";
const keys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
});
const mux = await startMuxServer(TOKEN);
vi.stubEnv("MUX_TOKEN_ID", TOKEN.tokenId);
vi.stubEnv("MUX_TOKEN_SECRET", TOKEN.tokenSecret);
vi.stubEnv("MUX_WEBHOOK_SECRET", WEBHOOK_SECRET);
vi.stubEnv("MUX_SIGNING_KEY_ID", SIGNING_KEY_ID);
// Mux hands out the private key as base64 of the PEM.
vi.stubEnv("MUX_SIGNING_KEY_PRIVATE", Buffer.from(keys.privateKey).toString("base64"));
vi.stubEnv("MUX_BASE_URL", mux.url);
afterAll(async () => {
  vi.unstubAllEnvs();
  await mux.close();
});

async function sendWebhook(body: string, signature: string | null) {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (signature) headers.set("mux-signature", signature);
  const request = new Request("http://localhost/webhooks/mux", { method: "POST", headers, body });
  const result = await webhookAction(routeArgs(request));
  // A Response, so the status reaches Mux over HTTP (a data() object from a resource route would not be one).
  expect(result).toBeInstanceOf(Response);
  return { status: result.status, body: await result.json() };
}

/** A lesson video uploaded through a direct upload (the bytes PUT to the signed URL, as the browser does). */
async function uploadedVideo() {
  const fixture = await createTestCourse();
  const staff = await createUser({ roles: ["staff"] });
  const { video, uploadUrl } = await createLessonVideoUpload({
    actorId: staff.id,
    lessonId: fixture.videoLesson.id,
    corsOrigin: "http://localhost:3000",
  });
  const put = await fetch(uploadUrl, { method: "PUT", body: new Uint8Array(2048) });
  expect(put.status).toBe(200);
  const upload = mux.uploads.get(video.muxUploadId)!;
  return { ...fixture, staff, video, upload, assetId: upload.asset_id! };
}

const videoRow = async (id: string) => (await db.select().from(lessonVideos).where(eq(lessonVideos.id, id)))[0];

describe("Mux direct uploads", () => {
  it("creates a direct upload with signed playback and records it for the lesson", async () => {
    const { video, upload, videoLesson } = await uploadedVideo();
    expect(mux.requests).toContainEqual({ method: "POST", path: "/video/v1/uploads" });
    expect(upload).toMatchObject({
      cors_origin: "http://localhost:3000",
      new_asset_settings: { playback_policies: ["signed"], passthrough: `lesson:${videoLesson.id}` },
    });
    expect(mux.received.get(upload.id)).toBe(2048);
    expect(video).toMatchObject({
      lessonId: videoLesson.id,
      status: "waiting_upload",
      playbackPolicy: "signed",
      playbackId: null,
    });
  });

  it("catches up with Mux by asking for the upload and its asset when a webhook was missed", async () => {
    const { video, assetId } = await uploadedVideo();
    expect((await refreshLessonVideo({ videoId: video.id })).status).toBe("processing");
    mux.finishAsset(assetId, { status: "ready", duration: 61.5 });
    const fresh = await refreshLessonVideo({ videoId: video.id });
    expect(fresh).toMatchObject({
      status: "ready",
      muxAssetId: assetId,
      playbackId: mux.assets.get(assetId)!.playback_ids[0].id,
      durationSeconds: 61.5,
    });
    expect(mux.requests).toContainEqual({ method: "GET", path: `/video/v1/assets/${assetId}` });
  });
});

describe("Mux webhooks", () => {
  it("attaches the playback id on a valid video.asset.ready", async () => {
    const { video, assetId } = await uploadedVideo();
    const asset = mux.finishAsset(assetId, { status: "ready", duration: 125.4 });
    const body = muxEvent("video.asset.ready", asset);
    const reply = await sendWebhook(body, muxSignature(body, WEBHOOK_SECRET));
    expect(reply).toEqual({ status: 200, body: { ok: true, outcome: "processed" } });
    expect(await videoRow(video.id)).toMatchObject({
      status: "ready",
      playbackId: asset.playback_ids[0].id,
      muxAssetId: assetId,
      durationSeconds: 125.4,
      readyAt: expect.any(Date),
    });
  });

  it("marks the video as errored on video.asset.errored", async () => {
    const { video, assetId } = await uploadedVideo();
    const asset = mux.finishAsset(assetId, { status: "errored", message: "The file is not a video" });
    const body = muxEvent("video.asset.errored", asset);
    expect((await sendWebhook(body, muxSignature(body, WEBHOOK_SECRET))).status).toBe(200);
    expect(await videoRow(video.id)).toMatchObject({
      status: "errored",
      playbackId: null,
      errorMessage: "invalid_input: The file is not a video",
    });
  });

  it("refuses a forged, tampered, unsigned or stale webhook and changes nothing", async () => {
    const { video, assetId } = await uploadedVideo();
    const asset = mux.finishAsset(assetId, { status: "ready", duration: 10 });
    const body = muxEvent("video.asset.ready", asset);
    const tampered = body.replace(asset.playback_ids[0].id, "attacker-playback-id");
    const attempts: [string, string | null][] = [
      [body, muxSignature(body, "not-the-secret")],
      [tampered, muxSignature(body, WEBHOOK_SECRET)],
      [body, muxSignature(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600)],
      [body, "t=abc,v1=deadbeef"],
    ];
    for (const [payload, signature] of attempts) {
      const reply = await sendWebhook(payload, signature);
      expect(reply, String(signature)).toEqual({
        status: 400,
        body: { error: expect.objectContaining({ messageKey: "courses.video.badSignature" }) },
      });
    }
    // Unsigned: 401, nothing changed.
    expect(await sendWebhook(body, null)).toEqual({
      status: 401,
      body: { error: { messageKey: "courses.video.badSignature" } },
    });
    expect(await videoRow(video.id)).toMatchObject({ status: "waiting_upload", playbackId: null });
    const eventId = JSON.parse(body).id as string;
    expect(await db.select().from(muxWebhookEvents).where(eq(muxWebhookEvents.id, eventId))).toEqual([]);
  });

  it("handles each event once: a replayed event changes nothing", async () => {
    const { video, assetId } = await uploadedVideo();
    const errored = muxEvent("video.asset.errored", {
      ...mux.assets.get(assetId)!,
      status: "errored",
      errors: { type: "invalid_input", messages: ["transient"] },
    });
    expect((await sendWebhook(errored, muxSignature(errored, WEBHOOK_SECRET))).body).toEqual({
      ok: true,
      outcome: "processed",
    });
    const ready = muxEvent("video.asset.ready", mux.finishAsset(assetId, { status: "ready", duration: 30 }));
    await sendWebhook(ready, muxSignature(ready, WEBHOOK_SECRET));
    const before = await videoRow(video.id);
    expect(before.status).toBe("ready");

    // The old "errored" event sent again (validly signed, fresh timestamp): a duplicate, nothing changes.
    expect(await sendWebhook(errored, muxSignature(errored, WEBHOOK_SECRET))).toEqual({
      status: 200,
      body: { ok: true, outcome: "duplicate" },
    });
    expect(await videoRow(video.id)).toEqual(before);
    expect(
      await db
        .select()
        .from(muxWebhookEvents)
        .where(eq(muxWebhookEvents.id, JSON.parse(errored).id)),
    ).toHaveLength(1);
  });

  it("records but ignores events about videos it does not know", async () => {
    const body = muxEvent("video.asset.ready", {
      id: "asset-of-another-app",
      upload_id: "upload-of-another-app",
      status: "ready",
      playback_ids: [],
    });
    expect((await sendWebhook(body, muxSignature(body, WEBHOOK_SECRET))).body).toEqual({
      ok: true,
      outcome: "ignored",
    });
  });
});

describe("signed playback", () => {
  function decode(token: string) {
    const [header, payload, signature] = token.split(".");
    const valid = verify(
      "RSA-SHA256",
      Buffer.from(`${header}.${payload}`),
      createPublicKey(keys.publicKey),
      Buffer.from(signature, "base64url"),
    );
    return {
      valid,
      header: JSON.parse(Buffer.from(header, "base64url").toString()),
      claims: JSON.parse(Buffer.from(payload, "base64url").toString()),
    };
  }

  it("issues RS256 playback tokens to people allowed to open the lesson, and nothing to anyone else", async () => {
    const { video, assetId, course, videoLesson, staff } = await uploadedVideo();
    const asset = mux.finishAsset(assetId, { status: "ready", duration: 42 });
    const body = muxEvent("video.asset.ready", asset);
    await sendWebhook(body, muxSignature(body, WEBHOOK_SECRET));
    const playbackId = asset.playback_ids[0].id;
    expect((await lessonVideoState(videoLesson.id)).ready?.id).toBe(video.id);

    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    for (const userId of [learner.id, staff.id]) {
      const playback = await lessonPlayback({ userId, lessonId: videoLesson.id });
      expect(playback).toMatchObject({ kind: "mux", playbackId, durationSeconds: 42 });
      const tokens = (playback as { tokens: Record<string, string> }).tokens;
      const video = decode(tokens.playback);
      expect(video.valid).toBe(true);
      expect(video.header).toEqual({ alg: "RS256", typ: "JWT" });
      expect(video.claims).toMatchObject({ sub: playbackId, aud: "v", kid: SIGNING_KEY_ID });
      expect(video.claims.exp).toBeGreaterThan(Date.now() / 1000);
      expect(decode(tokens.thumbnail).claims).toMatchObject({ sub: playbackId, aud: "t" });
      expect(decode(tokens.storyboard).claims).toMatchObject({ sub: playbackId, aud: "s" });
    }

    const outsider = await createUser();
    expect(await lessonPlayback({ userId: outsider.id, lessonId: videoLesson.id })).toBeNull();
    expect(await lessonPlayback({ userId: null, lessonId: videoLesson.id })).toBeNull();
  });
});
