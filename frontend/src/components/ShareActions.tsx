import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  Toast,
  ToastTitle,
  Toaster,
  ToolbarButton,
  makeStyles,
  tokens,
  useId,
  useToastController,
} from "@fluentui/react-components";
import { ArrowDownloadRegular, CopyRegular } from "@fluentui/react-icons";
import { useT } from "../i18n";
import { langStore } from "../i18n";
import { useStore } from "../stores/createStore";
import { formStore } from "../stores/form";
import { closeCopied, copyAgain, copyForm, exportSession, EXPORT_FORMATS, shareStore, type CopyKind, type Outcome } from "../stores/share";

const useStyles = makeStyles({
  surface: { maxWidth: "min(900px, 92vw)" },
  text: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    userSelect: "text",
    maxHeight: "50vh",
    overflow: "auto",
    margin: 0,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
  },
  content: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
});

/**
 * The result's Export menu (shown once a session has a result: sessionId is
 * its id) and the Copy as menu (the current form as a swaks command or a
 * telnet script), with toasts and a dialog showing what was copied.
 */
export function ShareActions({ sessionId }: { sessionId: string }) {
  const t = useT();
  const s = useStyles();
  const toasterId = useId("share-toaster");
  const { dispatchToast } = useToastController(toasterId);
  const { copied } = useStore(shareStore);

  const tell = (o: Outcome | null) => {
    if (!o) return;
    const text = o.text ?? (o.key ? t(o.key, o.params) : "");
    dispatchToast(
      <Toast data-testid={`toast-${o.intent}`}>
        <ToastTitle>{text}</ToastTitle>
      </Toast>,
      { intent: o.intent, timeout: o.intent === "error" ? 10000 : 4000 },
    );
  };

  const copy = async (kind: CopyKind) => tell(await copyForm(kind, formStore.get().form, langStore.get()));

  return (
    <>
      <Toaster toasterId={toasterId} position="bottom-end" />
      {sessionId && (
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <ToolbarButton icon={<ArrowDownloadRegular />} data-testid="export-menu">
              {t("action.export")}
            </ToolbarButton>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              {EXPORT_FORMATS.map((f) => (
                <MenuItem key={f} data-testid={`export-${f}`} onClick={async () => tell(await exportSession(sessionId, f))}>
                  {t(`export.${f}`)}
                </MenuItem>
              ))}
            </MenuList>
          </MenuPopover>
        </Menu>
      )}
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <ToolbarButton icon={<CopyRegular />} data-testid="copy-menu">
            {t("action.copyAs")}
          </ToolbarButton>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuItem data-testid="copy-swaks" onClick={() => void copy("swaks")}>
              {t("copy.swaks")}
            </MenuItem>
            <MenuItem data-testid="copy-telnet" onClick={() => void copy("telnet")}>
              {t("copy.telnet")}
            </MenuItem>
          </MenuList>
        </MenuPopover>
      </Menu>
      <Dialog open={copied !== null} onOpenChange={(_, d) => !d.open && closeCopied()}>
        <DialogSurface className={s.surface} data-testid="copy-dialog">
          <DialogBody>
            <DialogTitle>{copied ? t(copied.kind === "swaks" ? "copy.swaks" : "copy.telnet") : ""}</DialogTitle>
            <DialogContent className={s.content}>
              {copied && !copied.ok && (
                <MessageBar intent="warning">
                  <MessageBarBody>{t("copy.failed")}</MessageBarBody>
                </MessageBar>
              )}
              <span>{t("copy.hint")}</span>
              <pre className={s.text} data-testid="copy-text" aria-label={t("copy.text")} tabIndex={0}>
                {copied?.text}
              </pre>
            </DialogContent>
            <DialogActions>
              <Button icon={<CopyRegular />} onClick={async () => tell(copied && (await copyAgain()) ? { intent: "success", key: copied.kind === "swaks" ? "copy.done.swaks" : "copy.done.telnet" } : { intent: "warning", key: "copy.failed" })}>
                {t("action.copyAgain")}
              </Button>
              <Button appearance="primary" onClick={closeCopied} data-testid="copy-close">
                {t("action.close")}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  );
}
