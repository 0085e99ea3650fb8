import { type AwsCall, type AwsRun, readRecording } from "../support/aws-calls.ts";

/** The integration run's recorded calls; the rights project fails plainly without them. */
export function recording(): { run: AwsRun; calls: AwsCall[] } {
  const recorded = readRecording();
  if (!recorded)
    throw new Error(
      "no recorded AWS calls in .cache/aws-calls/: the rights project checks what the integration project " +
        "recorded; run that first, or both: npx vitest run --project integration --project rights",
    );
  return recorded;
}
