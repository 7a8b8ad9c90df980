import { describe, expect, it } from "vitest";
import { z } from "zod";
import { onlySchemaFields, schemaFieldNames } from "./form-fields";
import { invalidForm, parseForm } from "./forms.server";

const SignIn = z.object({ email: z.string().email(), password: z.string().min(1), redirectTo: z.string().optional() });

function post(fields: Record<string, string>) {
  return new Request("http://localhost/login", { method: "POST", body: new URLSearchParams(fields) });
}

describe("a form's answer carries back only the form's own fields", () => {
  it("drops a submitted field the schema does not have before the invalid form is answered", async () => {
    const junk = "x".repeat(32 * 1024);
    const submission = await parseForm(post({ email: "not-an-email", password: "", junk, other: "y" }), SignIn);
    expect(submission.status).toBe("error");
    const answer = JSON.stringify(invalidForm(submission, { hideFields: ["password"] }).data);
    expect(answer).toContain("not-an-email");
    expect(answer).not.toContain("junk");
    expect(answer).not.toContain(junk.slice(0, 100));
    expect(answer).not.toContain("other");
  });

  it("reads the field names through refinements, pipes, defaults and unions", () => {
    expect(schemaFieldNames(SignIn.refine(() => true))).toEqual(new Set(["email", "password", "redirectTo"]));
    const byIntent = z.discriminatedUnion("intent", [
      z.object({ intent: z.literal("a"), x: z.string() }),
      z.object({ intent: z.literal("b"), y: z.string().default("") }),
    ]);
    expect(schemaFieldNames(byIntent)).toEqual(new Set(["intent", "x", "y"]));
    expect(schemaFieldNames(z.string())).toBeNull();
  });

  it("keeps nested parts of a field and conform's own intent", () => {
    const form = new FormData();
    form.append("items[0]", "a");
    form.append("address.city", "Đà Nẵng");
    form.append("__intent__", "validate");
    form.append("stray", "z");
    const schema = z.object({ items: z.array(z.string()), address: z.object({ city: z.string() }) });
    expect([...onlySchemaFields(form, schema).keys()]).toEqual(["items[0]", "address.city", "__intent__"]);
  });
});
