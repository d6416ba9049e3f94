import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Input,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  Text,
  Tooltip,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import {
  AddRegular,
  ArrowExportRegular,
  ArrowImportRegular,
  CopyRegular,
  DeleteRegular,
  DocumentErrorRegular,
  DocumentRegular,
  MoreHorizontalRegular,
  SearchRegular,
} from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { backend, errorText, type ProfileEntry } from "../api/backend";
import { useT } from "../i18n";
import { useStore } from "../stores/createStore";
import { emptyForm, formStore, profileToForm, resetForm } from "../stores/form";
import { filterProfiles, profilesStore, refreshProfiles } from "../stores/profiles";
import { clearSession } from "../stores/session";

const useStyles = makeStyles({
  rail: {
    width: "250px",
    flexShrink: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    minHeight: 0,
  },
  head: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalXS },
  title: { flexGrow: 1, fontWeight: tokens.fontWeightSemibold },
  list: { flexGrow: 1, overflowY: "auto", display: "flex", flexDirection: "column", gap: "2px", listStyle: "none", margin: 0, padding: 0 },
  item: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalXS,
    borderRadius: tokens.borderRadiusMedium,
    ":hover": { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  selected: { backgroundColor: tokens.colorNeutralBackground1Selected },
  open: { flexGrow: 1, justifyContent: "flex-start", minWidth: 0, textAlign: "left" },
  label: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  damaged: { color: tokens.colorPaletteRedForeground1 },
  empty: { color: tokens.colorNeutralForeground3 },
});

type Pending = { kind: "open"; id: string } | { kind: "new" } | { kind: "delete"; entry: ProfileEntry } | null;

/** The saved profiles: search, new, open, duplicate, delete (confirmed), import and export. */
export function ProfilesRail({ onOpened }: { onOpened: () => void }) {
  const t = useT();
  const s = useStyles();
  const { entries, error } = useStore(profilesStore);
  const { profileId, dirty } = useStore(formStore);
  const [query, setQuery] = useState("");
  const [pending, setPending] = useState<Pending>(null);
  const [message, setMessage] = useState("");

  useEffect(() => {
    void refreshProfiles();
  }, []);

  const open = async (id: string) => {
    try {
      const p = await backend.getProfile(id);
      resetForm(profileToForm(p), p.id, p.name);
      clearSession();
      onOpened();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  // Switching away from unsaved changes asks first.
  const guarded = (action: Exclude<Pending, null | { kind: "delete" }>) => {
    if (dirty) setPending(action);
    else void perform(action);
  };

  const perform = async (action: Exclude<Pending, null>) => {
    setPending(null);
    setMessage("");
    try {
      if (action.kind === "open") await open(action.id);
      if (action.kind === "new") {
        resetForm(emptyForm);
        clearSession();
        onOpened();
      }
      if (action.kind === "delete") {
        await backend.deleteProfile(action.entry.id);
        if (action.entry.id === profileId) resetForm(emptyForm);
        await refreshProfiles();
      }
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  const run = (fn: () => Promise<unknown>) => async () => {
    setMessage("");
    try {
      await fn();
      await refreshProfiles();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  const shown = filterProfiles(entries, query);

  return (
    <nav className={s.rail} aria-label={t("profiles.title")} data-testid="profiles-rail">
      <div className={s.head}>
        <Text className={s.title}>{t("profiles.title")}</Text>
        <Tooltip content={t("profiles.new")} relationship="label">
          <Button appearance="subtle" icon={<AddRegular />} onClick={() => guarded({ kind: "new" })} data-testid="profile-new" />
        </Tooltip>
        <Tooltip content={t("profiles.import")} relationship="label">
          <Button appearance="subtle" icon={<ArrowImportRegular />} onClick={run(() => backend.importProfile())} />
        </Tooltip>
      </div>
      <Input
        size="small"
        contentBefore={<SearchRegular />}
        placeholder={t("profiles.search")}
        aria-label={t("profiles.search")}
        value={query}
        onChange={(_, d) => setQuery(d.value)}
      />
      {(error || message) && (
        <MessageBar intent="error">
          <MessageBarBody>{error || message}</MessageBarBody>
        </MessageBar>
      )}
      <ul className={s.list}>
        {shown.length === 0 && <li className={s.empty}>{query ? t("profiles.noMatch") : t("profiles.none")}</li>}
        {shown.map((e) => (
          <li key={e.id || e.file} className={mergeClasses(s.item, e.id === profileId && s.selected)} data-testid="profile-item">
            <Tooltip content={e.damaged ? (e.error ?? "") : e.name} relationship="description">
              <Button
                appearance="transparent"
                className={s.open}
                icon={e.damaged ? <DocumentErrorRegular className={s.damaged} /> : <DocumentRegular />}
                disabled={e.damaged}
                onClick={() => guarded({ kind: "open", id: e.id })}
                aria-current={e.id === profileId ? "true" : undefined}
              >
                <span className={s.label}>
                  {e.name}
                  {e.damaged ? ` — ${t("profiles.damaged")}` : ""}
                </span>
              </Button>
            </Tooltip>
            <Menu>
              <MenuTrigger disableButtonEnhancement>
                <Button appearance="subtle" size="small" icon={<MoreHorizontalRegular />} aria-label={t("profiles.more", { name: e.name })} />
              </MenuTrigger>
              <MenuPopover>
                <MenuList>
                  {!e.damaged && (
                    <MenuItem icon={<CopyRegular />} onClick={run(() => backend.duplicateProfile(e.id))}>
                      {t("profiles.duplicate")}
                    </MenuItem>
                  )}
                  {!e.damaged && (
                    <MenuItem icon={<ArrowExportRegular />} onClick={run(() => backend.exportProfile(e.id))}>
                      {t("profiles.export")}
                    </MenuItem>
                  )}
                  <MenuItem icon={<DeleteRegular />} onClick={() => setPending({ kind: "delete", entry: e })}>
                    {t("profiles.delete")}
                  </MenuItem>
                </MenuList>
              </MenuPopover>
            </Menu>
          </li>
        ))}
      </ul>
      <Dialog open={pending !== null} onOpenChange={(_, d) => !d.open && setPending(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{pending?.kind === "delete" ? t("profiles.deleteTitle") : t("profiles.unsavedTitle")}</DialogTitle>
            <DialogContent>
              {pending?.kind === "delete" ? t("profiles.deleteText", { name: pending.entry.name }) : t("profiles.unsavedText")}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setPending(null)}>{t("action.cancel")}</Button>
              <Button appearance="primary" onClick={() => pending && void perform(pending)} data-testid="confirm">
                {pending?.kind === "delete" ? t("profiles.delete") : t("profiles.discard")}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </nav>
  );
}
