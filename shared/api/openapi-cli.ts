import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiText } from "./openapi.ts";

/**
 * `npm run openapi`: writes docs/openapi.json from the route table and the contract, formatted as the
 * repository's formatter wants it (the lint checks it too).
 */
const target = fileURLToPath(new URL("../../docs/openapi.json", import.meta.url));
const biome = fileURLToPath(new URL("../../node_modules/.bin/biome", import.meta.url));
writeFileSync(target, openApiText());
execFileSync(biome, ["format", "--write", target], { stdio: "ignore" });
console.log(`wrote ${target}`);
