import { describe, expect, it } from "vitest";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { actor } from "../../../tests/fixtures/subsidies";
import { napasBank } from "./napas-banks";
import { openPaymentOfEnrollment } from "./payments.server";
import { paymentPage } from "./view.server";

describe("the payment page's transfer details", () => {
  it("names the programme's bank from the NAPAS list instead of its BIN", async () => {
    const { cohort } = await createTestCohort({ feeVnd: 300_000 });
    const learner = actor(await createUser(), ["learner"]);
    const placed = await enrol({ actor: learner, cohortId: cohort.id });
    const page = await paymentPage(learner, (await openPaymentOfEnrollment(placed.enrollmentId))!);
    // The default programme account is at BIN 970436.
    expect(page.transfer).toMatchObject({
      bankBin: "970436",
      bank: { shortName: "Vietcombank", name: "Ngân hàng TMCP Ngoại Thương Việt Nam" },
    });
  });

  it("knows the banks a department uses and nothing for an unknown BIN", () => {
    expect(["970415", "970418", "970405", "970407", "970422"].map((bin) => napasBank(bin)?.shortName)).toEqual([
      "VietinBank",
      "BIDV",
      "Agribank",
      "Techcombank",
      "MBBank",
    ]);
    expect(napasBank("999999")).toBeNull();
  });
});
