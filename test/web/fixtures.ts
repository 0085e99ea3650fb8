import type { Leaf, Method } from "../../web/src/app/types.ts";

/** A leaf "1.1" of the given method, worth `maxPoints`, evidence optional. */
export const leafOf = (method: Method, maxPoints = 10): Leaf => ({
  code: "1.1",
  name: "Chỉ số",
  maxPoints,
  method,
  evidence: { required: false, kinds: ["file"] },
});
