import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../wailsjs/go/desktop/Info", () => ({ Version: vi.fn(() => Promise.resolve("9.8.7")) }));

import { setLang } from "../i18n";
import { AppBar } from "./AppBar";

describe("AppBar", () => {
  it("shows the version returned by the Go backend, in the current language", async () => {
    setLang("en");
    render(
      <FluentProvider theme={webLightTheme}>
        <AppBar />
      </FluentProvider>,
    );
    expect(await screen.findByText("Version 9.8.7")).toBeInTheDocument();
    act(() => setLang("es"));
    expect(await screen.findByText("Versión 9.8.7")).toBeInTheDocument();
  });
});
