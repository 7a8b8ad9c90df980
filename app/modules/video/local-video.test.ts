import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { enrolSelfPaced } from "~/modules/courses/learning.server";
import { loader as assetLoader } from "~/routes/courses.$slug.assets.$";
import { loader as videoLoader } from "~/routes/learn.$courseSlug.$lessonSlug.video";
import { createTestCourse, tempCoursesRoot } from "../../../tests/fixtures/courses";
import { createUser, signedInRequest } from "../../../tests/fixtures/factories";
import { routeArgs } from "../../../tests/fixtures/route-args";
import { lessonPlayback } from "./playback.server";
import { parseRange } from "./range.server";

// The course folder the routes serve from (read when the environment is first parsed, below).
const root = tempCoursesRoot();
vi.stubEnv("COURSES_DIR", root);
afterAll(() => vi.unstubAllEnvs());

const VIDEO = Buffer.from(Array.from({ length: 4000 }, (_, i) => i % 251));

async function callVideo(userId: string | null, slug: string, headers: Record<string, string> = {}, method = "GET") {
  const request = await signedInRequest(userId, `/learn/${slug}/bai-hai/video`, { headers, method });
  try {
    return (await videoLoader(routeArgs(request, { courseSlug: slug, lessonSlug: "bai-hai" }))) as Response;
  } catch (thrown) {
    return thrown as { init?: { status?: number } };
  }
}

describe("local lesson video with range requests", () => {
  it("parses byte ranges as RFC 9110 says", () => {
    expect(parseRange(null, 100)).toBeNull();
    expect(parseRange("bytes=0-9", 100)).toEqual([0, 9]);
    expect(parseRange("bytes=90-", 100)).toEqual([90, 99]);
    expect(parseRange("bytes=-10", 100)).toEqual([90, 99]);
    expect(parseRange("bytes=50-500", 100)).toEqual([50, 99]);
    expect(parseRange("bytes=100-", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=9-2", 100)).toBeNull();
    expect(parseRange("bytes=0-1,5-6", 100)).toBeNull();
    expect(parseRange("items=0-1", 100)).toBeNull();
  });

  it("serves the whole file, a range (206) and refuses a range past the end (416) to an enrolled learner", async () => {
    const { slug, course, videoLesson } = await createTestCourse({ root, videoBytes: VIDEO });
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });

    const full = (await callVideo(learner.id, slug)) as Response;
    expect(full.status).toBe(200);
    expect(full.headers.get("Accept-Ranges")).toBe("bytes");
    expect(full.headers.get("Content-Type")).toBe("video/mp4");
    expect(full.headers.get("Content-Length")).toBe("4000");
    expect(full.headers.get("Cache-Control")).toContain("private");
    expect(Buffer.from(await full.arrayBuffer())).toEqual(VIDEO);

    const part = (await callVideo(learner.id, slug, { Range: "bytes=100-199" })) as Response;
    expect(part.status).toBe(206);
    expect(part.headers.get("Content-Range")).toBe("bytes 100-199/4000");
    expect(part.headers.get("Content-Length")).toBe("100");
    expect(Buffer.from(await part.arrayBuffer())).toEqual(VIDEO.subarray(100, 200));

    const tail = (await callVideo(learner.id, slug, { Range: "bytes=-10" })) as Response;
    expect(tail.headers.get("Content-Range")).toBe("bytes 3990-3999/4000");
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(VIDEO.subarray(3990));

    const open = (await callVideo(learner.id, slug, { Range: "bytes=3000-" })) as Response;
    expect(open.headers.get("Content-Range")).toBe("bytes 3000-3999/4000");

    const past = (await callVideo(learner.id, slug, { Range: "bytes=4000-" })) as Response;
    expect(past.status).toBe(416);
    expect(past.headers.get("Content-Range")).toBe("bytes */4000");
    expect((await past.arrayBuffer()).byteLength).toBe(0);

    const head = (await callVideo(learner.id, slug, { Range: "bytes=0-9" }, "HEAD")) as Response;
    expect(head.status).toBe(206);
    expect(head.body).toBeNull();

    expect(await lessonPlayback({ userId: learner.id, lessonId: videoLesson.id })).toEqual({
      kind: "local",
      src: `/learn/${slug}/bai-hai/video`,
      contentType: "video/mp4",
    });
  });

  it("gives no bytes and no player address to people who may not open the lesson", async () => {
    const { slug, videoLesson } = await createTestCourse({ root, videoBytes: VIDEO });
    const outsider = await createUser();
    for (const [who, userId] of [
      ["visitor", null],
      ["outsider", outsider.id],
    ] as const) {
      const refused = await callVideo(userId, slug, { Range: "bytes=0-99" });
      expect(refused instanceof Response, who).toBe(false);
      expect((refused as { init?: { status?: number } }).init?.status, who).toBe(403);
      expect(await lessonPlayback({ userId, lessonId: videoLesson.id }), who).toBeNull();
    }
    const staff = await createUser({ roles: ["staff"] });
    expect(((await callVideo(staff.id, slug, { Range: "bytes=0-0" })) as Response).status).toBe(206);
  });
});

describe("course assets", () => {
  const callAsset = async (slug: string, path: string) => {
    try {
      return (await assetLoader(
        routeArgs(new Request(`http://localhost/courses/${slug}/assets/${path}`), { slug, "*": path }),
      )) as Response;
    } catch (thrown) {
      return thrown as { init?: { status?: number } };
    }
  };

  it("serves images from the course's assets folder and nothing outside it", async () => {
    const { slug } = await createTestCourse({ root });
    const svg = (await callAsset(slug, "diagram.svg")) as Response;
    expect(svg.status).toBe(200);
    expect(svg.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(svg.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(await svg.text()).toContain("<svg");

    for (const path of [
      "../course.md",
      "../../" + slug + "/course.md",
      "/etc/passwd",
      "..%2fcourse.md",
      "clip.mp4",
      "khong-co.png",
      "",
    ]) {
      const refused = await callAsset(slug, path);
      expect((refused as { init?: { status?: number } }).init?.status, path).toBe(404);
    }
    expect(((await callAsset("khong-co-khoa-nay", "diagram.svg")) as { init?: { status?: number } }).init?.status).toBe(
      404,
    );

    // A link inside assets/ that points out of the course is not followed.
    symlinkSync(join(root, slug, "course.md"), join(root, slug, "assets", "escape.png"));
    expect(((await callAsset(slug, "escape.png")) as { init?: { status?: number } }).init?.status).toBe(404);
  });
});
