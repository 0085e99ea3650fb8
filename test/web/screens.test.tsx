import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import { periodLinks } from "../../web/src/app/Home.tsx";
import { checkNumber, checkRatio, LeafInput, parseNumber } from "../../web/src/app/LeafInput.tsx";
import { afterSignIn, signInErrorText } from "../../web/src/app/SignIn.tsx";
import { ColumnHeads } from "../../web/src/app/ui.tsx";
import { AuthError } from "../../web/src/auth/cognito.ts";
import { LoadState, Nothing, Pager, pageOf } from "../../web/src/ui/common.tsx";
import { leafOf } from "./fixtures.ts";

let root: HTMLElement | undefined;
const mount = (node: preact.ComponentChild) => {
  root = document.createElement("div");
  document.body.append(root);
  act(() => render(node, root as HTMLElement));
  return root;
};
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});
const type = (input: HTMLInputElement | HTMLTextAreaElement, text: string) =>
  act(() => {
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });

const leaf = leafOf;

describe("a leaf's entry", () => {
  test("numbers are read the Vietnamese and the English way", () => {
    expect(parseNumber("1 234,5")).toBe(1234.5);
    expect(parseNumber(" 12.25 ")).toBe(12.25);
    expect(parseNumber("abc")).toBeNaN();
  });

  test("a number, a count and points are checked before they are sent", () => {
    const points = leaf({ type: "points" }, 5);
    expect(checkNumber(points, "")).toEqual({ value: null });
    expect(checkNumber(points, "4,5")).toEqual({ value: 4.5 });
    expect(checkNumber(points, "5,5").error).toBe("Không vượt quá 5.");
    expect(checkNumber(points, "-1").error).toBe("Không được âm.");
    expect(checkNumber(points, "x").error).toBe("Hãy nhập một số.");
    const count = leaf({ type: "count", pointsEach: 1 });
    expect(checkNumber(count, "3")).toEqual({ value: 3 });
    expect(checkNumber(count, "2,5").error).toBe("Hãy nhập số nguyên không âm.");
    expect(checkNumber(leaf({ type: "steps", steps: [] }), "2,5")).toEqual({ value: 2.5 });
  });

  test("a ratio needs both whole numbers, the numerator no larger", () => {
    expect(checkRatio("", " ")).toEqual({ value: null });
    expect(checkRatio("3", "")).toEqual({ error: "Nhập cả tử số và mẫu số." });
    expect(checkRatio("1,5", "4").error).toBe("Hãy nhập số nguyên không âm.");
    expect(checkRatio("5", "4").error).toBe("Tử số không được lớn hơn mẫu số.");
    expect(checkRatio("1 200", "1 500")).toEqual({ value: { numerator: 1200, denominator: 1500 } });
  });

  test("a points field sends valid entries, and shows a refused one without sending it", () => {
    const change = vi.fn();
    const el = mount(
      <LeafInput leaf={leaf({ type: "points" }, 5)} value={2} idBase="l1" onChange={change} />,
    );
    const input = el.querySelector("input") as HTMLInputElement;
    expect(input.id).toBe("l1-number");
    expect(input.value).toBe("2");
    expect(el.querySelector("label")?.textContent).toBe("Điểm tự chấm (0–5)");
    type(input, "3,5");
    expect(change).toHaveBeenLastCalledWith(3.5);
    type(input, "9");
    expect(change).toHaveBeenCalledTimes(1);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("l1-number-error");
    expect(el.querySelector("#l1-number-error")?.textContent).toBe("Không vượt quá 5.");
    type(input, "");
    expect(change).toHaveBeenLastCalledWith(null);
    expect(el.querySelector(".input-error")).toBeNull();
  });

  test("a ratio's two fields share one message and show the share", () => {
    const change = vi.fn();
    const el = mount(
      <LeafInput
        leaf={leaf({ type: "ratio", target: 1, whenZero: "zero" })}
        value={null}
        idBase="r"
        onChange={change}
      />,
    );
    const [num, den] = [...el.querySelectorAll("input")] as HTMLInputElement[];
    expect([num?.id, den?.id]).toEqual(["r-num", "r-den"]);
    type(num as HTMLInputElement, "3");
    expect(el.querySelector("#r-ratio-error")?.textContent).toBe("Nhập cả tử số và mẫu số.");
    expect(den?.getAttribute("aria-describedby")).toBe("r-ratio-error");
    type(den as HTMLInputElement, "4");
    expect(change).toHaveBeenLastCalledWith({ numerator: 3, denominator: 4 });
    expect(el.querySelector(".ratio-share")?.textContent).toBe("= 75%");
  });

  test("yes/no and levels are radio groups named by the leaf's legend", () => {
    const change = vi.fn();
    const el = mount(<LeafInput leaf={leaf({ type: "yesno" })} value={true} idBase="y" onChange={change} />);
    const group = el.querySelector("[role=radiogroup]");
    expect(group?.getAttribute("aria-labelledby")).toBe("y-legend");
    const radios = [...el.querySelectorAll("input")] as HTMLInputElement[];
    expect(radios.map((r) => r.checked)).toEqual([true, false]);
    act(() => radios[1]?.click());
    expect(change).toHaveBeenCalledWith(false);
  });

  test("information is a text; an empty one clears", () => {
    const change = vi.fn();
    const el = mount(<LeafInput leaf={leaf({ type: "info" })} value="cũ" idBase="i" onChange={change} />);
    const area = el.querySelector("textarea") as HTMLTextAreaElement;
    expect(area.value).toBe("cũ");
    type(area, "mới");
    expect(change).toHaveBeenLastCalledWith("mới");
    type(area, "  ");
    expect(change).toHaveBeenLastCalledWith(null);
  });

  test("a field with an unsaved edit keeps it when the stored value changes; a clean one follows", () => {
    const points = leaf({ type: "points" }, 10);
    const el = mount(<LeafInput leaf={points} value={1} idBase="d" dirty onChange={() => undefined} />);
    const input = el.querySelector("input") as HTMLInputElement;
    type(input, "7");
    act(() => render(<LeafInput leaf={points} value={2} idBase="d" dirty onChange={() => undefined} />, el));
    expect(input.value).toBe("7");
    act(() => render(<LeafInput leaf={points} value={3} idBase="d" onChange={() => undefined} />, el));
    expect(input.value).toBe("3");
  });
});

