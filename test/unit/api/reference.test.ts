import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../../shared/api/openapi.ts";
import { ROUTES } from "../../../shared/api/routes.ts";
import { referencePage } from "../../../web/scripts/api-reference.ts";

/** The integrators' reference page (web/scripts/api-reference.ts), rendered from the OpenAPI document. */
describe("the API reference page", () => {
  const page = referencePage(openApiDocument() as never);

  it("has a section per operation, with its roles, and one per schema", () => {
    expect(page.match(/<article id="(?!schema-)/g)).toHaveLength(ROUTES.length);
    expect(page).toContain('<article id="periodsGet">');
    expect(page).toContain('<article id="schema-Period">');
    expect(page).toContain("Who: admin");
    expect(page).toContain('anyone else: <a href="#schema-Period">Period</a>');
  });

  it("links only to what it holds", () => {
    const ids = new Set([...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    for (const [, target] of page.matchAll(/href="#([^"]+)"/g)) expect(ids, target).toContain(target);
  });

  it("runs under the site's CSP: no script, no inline style, its stylesheet beside it", () => {
    expect(page).not.toMatch(/<script|<style|<[^>]*\s(style|on[a-z]+)=/i);
    expect(page).toContain('<link rel="stylesheet" href="/developers/reference.css">');
  });
});
