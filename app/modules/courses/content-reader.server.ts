import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import type { CoursePracticum, QuizQuestion } from "#db/schema";
import {
  CourseFileSchema,
  fieldPath,
  LessonFileSchema,
  ModuleFileSchema,
  PracticumFileSchema,
  QuizFileSchema,
  type CourseFile,
  type LessonFile,
  type ModuleFile,
  type QuizFile,
} from "./content-schema";
import { renderMarkdown } from "./markdown.server";

/** A problem in a content file: the file, the field (when there is one) and what is wrong. */
export type ContentIssue = { file: string; field?: string; message: string };

export type ParsedLesson = {
  slug: string;
  position: number;
  data: LessonFile;
  /** Path inside the course folder, e.g. modules/01-x/02-y.md. */
  sourcePath: string;
  bodyHtml: string;
  /** Local video, relative to the course folder (always under assets/). */
  videoPath: string | null;
};

export type ParsedQuiz = { data: QuizFile; sourcePath: string; questions: QuizQuestion[] };

export type ParsedModule = {
  slug: string;
  position: number;
  data: ModuleFile;
  sourcePath: string;
  lessons: ParsedLesson[];
  quiz: ParsedQuiz | null;
};

export type ParsedCourse = {
  dir: string;
  data: CourseFile;
  descriptionHtml: string;
  practicum: CoursePracticum | null;
  modules: ParsedModule[];
};

export type CourseReadResult = { dir: string; slug?: string; course?: ParsedCourse; issues: ContentIssue[] };

export const VIDEO_EXTENSIONS = new Set([".mp4", ".webm"]);
const NUMBERED = /^(\d+)-([a-z0-9][a-z0-9-]*)$/;

/** The course folders of a content root (every sub-folder holding a course.md). */
export function listCourseFolders(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith(".") && existsSync(join(root, e.name, "course.md")))
    .map((e) => e.name)
    .sort();
}

/** Splits `---\nyaml\n---\nbody`. */
function splitFrontMatter(source: string): { yaml: string; body: string } | null {
  const text = source.replace(/^\uFEFF/, "");
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  return match ? { yaml: match[1], body: match[2] } : null;
}

function parseYaml(source: string, file: string, issues: ContentIssue[]): unknown {
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) issues.push({ file, message: `YAML: ${error.message.split("\n")[0]}` });
    return undefined;
  }
  return doc.toJS();
}

function validate<S extends z.ZodTypeAny>(schema: S, value: unknown, file: string, issues: ContentIssue[]): z.infer<S> | undefined {
  if (value === undefined || value === null) {
    issues.push({ file, message: "the file has no data (empty front matter or YAML)" });
    return undefined;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ file, field: fieldPath(issue.path) || undefined, message: issue.message });
  }
  return undefined;
}

function readText(path: string, file: string, issues: ContentIssue[]): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    issues.push({ file, message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"})` });
    return undefined;
  }
}

/** True when `child` is a path strictly inside the folder `parent`. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function toQuestion(q: QuizFile["questions"][number]): QuizQuestion {
  const base = { id: q.id, type: q.type, points: q.points, prompt: q.prompt, explanation: q.explanation };
  switch (q.type) {
    case "single":
    case "multiple":
      return { ...base, options: q.options, answer: q.answer };
    case "true_false":
      return { ...base, options: [], answer: q.answer };
    case "short_answer":
      return { ...base, options: [], answer: (Array.isArray(q.answer) ? q.answer : [q.answer]).map(String) };
  }
}

/**
 * Reads and validates one course folder. Every problem found is returned (file, field, message); a course
 * with any problem is not imported.
 */