describe("lists and pages", () => {
  test("pageOf keeps the page in range and gives its rows", () => {
    const rows = Array.from({ length: 105 }, (_, i) => i);
    expect(pageOf(rows, 0, 50)).toEqual({ current: 0, pages: 3, shown: rows.slice(0, 50) });
    expect(pageOf(rows, 2, 50).shown).toEqual([100, 101, 102, 103, 104]);
    expect(pageOf(rows, 9, 50).current).toBe(2);
    expect(pageOf(rows, -1, 50).current).toBe(0);
    expect(pageOf([], 3, 50)).toEqual({ current: 0, pages: 1, shown: [] });
  });

  test("the pager shows only for more than one page, and moves within range", () => {
    const onPage = vi.fn();
    let el = mount(<Pager page={0} pages={1} onPage={onPage} label="Các trang" />);
    expect(el.innerHTML).toBe("");
    el = mount(<Pager page={0} pages={3} onPage={onPage} label="Các trang" />);
    const nav = el.querySelector("nav") as HTMLElement;
    expect(nav.getAttribute("aria-label")).toBe("Các trang");
    expect(nav.textContent).toContain("Trang 1/3");
    const [previous, next] = [...nav.querySelectorAll("button")] as HTMLButtonElement[];
    expect(previous?.disabled).toBe(true);
    next?.click();
    expect(onPage).toHaveBeenCalledWith(1);
    act(() => render(<Pager page={2} pages={3} onPage={onPage} label="Các trang" />, el));
    expect((el.querySelectorAll("button")[1] as HTMLButtonElement).disabled).toBe(true);
  });

  test("column headings: number columns are aligned as numbers", () => {
    const el = mount(
      <table>
        <ColumnHeads columns={["Đơn vị", ["Điểm", "num"]]} />
      </table>,
    );
    const heads = [...el.querySelectorAll("th")];
    expect(heads.map((h) => [h.textContent, h.getAttribute("scope"), h.className])).toEqual([
      ["Đơn vị", "col", ""],
      ["Điểm", "col", "num"],
    ]);
  });

  test("a load's state: the spinner, the error with a retry, or nothing", () => {
    const reload = vi.fn();
    let el = mount(<LoadState of={{ loading: true, error: undefined, reload }} />);
    expect(el.querySelector("[role=status]")).not.toBeNull();
    el = mount(<LoadState of={{ loading: false, error: new Error("hỏng"), reload }} />);
    expect(el.querySelector("[role=alert]")?.textContent).toContain("hỏng");
    el.querySelector("button")?.click();
    expect(reload).toHaveBeenCalledOnce();
    el = mount(<LoadState of={{ loading: false, error: undefined, reload }} />);
    expect(el.innerHTML).toBe("");
    el = mount(<Nothing title="Không có" text="Chưa công bố" />);
    expect(el.querySelector("h1")?.textContent).toBe("Không có");
  });
});

