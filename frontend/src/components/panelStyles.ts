import { makeStyles, tokens } from "@fluentui/react-components";

/** The card a tab's page sits in (Receive, Sender checks, History): one
 * style, so the pages look alike and change together. */
export const usePanelStyles = makeStyles({
  panel: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    padding: tokens.spacingHorizontalXL,
    overflow: "auto",
    height: "100%",
    boxSizing: "border-box",
  },
});
