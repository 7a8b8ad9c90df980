import { z } from "zod";

/**
 * The format of the course content files in `courses/` (see docs/decisions/0005-course-content-as-files.md).
 * Unknown keys are refused so that a misspelt field is reported instead of silently ignored.
 */

const text = z.string().trim().min(1, "must not be empty");
export const localizedText = z.object({ vi: text, en: text }).strict();
export const contentSlug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case letters, digits and single dashes (kebab-case)")
  .max(120);

export const CourseFileSchema = z
  .object({
    slug: contentSlug,
    title: localizedText,
    summary: localizedText,
    audience: z.enum(["founders", "lecturers", "both"]),
    kind: z.enum(["course", "trainer_course", "workshop"]),
    format: z.enum(["online", "in_person", "blended"]),
    language: z.enum(["vi", "en"]),
    topics: z.array(contentSlug).default([]),
    hours: z
      .number()
      .positive()
      .max(10_000)
      .refine((v) => Number.isInteger(v * 2), "must be a whole or half number of hours (steps of 0.5)"),
    list_price_vnd: z.number().int("must be whole đồng").min(0).max(1_000_000_000_000),
    outcomes: z.array(localizedText).min(1, "list at least one learning outcome"),
    prerequisites: z.array(localizedText).default([]),
    completion: z
      .object({
        min_attendance_share: z.number().min(0).max(1),
        quizzes_to_pass: z.array(contentSlug).default([]),
      })
      .strict(),
  })
  .strict();
export type CourseFile = z.infer<typeof CourseFileSchema>;

export const ModuleFileSchema = z.object({ slug: contentSlug, title: localizedText, summary: localizedText }).strict();
export type ModuleFile = z.infer<typeof ModuleFileSchema>;

export const LessonFileSchema = z
  .object({
    slug: contentSlug,
    title: localizedText,
    summary: localizedText,
    minutes: z.number().int().positive().max(24 * 60),
    free_preview: z.boolean().default(false),
    video: z.string().trim().min(1).optional(),
  })
  .strict();
export type LessonFile = z.infer<typeof LessonFileSchema>;

const optionId = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, _ or -").max(40);
const option = z.object({ id: optionId, text: localizedText }).strict();
const questionBase = {
  id: optionId,
  points: z.number().int().positive().max(100),
  prompt: localizedText,
  explanation: localizedText,
};

const singleQuestion = z
  .object({ ...questionBase, type: z.literal("single"), options: z.array(option).min(2), answer: optionId })
  .strict();
const multipleQuestion = z
  .object({
    ...questionBase,
    type: z.literal("multiple"),
    options: z.array(option).min(2),
    answer: z.array(optionId).min(1),
  })
  .strict();
const trueFalseQuestion = z.object({ ...questionBase, type: z.literal("true_false"), answer: z.boolean() }).strict();
const shortAnswerQuestion = z
  .object({
    ...questionBase,
    type: z.literal("short_answer"),
    answer: z.union([text, z.number()]).or(z.array(z.union([text, z.number()])).min(1)),
  })
  .strict();

const question = z
  .discriminatedUnion("type", [singleQuestion, multipleQuestion, trueFalseQuestion, shortAnswerQuestion])
  .superRefine((q, ctx) => {
    if (q.type !== "single" && q.type !== "multiple") return;
    const ids = q.options.map((o) => o.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: ["options", i, "id"], message: `duplicate option id "${id}"` });
    });
    const answers = Array.isArray(q.answer) ? q.answer : [q.answer];
    answers.forEach((a, i) => {
      if (!ids.includes(a)) {
        ctx.addIssue({
          code: "custom",
          path: Array.isArray(q.answer) ? ["answer", i] : ["answer"],
          message: `"${a}" is not one of the option ids (${ids.join(", ")})`,
        });
      }
    });
  });

export const QuizFileSchema = z
  .object({
    slug: contentSlug,
    title: localizedText,
    pass_mark: z.number().int().min(0).max(100),
    attempts_allowed: z.number().int().min(0).max(100),
    questions: z.array(question).min(1),
  })
  .strict()
  .superRefine((quiz, ctx) => {
    const ids = quiz.questions.map((q) => q.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: ["questions", i, "id"], message: `duplicate question id "${id}"` });
    });
  });
export type QuizFile = z.infer<typeof QuizFileSchema>;

export const PracticumFileSchema = z
  .object({
    slug: contentSlug,
    title: localizedText,
    summary: localizedText,
    rubric: z
      .array(
        z
          .object({
            key: z.string().regex(/^[a-z0-9_]+$/, "must be lower-case letters, digits and _"),
            weight: z.number().positive().max(100),
            title: localizedText,
            levels: z.array(z.object({ score: z.number().int().min(1).max(4), vi: text, en: text }).strict()).min(2),
          })
          .strict(),
      )
      .min(1),
    pass_score: z.number().min(0).max(100),
  })
  .strict();
export type PracticumFile = z.infer<typeof PracticumFileSchema>;

/** "title.en", "questions[2].answer": the field named in a sync error. */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
}
