import { afterEach, expect, test } from "vitest";
import { messagesFor, setLang } from "../../web/src/i18n/index.ts";

afterEach(async () => {
  await setLang("vi");
});

test("an area's own strings follow the chosen language and fill their placeholders", async () => {
  const tr = messagesFor({ greet: "Chào {name}", bye: "Tạm biệt" }, { greet: "Hello {name}", bye: "Bye" });
  expect(tr("greet", { name: "An" })).toBe("Chào An");
  await setLang("en");
  expect(tr("greet", { name: "An" })).toBe("Hello An");
  expect(tr("bye")).toBe("Bye");
});