export function readCourseFolder(root: string, dir: string, display: (absolute: string) => string = (p) => p): CourseReadResult {
  const issues: ContentIssue[] = [];
  const courseDir = resolve(root, dir);
  const assetsDir = join(courseDir, "assets");
  const show = (rel: string) => display(join(courseDir, rel));

  // course.md
  const courseFile = "course.md";
  const courseSource = readText(join(courseDir, courseFile), show(courseFile), issues);
  let courseData: CourseFile | undefined;
  let descriptionMd = "";
  if (courseSource !== undefined) {
    const split = splitFrontMatter(courseSource);
    if (!split) issues.push({ file: show(courseFile), message: "missing front matter (the file must start with ---)" });
    else {
      courseData = validate(CourseFileSchema, parseYaml(split.yaml, show(courseFile), issues), show(courseFile), issues);
      descriptionMd = split.body;
    }
  }

  // modules/NN-slug/
  type PendingLesson = Omit<ParsedLesson, "bodyHtml"> & { body: string };
  type PendingModule = Omit<ParsedModule, "lessons"> & { lessons: PendingLesson[] };
  const modules: PendingModule[] = [];
  let invalidQuizFiles = 0;
  const modulesDir = join(courseDir, "modules");
  const moduleDirs = existsSync(modulesDir)
    ? readdirSync(modulesDir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith("."))
    : [];
  if (moduleDirs.length === 0) issues.push({ file: show("modules"), message: "the course has no modules (modules/NN-<slug>/)" });

  for (const entry of moduleDirs.sort((a, b) => a.name.localeCompare(b.name))) {
    const moduleRel = `modules/${entry.name}`;
    const numbered = NUMBERED.exec(entry.name);
    if (!numbered) {
      issues.push({ file: show(moduleRel), message: "a module folder is named NN-<slug> (e.g. 01-customer-discovery)" });
      continue;
    }
    const moduleYml = `${moduleRel}/module.yml`;
    if (!existsSync(join(courseDir, moduleYml))) {
      issues.push({ file: show(moduleYml), message: "missing module.yml" });
      continue;
    }
    const moduleSource = readText(join(courseDir, moduleYml), show(moduleYml), issues);
    const moduleData =
      moduleSource === undefined ? undefined : validate(ModuleFileSchema, parseYaml(moduleSource, show(moduleYml), issues), show(moduleYml), issues);

    const lessons: PendingLesson[] = [];
    const files = readdirSync(join(courseDir, moduleRel), { withFileTypes: true }).filter((e) => e.isFile());
    for (const file of files.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!file.name.endsWith(".md")) continue;
      const lessonRel = `${moduleRel}/${file.name}`;
      const lessonNumbered = NUMBERED.exec(file.name.slice(0, -3));
      if (!lessonNumbered) {
        issues.push({ file: show(lessonRel), message: "a lesson file is named NN-<slug>.md (e.g. 01-why-customers.md)" });
        continue;
      }
      const source = readText(join(courseDir, lessonRel), show(lessonRel), issues);
      if (source === undefined) continue;
      const split = splitFrontMatter(source);
      if (!split) {
        issues.push({ file: show(lessonRel), message: "missing front matter (the file must start with ---)" });
        continue;
      }
      const data = validate(LessonFileSchema, parseYaml(split.yaml, show(lessonRel), issues), show(lessonRel), issues);
      if (!data) continue;
      if (!split.body.trim()) issues.push({ file: show(lessonRel), field: "body", message: "the lesson has no text" });
      let videoPath: string | null = null;
      if (data.video) {
        const candidates = [resolve(courseDir, moduleRel, data.video), resolve(courseDir, data.video)];
        const found = candidates.find((p) => isInside(assetsDir, p) && existsSync(p) && statSync(p).isFile());
        if (!found) {
          issues.push({ file: show(lessonRel), field: "video", message: `"${data.video}" is not a file in the course's assets/ folder` });
        } else if (!VIDEO_EXTENSIONS.has(extname(found).toLowerCase())) {
          issues.push({ file: show(lessonRel), field: "video", message: "a local video is an .mp4 or .webm file" });
        } else {
          videoPath = relative(courseDir, found).split(sep).join("/");
        }
      }
      lessons.push({
        slug: data.slug,
        position: Number(lessonNumbered[1]),
        data,
        sourcePath: lessonRel,
        body: split.body,
        videoPath,
      });
    }
    if (lessons.length === 0) issues.push({ file: show(moduleRel), message: "the module has no lessons (NN-<slug>.md)" });

    let quiz: ParsedQuiz | null = null;
    const quizRel = `${moduleRel}/quiz.yml`;
    if (existsSync(join(courseDir, quizRel))) {
      const source = readText(join(courseDir, quizRel), show(quizRel), issues);
      const data = source === undefined ? undefined : validate(QuizFileSchema, parseYaml(source, show(quizRel), issues), show(quizRel), issues);
      if (data) quiz = { data, sourcePath: quizRel, questions: data.questions.map(toQuestion) };
      else invalidQuizFiles++;
    }
    if (moduleData) {
      modules.push({ slug: moduleData.slug, position: Number(numbered[1]), data: moduleData, sourcePath: moduleYml, lessons, quiz });
    }
  }

  // Uniqueness and references across files.
  const seen = new Map<string, string>();
  const unique = (kind: string, slug: string, file: string) => {
    const key = `${kind}:${slug}`;
    const first = seen.get(key);
    if (first) issues.push({ file: show(file), field: "slug", message: `${kind} slug "${slug}" is already used by ${show(first)}` });
    else seen.set(key, file);
  };
  const positions = new Map<number, string>();
  for (const m of modules) {
    unique("module", m.slug, m.sourcePath);
    const other = positions.get(m.position);
    if (other) issues.push({ file: show(m.sourcePath), message: `two modules are numbered ${m.position} (${other})` });
    positions.set(m.position, m.sourcePath);
    const lessonPositions = new Map<number, string>();
    for (const l of m.lessons) {
      unique("lesson", l.slug, l.sourcePath);
      const taken = lessonPositions.get(l.position);
      if (taken) issues.push({ file: show(l.sourcePath), message: `two lessons of the module are numbered ${l.position} (${taken})` });
      lessonPositions.set(l.position, l.sourcePath);
    }
    if (m.quiz) unique("quiz", m.quiz.data.slug, m.quiz.sourcePath);
  }
  // (A quiz file that did not validate is already reported; its slug is unknown, so references are not checked.)
  if (courseData && invalidQuizFiles === 0) {
    const quizSlugs = new Set(modules.flatMap((m) => (m.quiz ? [m.quiz.data.slug] : [])));
    courseData.completion.quizzes_to_pass.forEach((slug, i) => {
      if (!quizSlugs.has(slug)) {
        issues.push({ file: show(courseFile), field: `completion.quizzes_to_pass[${i}]`, message: `no quiz in this course has the slug "${slug}"` });
      }
    });
  }

  // Markdown, once every lesson is known (links between lessons become player links).
  const courseSlug = courseData?.slug ?? dir;
  const lessonByFile = new Map(modules.flatMap((m) => m.lessons.map((l) => [resolve(courseDir, l.sourcePath), l.slug] as const)));
  const render = (markdown: string, fileRel: string, baseRel: string) =>
    renderMarkdown(markdown, {
      rewriteRelativeUrl: (href, kind) => {
        const [pathPart, hash = ""] = href.split("#", 2);
        let target: string;
        try {
          target = resolve(courseDir, baseRel, decodeURIComponent(pathPart));
        } catch {
          issues.push({ file: show(fileRel), field: "body", message: `"${href}" is not a valid address` });
          return "#";
        }
        const lessonSlug = kind === "link" ? lessonByFile.get(target) : undefined;
        if (lessonSlug) return `/learn/${courseSlug}/${lessonSlug}${hash ? `#${hash}` : ""}`;
        if (!isInside(assetsDir, target)) {
          issues.push({ file: show(fileRel), field: "body", message: `"${href}" points outside the course's assets/ folder` });
          return "#";
        }
        if (!existsSync(target) || !statSync(target).isFile()) {
          issues.push({ file: show(fileRel), field: "body", message: `"${href}" does not exist` });
          return "#";
        }
        const assetPath = relative(assetsDir, target).split(sep).map(encodeURIComponent).join("/");
        return `/courses/${courseSlug}/assets/${assetPath}`;
      },
    });

  const descriptionHtml = render(descriptionMd, courseFile, ".");
  const parsedModules: ParsedModule[] = modules
    .sort((a, b) => a.position - b.position)
    .map((m) => ({
      ...m,
      lessons: m.lessons
        .sort((a, b) => a.position - b.position)
        .map(({ body, ...l }) => ({ ...l, bodyHtml: render(body, l.sourcePath, `modules/${m.sourcePath.split("/")[1]}`) })),
    }));

  // practicum.md (train-the-trainer courses)
  let practicum: CoursePracticum | null = null;
  const practicumFile = "practicum.md";
  if (existsSync(join(courseDir, practicumFile))) {
    const source = readText(join(courseDir, practicumFile), show(practicumFile), issues);
    const split = source === undefined ? null : splitFrontMatter(source);
    if (source !== undefined && !split) issues.push({ file: show(practicumFile), message: "missing front matter (the file must start with ---)" });
    if (split) {
      const data = validate(PracticumFileSchema, parseYaml(split.yaml, show(practicumFile), issues), show(practicumFile), issues);
      if (data) {
        if (!split.body.trim()) issues.push({ file: show(practicumFile), field: "body", message: "the practicum has no brief" });
        practicum = {
          slug: data.slug,
          title: data.title,
          summary: data.summary,
          rubric: data.rubric,
          passScore: data.pass_score,
          briefHtml: render(split.body, practicumFile, "."),
        };
      }
    }
  }

  if (issues.length > 0 || !courseData) return { dir, slug: courseData?.slug, issues };
  return { dir, slug: courseData.slug, issues, course: { dir, data: courseData, descriptionHtml, practicum, modules: parsedModules } };
}
