import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FILE_LIMITS } from "~/modules/certification/practicum-files.server";
import { readPracticumForm } from "~/modules/certification/practicum-form.server";
import { parseMultipartForm } from "./multipart.server";

const MAX = 100 * 1024;
const Schema = z.object({
  title: z.string({ required_error: "validation.required" }).max(200_000),
  attachment: z
    .instanceof(File, { message: "files.errors.required" })
    .refine((f) => f.size <= MAX, "files.errors.tooLargeShort"),
});

function post(form: FormData | URLSearchParams | string, headers: Record<string, string> = {}) {
  return new Request("http://localhost/claims/new", { method: "POST", body: form, headers });
}

function formWith(files: File[], title = "Hoá đơn tháng 11") {
  const form = new FormData();
  form.append("title", title);
  for (const file of files) form.append("attachment", file);
  return form;
}

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

describe("parseMultipartForm", () => {
  it("reads the fields and a file within the limit whole, with its name and type", async () => {
    const submission = await parseMultipartForm(
      post(formWith([new File([bytes(2048)], "hoá đơn.pdf", { type: "application/pdf" })])),
      Schema,
      { maxFileBytes: MAX },
    );
    expect(submission.status).toBe("success");
    if (submission.status !== "success") return;
    expect(submission.value.title).toBe("Hoá đơn tháng 11");
    expect(submission.value.attachment.name).toBe("hoá đơn.pdf");
    expect(submission.value.attachment.type).toBe("application/pdf");
    expect(new Uint8Array(await submission.value.attachment.arrayBuffer())).toEqual(bytes(2048));
  });

  it("cuts a file a little over the limit to one byte past it, so the schema refuses it next to the field and the other answers come back", async () => {
    const submission = await parseMultipartForm(post(formWith([new File([bytes(MAX + 5000)], "lon.pdf")])), Schema, {
      maxFileBytes: MAX,
    });
    expect(submission.status).toBe("error");
    expect(submission.reply().error?.attachment).toEqual(["files.errors.tooLargeShort"]);
    expect((submission.payload.attachment as File).size).toBe(MAX + 1);
    const reply = submission.reply();
    expect(reply.initialValue?.title).toBe("Hoá đơn tháng 11");
    expect(reply.error?.[""]).toBeFalsy();
  });

  it("stops at a file more than twice over the limit (the parser holds each part in memory) and says so at the top of the form", async () => {
    const submission = await parseMultipartForm(post(formWith([new File([bytes(MAX * 3)], "qua-lon.pdf")])), Schema, {
      maxFileBytes: MAX,
    });
    expect(submission.status).toBe("error");
    const reply = submission.reply({ hideFields: ["attachment"] });
    expect(reply.error?.[""]).toEqual([`files.errors.tooLarge|${JSON.stringify({ max: "0.1 MB" })}`]);
    // What a route adds (a service's form error) is kept after it.
    expect(submission.reply({ formErrors: ["errors.unavailable"] }).error?.[""]).toEqual([
      `files.errors.tooLarge|${JSON.stringify({ max: "0.1 MB" })}`,
      "errors.unavailable",
    ]);
  });

  it("gives no value for an empty file input, and keeps only maxFiles files", async () => {
    const empty = await parseMultipartForm(post(formWith([new File([], "")])), Schema, { maxFileBytes: MAX });
    expect(empty.reply().error?.attachment).toEqual(["files.errors.required"]);

    const two = await parseMultipartForm(
      post(formWith([new File([bytes(10, 1)], "a.pdf"), new File([bytes(10, 2)], "b.pdf")])),
      Schema,
      { maxFileBytes: MAX, maxFiles: 1 },
    );
    expect(two.status).toBe("success");
    if (two.status !== "success") return;
    expect(two.value.attachment.name).toBe("a.pdf");
  });

  it("cuts a text field at maxFieldBytes", async () => {
    const submission = await parseMultipartForm(
      post(formWith([new File([bytes(10)], "a.pdf")], "x".repeat(100_000))),
      Schema,
      { maxFileBytes: MAX, maxFieldBytes: 1000 },
    );
    expect(submission.status).toBe("success");
    if (submission.status !== "success") return;
    expect(submission.value.title).toBe("x".repeat(1000));
  });

  it("reads an urlencoded body too, and answers a broken multipart body with the schema's required errors", async () => {
    const plain = await parseMultipartForm(post(new URLSearchParams({ title: "chỉ chữ" })), Schema, {
      maxFileBytes: MAX,
    });
    expect(plain.payload.title).toBe("chỉ chữ");
    expect(plain.reply().error?.attachment).toEqual(["files.errors.required"]);

    const broken = await parseMultipartForm(
      post('--nothing\r\nContent-Disposition: form-data; name="title"\r\n\r\nx', {
        "Content-Type": "multipart/form-data; boundary=other",
      }),
      Schema,
      {
        maxFileBytes: MAX,
      },
    );
    expect(broken.status).toBe("error");
    expect(broken.reply().error?.title).toEqual(["validation.required"]);
  });
});

describe("readPracticumForm", () => {
  const practicum = (lessonPlan: File, recording?: File) => {
    const form = new FormData();
    form.append("certificationId", "00000000-0000-4000-8000-000000000000");
    form.append("topic", "Gọi vốn hạt giống");
    form.append("mode", "recording");
    form.append("lessonPlan", lessonPlan);
    form.append("recording", recording ?? new File([], ""));
    return post(form);
  };
  const over = FILE_LIMITS.recording + 1024;

  it("reads the lesson plan and leaves out a recording input left empty", async () => {
    const read = await readPracticumForm(practicum(new File([bytes(500)], "giao-an.pdf", { type: "application/pdf" })));
    expect(read.tooLarge).toBeUndefined();
    expect(read.submission?.payload.lessonPlan).toBeInstanceOf(File);
    expect(read.submission?.payload.recording).toBeUndefined();
  });

  it("answers 413 on the field of the file over the largest limit", async () => {
    const message = `certification.errors.fileTooLarge|${JSON.stringify({ mb: FILE_LIMITS.recording / 1024 / 1024 })}`;
    const recording = await readPracticumForm(
      practicum(new File([bytes(500)], "giao-an.pdf"), new File([bytes(over)], "video.mp4")),
    );
    expect(recording.tooLarge?.init?.status).toBe(413);
    expect(recording.tooLarge?.data.result.error).toEqual({ recording: [message] });

    const lessonPlan = await readPracticumForm(practicum(new File([bytes(over)], "giao-an.pdf")));
    expect(lessonPlan.tooLarge?.init?.status).toBe(413);
    expect(lessonPlan.tooLarge?.data.result.error).toEqual({ lessonPlan: [message] });
  });
});
