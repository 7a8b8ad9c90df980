import { describe, expect, it } from "vitest";
import { issueCourseCompletionCertificate } from "~/modules/certification/awards.server";
import { callRoute } from "../../../tests/fixtures/admin";
import { completedCohort, trainerCertification } from "../../../tests/fixtures/certification";
import { createUser } from "../../../tests/fixtures/factories";
import { routeArgs } from "../../../tests/fixtures/route-args";
import { loader as jsonLoader } from "../../routes/certification.certificates.$code.credential[.json]";
import { loader as jwtLoader } from "../../routes/certification.certificates.$code.credential[.jwt]";

async function aCertificateCode() {
  await trainerCertification();
  const founder = await createUser();
  const { record } = await completedCohort(founder.id, { courseSlug: "khoi-nghiep-doi-moi-sang-tao" });
  const issued = await issueCourseCompletionCertificate({ completionRecordId: record.id });
  return issued!.code;
}

const anonymous = (path: string) => new Request(`http://localhost${path}`);

describe("Open Badges credential files", () => {
  it("are public by their code: a verifier without an account gets the JSON and the signed JWT", async () => {
    const code = await aCertificateCode();
    const json = (await jsonLoader(
      routeArgs(anonymous(`/certification/certificates/${code}/credential.json`), { code }),
    )) as Response;
    expect(json.status).toBe(200);
    const credential = await json.json();
    expect(credential.type).toContain("OpenBadgeCredential");
    // Typed in lower case, as people copy codes from paper, it is the same credential.
    const jwt = (await jwtLoader(routeArgs(anonymous(`/x`), { code: code.toLowerCase() }))) as Response;
    expect(jwt.status).toBe(200);
    expect((await jwt.text()).split(".")).toHaveLength(3);
  });

  it("answer 404 for a code that names no certificate", async () => {
    expect((await callRoute(jsonLoader, anonymous("/x"), { code: "SA-00000-00000" })).status).toBe(404);
    expect((await callRoute(jwtLoader, anonymous("/x"), { code: "not a code" })).status).toBe(404);
  });
});
