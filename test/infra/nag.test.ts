import { describe, expect, it } from "vitest";
import { synth } from "./synth-info.ts";

describe.each(["full", "bare", "nowaf"] as const)("cdk-nag AwsSolutions on the %s variant", (variant) => {
  const info = synth(variant);
  const report = info.report?.pluginReports.find((r) => r.pluginName === "AwsSolutions");

  it("synthesizes with no unacknowledged finding", () => {
    const open = (report?.violations ?? []).flatMap((v) =>
      v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} at ${c.constructPath}`),
    );
    expect(info.error, open.join("\n")).toBeUndefined();
    expect(report?.conclusion).toBe("success");
    expect(open).toEqual([]);
  });

  it("gives every acknowledgement a reason, and each one matches a real finding", () => {
    const suppressed = new Set(
      (report?.suppressedViolations ?? []).map((v) => `${v.acknowledgedAt} ${v.acknowledgedId}`),
    );
    const rows = info.acknowledgements.map((a) => ({
      ...a,
      used: suppressed.has(`${a.path} AwsSolutions::${a.rule}`),
    }));
    // One line per (rule, reason), with where it applies: the list a reviewer reads.
    const grouped = new Map<string, string[]>();
    for (const a of rows) {
      const key = `${a.rule}\n      ${a.reason}`;
      grouped.set(key, [...(grouped.get(key) ?? []), a.path.replace(/^[^/]+\//, "")]);
    }
    console.log(
      `cdk-nag acknowledgements (${variant}, ${rows.length}):\n` +
        [...grouped].map(([key, paths]) => `  ${key}\n      on: ${paths.join(", ")}`).join("\n"),
    );
    for (const a of rows) {
      expect(a.reason.length, `${a.rule} at ${a.path}`).toBeGreaterThan(60);
      expect(a.used, `${a.rule} at ${a.path} acknowledges nothing`).toBe(true);
    }
  });
});