describe("sign-in", () => {
  test("each failure kind has its text", () => {
    expect(signInErrorText(new AuthError("credentials", "x"))).toBe(
      "Tên đăng nhập hoặc mật khẩu không đúng.",
    );
    expect(signInErrorText(new AuthError("code", "x"))).toContain("Mã xác thực không đúng");
    expect(signInErrorText(new AuthError("expired", "x"))).toContain("hết hạn");
    expect(signInErrorText(new AuthError("network", "x"))).toBe("Mất kết nối mạng");
    expect(signInErrorText(new AuthError("challenge", "NEW_PASSWORD_REQUIRED"))).toContain("đổi mật khẩu");
    expect(signInErrorText(new Error("lạ"))).toBe("Không đăng nhập được (lạ).");
  });

  test("afterwards, the page asked for when it is ours, else the workspace", () => {
    expect(afterSignIn("/app/review/p1?state=submitted")).toBe("/app/review/p1?state=submitted");
    expect(afterSignIn(null)).toBe("/app");
    expect(afterSignIn("//evil.example/x")).toBe("/app");
    expect(afterSignIn("https://evil.example/")).toBe("/app");
    expect(afterSignIn("/sign-in")).toBe("/app");
  });
});

describe("the start page", () => {
  const none = { unit: false, reviewer: false, admin: false };
  const hrefs = (state: Parameters<typeof periodLinks>[0]["state"], can: Partial<typeof none>) =>
    periodLinks({ id: "2024", state }, { ...none, ...can }).map((l) => l.href);

  test("a unit fills in an open period and sees its results once closed", () => {
    expect(periodLinks({ id: "p", state: "open" }, { ...none, unit: true })).toEqual([
      { href: "/app/periods/p/form", label: "Tự đánh giá" },
    ]);
    expect(hrefs("draft", { unit: true })).toEqual([]);
    expect(hrefs("explanation", { unit: true })).toEqual([
      "/app/periods/2024/form",
      "/app/periods/2024/results",
    ]);
  });

  test("a reviewer appraises and decides contests; an admin manages every period", () => {
    expect(hrefs("appraisal", { reviewer: true })).toEqual(["/app/review/2024"]);
    expect(hrefs("explanation", { reviewer: true })).toEqual([
      "/app/review/2024",
      "/app/review/2024/contests",
    ]);
    expect(hrefs("draft", { admin: true })).toEqual(["/app/admin/periods/2024"]);
    expect(periodLinks({ id: "a b", state: "open" }, { ...none, admin: true })[0]).toEqual({
      href: "/app/review/a%20b",
      label: "Danh sách đơn vị",
    });
  });
});
