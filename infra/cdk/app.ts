import { buildApp } from "./build.ts";

// `npm run synth` / `npm run deploy` (cdk.json: "npx tsx infra/cdk/app.ts"); parameters as -c key=value.
buildApp().app.synth();
