/**
 * `npm start`: the whole system on one machine with the demo, data kept in .data/ across restarts.
 * Ctrl-C stops everything it started.
 */
import { join } from "node:path";
import { DEMO_PASSWORD } from "./demo/seed.ts";
import { onShutdown } from "./processes.ts";
import { ROOT, startLocalStack } from "./stack.ts";

const port = Number(process.env.PORT ?? 3000);
const adminPassword = process.env.ADMIN_PASSWORD ?? "Admin@12345";
const began = Date.now();
const stack = await startLocalStack({
  dataDir: join(ROOT, ".data"),
  port,
  persist: true,
  adminPassword,
  demo: process.env.DEMO !== "0",
  log: (line) => console.log(line),
});
onShutdown(() => stack.stop());
console.log(`
chiso is running at ${stack.url}  (started in ${((Date.now() - began) / 1000).toFixed(1)} s)
  API        ${stack.url}/api/…        config ${stack.url}/config.json
  sign-in    Cognito (local) at ${stack.config.auth.endpoint}, user pool ${stack.config.auth.userPoolId}
  admin      admin / ${adminPassword}
  demo       reviewer / ${DEMO_PASSWORD}; every unit: editor.<code> and approver.<code> / ${DEMO_PASSWORD}
             e.g. approver.s02 (Sở Nội vụ), editor.070 (Thành phố Tuyên Quang), approver.02509 (Phường Mỹ Lâm)
  data       .data/ (delete it to start afresh)
Ctrl-C stops everything.`);
