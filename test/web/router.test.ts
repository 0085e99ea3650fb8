import { afterEach, describe, expect, test, vi } from "vitest";
import { routeOf } from "../../web/src/App.tsx";
import { screenOf } from "../../web/src/app/Workspace.tsx";
import { interceptLinks, match, navigate, setQuery } from "../../web/src/router.ts";

afterEach(() => history.replaceState(null, "", "/"));

describe("the router's path patterns", () => {
  test("a pattern gives its parameters, decoded", () => {
    expect(match("/units/:unitId", "/units/u-1")).toEqual({ unitId: "u-1" });
    expect(match("/app/review/:periodId/units/:unitId", "/app/review/2024%2F1/units/x%20y")).toEqual({
      periodId: "2024/1",
      unitId: "x y",
    });
    expect(match("/method", "/method")).toEqual({});
    expect(match("/", "/")).toEqual({});
  });

  test("a trailing slash is the same path; an empty parameter or another length is no match", () => {
    expect(match("/units/:unitId", "/units/u-1/")).toEqual({ unitId: "u-1" });
    expect(match("/units/:unitId", "/units/")).toBeUndefined();
    expect(match("/units/:unitId", "/units/u-1/more")).toBeUndefined();
    expect(match("/method", "/methods")).toBeUndefined();
  });
});

describe("paths and their pages", () => {
  test("the public pages", () => {
    expect(routeOf("/")).toEqual({ page: "rankings" });
    expect(routeOf("/index.html")).toEqual({ page: "rankings" });
    expect(routeOf("/units/u%2D7")).toEqual({ page: "unit", unitId: "u-7" });
    expect(routeOf("/method")).toEqual({ page: "method" });
  });

  test("sign-in and everything under /app is the workspace; any other path is not found", () => {
    for (const path of ["/sign-in", "/app", "/app/", "/app/review/p1", "/app/anything"])
      expect(routeOf(path).page).toBe("workspace");
    for (const path of ["/apps", "/units", "/units/a/b", "/public/x.json", "/nope"])
      expect(routeOf(path).page).toBe("not-found");
  });

  test("each signed-in screen is found with its parameters and the roles that may use it", () => {
    expect(screenOf("/app")?.screen.roles).toBe("any");
    const form = screenOf("/app/periods/2024/form");
    expect(form?.params).toEqual({ periodId: "2024" });
    expect(form?.screen.roles).toEqual(["unit-editor", "unit-approver"]);
    expect(screenOf("/app/review/p1/units/u9")?.params).toEqual({ periodId: "p1", unitId: "u9" });
    expect(screenOf("/app/review/p1/contests")?.screen.pattern).toBe("/app/review/:periodId/contests");
    expect(screenOf("/app/admin")?.screen.roles).toEqual(["admin"]);
    expect(screenOf("/app/evidence/p/u/e")?.params).toEqual({ periodId: "p", unitId: "u", evidenceId: "e" });
  });

  test("an unknown signed-in path has no screen", () => {
    expect(screenOf("/app/nowhere")).toBeUndefined();
    expect(screenOf("/app/periods/2024")).toBeUndefined();
  });
});

describe("navigation and the query string", () => {
  test("navigate pushes an entry, or replaces the current one", () => {
    const before = history.length;
    navigate("/method");
    expect(location.pathname).toBe("/method");
    expect(history.length).toBe(before + 1);
    navigate("/units/u1?period=p", { replace: true });
    expect(`${location.pathname}${location.search}`).toBe("/units/u1?period=p");
    expect(history.length).toBe(before + 1);
  });

  test("setQuery sets and removes keys without a new entry, keeping the others", () => {
    history.replaceState(null, "", "/?period=p1&group=g1");
    const before = history.length;
    setQuery({ group: "g2", page: 3, q: "" });
    expect(new URLSearchParams(location.search).get("group")).toBe("g2");
    expect(new URLSearchParams(location.search).get("page")).toBe("3");
    expect(new URLSearchParams(location.search).has("q")).toBe(false);
    setQuery({ period: null, group: undefined, page: null });
    expect(location.search).toBe("");
    expect(location.pathname).toBe("/");
    expect(history.length).toBe(before);
  });

  test("query values are encoded", () => {
    setQuery({ q: "Nội vụ & co" });
    expect(new URLSearchParams(location.search).get("q")).toBe("Nội vụ & co");
  });
});

describe("links", () => {
  interceptLinks();
  const click = (href: string, init: MouseEventInit = {}, attributes: Record<string, string> = {}) => {
    const anchor = document.createElement("a");
    anchor.href = href;
    for (const [name, value] of Object.entries(attributes)) anchor.setAttribute(name, value);
    anchor.textContent = "link";
    document.body.append(anchor);
    const event = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0, ...init });
    // Read what the app did, then keep the test's DOM from following the link itself.
    let handled = false;
    const after = (e: Event) => {
      handled = e.defaultPrevented;
      e.preventDefault();
    };
    window.addEventListener("click", after);
    anchor.dispatchEvent(event);
    window.removeEventListener("click", after);
    anchor.remove();
    return handled;
  };

  test("a same-origin left click navigates in the app", () => {
    const spy = vi.spyOn(history, "pushState");
    expect(click("/method?x=1")).toBe(true);
    expect(`${location.pathname}${location.search}`).toBe("/method?x=1");
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });

  test("other origins, files, new tabs, modified clicks and downloads are left to the browser", () => {
    expect(click("https://example.org/x")).toBe(false);
    expect(click("/public/rankings/p.csv")).toBe(false);
    expect(click("/api/periods")).toBe(false);
    expect(click("/method", { ctrlKey: true })).toBe(false);
    expect(click("/method", {}, { target: "_blank" })).toBe(false);
    expect(click("/method", {}, { download: "" })).toBe(false);
  });
});
