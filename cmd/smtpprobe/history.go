package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/history"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

func init() {
	register("history", "list, show, compare, delete and prune the stored runs", runHistory)
}

// historyDirEnv overrides the history folder (for a portable install and
// for tests); --history-dir overrides both.
const historyDirEnv = "SMTPPROBE_HISTORY_DIR"

// Texts of the history command.
var (
	txtHistUsage = lang.Text{
		EN: "Usage: smtpprobe history list [--profile NAME] [--domain D] [--host H] [--since 7d|2026-11-01] [--failed] [--search TEXT] [--limit N]\n" +
			"       smtpprobe history show ID [--log FILE] | compare ID ID | compare --profile NAME | delete ID | prune [--max-age 90d] [--max-runs N]\n" +
			"Every action takes --json, --lang en|es and --history-dir DIR.",
		ES: "Uso: smtpprobe history list [--profile NOMBRE] [--domain D] [--host H] [--since 7d|2026-11-01] [--failed] [--search TEXTO] [--limit N]\n" +
			"     smtpprobe history show ID [--log ARCHIVO] | compare ID ID | compare --profile NOMBRE | delete ID | prune [--max-age 90d] [--max-runs N]\n" +
			"Todas las acciones aceptan --json, --lang en|es y --history-dir CARPETA.",
	}
	txtHistError    = lang.Text{EN: "smtpprobe history %s: %s", ES: "smtpprobe history %s: %s"}
	txtHistUnknown  = lang.Text{EN: "unknown action %q", ES: "acción desconocida %q"}
	txtHistID       = lang.Text{EN: "expected a run id (a number), got %q", ES: "se esperaba un identificador de ejecución (un número) y llegó %q"}
	txtHistArgs     = lang.Text{EN: "expected %s", ES: "se esperaba %s"}
	txtHistSince    = lang.Text{EN: "--since %q: expected a duration such as 7d or 12h, or a date 2026-11-01", ES: "--since %q: se esperaba una duración como 7d o 12h, o una fecha 2026-11-01"}
	txtHistNone     = lang.Text{EN: "No runs.", ES: "No hay ejecuciones."}
	txtHistHeader   = lang.Text{EN: "ID      STARTED (UTC)     RESULT  EXIT  HOST:PORT  PROFILE  VERDICT", ES: "ID      INICIO (UTC)      RESULT. SALIDA HOST:PUERTO  PERFIL  VEREDICTO"}
	txtHistOK       = lang.Text{EN: "ok", ES: "ok"}
	txtHistFailed   = lang.Text{EN: "FAILED", ES: "FALLÓ"}
	txtHistSame     = lang.Text{EN: "No differences between run %d and run %d.", ES: "No hay diferencias entre la ejecución %d y la %d."}
	txtHistCompare  = lang.Text{EN: "Run %d (%s) -> run %d (%s):", ES: "Ejecución %d (%s) -> ejecución %d (%s):"}
	txtHistTwo      = lang.Text{EN: "profile %q has fewer than two runs", ES: "el perfil %q tiene menos de dos ejecuciones"}
	txtHistDeleted  = lang.Text{EN: "Deleted run %d.", ES: "Ejecución %d eliminada."}
	txtHistPruned   = lang.Text{EN: "Removed %d run(s); kept: at most %d runs, none older than %s.", ES: "Se eliminaron %d ejecución(es); se conservan: como máximo %d, ninguna de más de %s."}
	txtHistNotSaved = lang.Text{EN: "Note: this run was not saved to the history: %s", ES: "Nota: esta ejecución no se guardó en el historial: %s"}
	txtHistKinds    = map[history.Kind]lang.Text{
		history.Better:  {EN: "better", ES: "mejor"},
		history.Worse:   {EN: "WORSE", ES: "PEOR"},
		history.Neutral: {EN: "changed", ES: "cambio"},
	}
)

// historyDir is the folder: --history-dir, then $SMTPPROBE_HISTORY_DIR,
// then history.DefaultDir.
func historyDir(flagDir string) (string, error) {
	if flagDir != "" {
		return flagDir, nil
	}
	if d := os.Getenv(historyDirEnv); d != "" {
		return d, nil
	}
	return history.DefaultDir()
}

// openHistory opens the history and prints the notice of a database that
// was found damaged and replaced.
func openHistory(ctx context.Context, dir string, l lang.Lang, stderr io.Writer) (*history.Store, error) {
	d, err := historyDir(dir)
	if err != nil {
		return nil, err
	}
	s, err := history.Open(ctx, d)
	if err != nil {
		return nil, err
	}
	if rec := s.Recovered(); rec != nil {
		fmt.Fprintln(stderr, rec.Localize(l))
	}
	return s, nil
}

// saveToHistory stores the results of a send (or watch) run and applies
// the retention. A history that cannot be written is a note on stderr: the
// test itself ran and its exit code stands.
func saveToHistory(ctx context.Context, dir string, m history.Meta, results []*session.Result, l lang.Lang, stderr io.Writer) []history.Run {
	s, err := openHistory(ctx, dir, l, stderr)
	if err != nil {
		fmt.Fprintln(stderr, txtHistNotSaved.Format(l, lang.ErrorText(err, l)))
		return nil
	}
	defer s.Close()
	var runs []history.Run
	for _, r := range results {
		if r == nil {
			continue
		}
		run, err := s.Add(ctx, m, r)
		if err != nil {
			fmt.Fprintln(stderr, txtHistNotSaved.Format(l, lang.ErrorText(err, l)))
			return runs
		}
		runs = append(runs, run)
	}
	if _, err := s.Prune(ctx, time.Now()); err != nil {
		fmt.Fprintln(stderr, txtHistError.Format(l, "prune", lang.ErrorText(err, l)))
	}
	return runs
}

// parseSince accepts 7d, 12h, 90m (ago) or a date.
func parseSince(v string, now time.Time) (time.Time, bool) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 {
			return now.AddDate(0, 0, -d), true
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return now.Add(-d), true
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseAge is parseSince's duration part: 90d, 36h.
func parseAge(v string) (time.Duration, bool) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 {
			return time.Duration(d) * 24 * time.Hour, true
		}
	}
	d, err := time.ParseDuration(v)
	return d, err == nil && d >= 0
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runHistory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	l := lang.FromEnv()
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintln(stdout, txtHistUsage.In(l))
			return exitcode.OK
		}
		fmt.Fprintln(stderr, txtHistUsage.In(l))
		return exitcode.Usage
	}
	action := args[0]
	var (
		langStr, dir, profileName, domain, host, since, search, logPath, maxAge string
		asJSON, failed                                                          bool
		limit, maxRuns                                                          int
	)
	fs := flag.NewFlagSet("history "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&langStr, "lang", string(l), "language of the output: en or es")
	fs.StringVar(&dir, "history-dir", "", "folder of the history (default: $"+historyDirEnv+", or the user's SMTP Probe history folder)")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	switch action {
	case "list":
		fs.StringVar(&profileName, "profile", "", "only runs of this profile")
		fs.StringVar(&domain, "domain", "", "only runs for this recipient domain")
		fs.StringVar(&host, "host", "", "only runs against this server host")
		fs.StringVar(&since, "since", "", "only runs since: 7d, 12h or a date (2026-11-01)")
		fs.BoolVar(&failed, "failed", false, "only runs that failed")
		fs.StringVar(&search, "search", "", "only runs whose profile, domain, host or verdict contains this")
		fs.IntVar(&limit, "limit", 100, "at most this many runs, newest first")
	case "show":
		fs.StringVar(&logPath, "log", "", "write the run's session log to FILE: .txt, .json, .html or .raw, as send --log does")
	case "compare":
		fs.StringVar(&profileName, "profile", "", "compare the last two runs of this profile")
	case "prune":
		fs.StringVar(&maxAge, "max-age", "", "store and apply a new maximum age (90d, 720h; 0 keeps any age)")
		fs.IntVar(&maxRuns, "max-runs", -1, "store and apply a new maximum number of runs (0 keeps any number)")
	case "delete":
	default:
		fmt.Fprintln(stderr, txtHistError.Format(l, action, txtHistUnknown.Format(l, action)))
		fmt.Fprintln(stderr, txtHistUsage.In(l))
		return exitcode.Usage
	}
	pos, l, code, ok := parseCommandLine(fs, args[1:], &langStr, stderr)
	if !ok {
		return code
	}
	fail := func(code int, msg string) int {
		fmt.Fprintln(stderr, txtHistError.Format(l, action, msg))
		return code
	}
	ids := make([]int64, 0, 2)
	for _, a := range pos {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return fail(exitcode.Usage, txtHistID.Format(l, transcript.EscapeString(a)))
		}
		ids = append(ids, id)
	}
	want := map[string]int{"list": 0, "show": 1, "delete": 1, "prune": 0, "compare": 2}[action]
	if action == "compare" && profileName != "" {
		want = 0
	}
	if len(ids) != want {
		return fail(exitcode.Usage, txtHistArgs.Format(l, map[int]string{0: "no run id", 1: "one run id", 2: "two run ids (or --profile NAME)"}[want]))
	}
	var f history.Filter
	if since != "" {
		t, ok := parseSince(since, time.Now())
		if !ok {
			return fail(exitcode.Usage, txtHistSince.Format(l, transcript.EscapeString(since)))
		}
		f.Since = t
	}
	var ret *history.Retention
	if action == "prune" && (maxAge != "" || maxRuns >= 0) {
		ret = new(history.Retention)
		if maxAge != "" {
			d, ok := parseAge(maxAge)
			if !ok {
				return fail(exitcode.Usage, txtHistSince.Format(l, transcript.EscapeString(maxAge)))
			}
			ret.MaxAge = d
		}
		ret.MaxRuns = maxRuns
	}

	s, err := openHistory(ctx, dir, l, stderr)
	if err != nil {
		return fail(exitcode.Usage, lang.ErrorText(err, l))
	}
	defer s.Close()
	storeErr := func(err error) int {
		if errors.Is(err, history.ErrNotFound) {
			return fail(exitcode.Usage, lang.ErrorText(err, l))
		}
		return fail(exitcode.Protocol, lang.ErrorText(err, l))
	}
	switch action {
	case "list":
		f.Profile, f.Domain, f.Host, f.Failed, f.Search, f.Limit = profileName, domain, host, failed, search, limit
		runs, err := s.List(ctx, f)
		if err != nil {
			return storeErr(err)
		}
		if asJSON {
			printJSON(stdout, runs)
			return exitcode.OK
		}
		if len(runs) == 0 {
			fmt.Fprintln(stdout, txtHistNone.In(l))
			return exitcode.OK
		}
		fmt.Fprintln(stdout, txtHistHeader.In(l))
		for _, r := range runs {
			res := txtHistOK.In(l)
			if !r.OK {
				res = txtHistFailed.In(l)
			}
			fmt.Fprintf(stdout, "%-7d %s  %-7s %-5d %s:%d  %s  %s\n", r.ID, r.Started.Format("2006-01-02 15:04"), res, r.ExitCode,
				transcript.EscapeString(r.Host), r.Port, dash(transcript.EscapeString(r.Profile)), dash(r.Verdict))
		}
	case "show":
		e, err := s.Get(ctx, ids[0])
		if err != nil {
			return storeErr(err)
		}
		if logPath != "" {
			lg := sendLog{path: logPath}
			if msg := lg.check(l); msg != "" {
				return fail(exitcode.Usage, msg)
			}
			if code := lg.write(fs, []*session.Result{e.Result}, l, stderr, exitcode.OK); code != exitcode.OK {
				return code
			}
		}
		if asJSON {
			printJSON(stdout, e)
			return exitcode.OK
		}
		for _, en := range e.Result.Transcript {
			printEntry(stdout, "", en)
		}
		printTLS(stdout, l, e.Result)
		printVerdict(stdout, l, e.Result)
	case "compare":
		if profileName != "" {
			runs, err := s.List(ctx, history.Filter{Profile: profileName, Limit: 2})
			if err != nil {
				return storeErr(err)
			}
			if len(runs) < 2 {
				return fail(exitcode.Usage, txtHistTwo.Format(l, transcript.EscapeString(profileName)))
			}
			ids = []int64{runs[1].ID, runs[0].ID}
		}
		a, err := s.Get(ctx, ids[0])
		if err != nil {
			return storeErr(err)
		}
		b, err := s.Get(ctx, ids[1])
		if err != nil {
			return storeErr(err)
		}
		changes := history.Compare(a.Result, b.Result)
		if asJSON {
			printJSON(stdout, struct {
				Old     history.Run      `json:"old"`
				New     history.Run      `json:"new"`
				Changes []history.Change `json:"changes"`
			}{a.Run, b.Run, nonNilChanges(changes)})
			return exitcode.OK
		}
		printChanges(stdout, l, a.Run, b.Run, changes)
	case "delete":
		if err := s.Delete(ctx, ids[0]); err != nil {
			return storeErr(err)
		}
		if !asJSON {
			fmt.Fprintln(stdout, txtHistDeleted.Format(l, ids[0]))
		} else {
			printJSON(stdout, map[string]int64{"deleted": ids[0]})
		}
	case "prune":
		if ret != nil {
			cur, err := s.Retention(ctx)
			if err != nil {
				return storeErr(err)
			}
			if maxAge == "" {
				ret.MaxAge = cur.MaxAge
			}
			if maxRuns < 0 {
				ret.MaxRuns = cur.MaxRuns
			}
			if err := s.SetRetention(ctx, *ret); err != nil {
				return storeErr(err)
			}
		}
		n, err := s.Prune(ctx, time.Now())
		if err != nil {
			return storeErr(err)
		}
		r, _ := s.Retention(ctx)
		if asJSON {
			printJSON(stdout, struct {
				Removed   int64             `json:"removed"`
				Retention history.Retention `json:"retention"`
			}{n, r})
			return exitcode.OK
		}
		fmt.Fprintln(stdout, txtHistPruned.Format(l, n, r.MaxRuns, r.MaxAge.String()))
	}
	return exitcode.OK
}

func nonNilChanges(c []history.Change) []history.Change {
	if c == nil {
		return []history.Change{}
	}
	return c
}

// printChanges prints one line per change: its grade, then its meaning.
func printChanges(w io.Writer, l lang.Lang, a, b history.Run, changes []history.Change) {
	if len(changes) == 0 {
		fmt.Fprintln(w, txtHistSame.Format(l, a.ID, b.ID))
		return
	}
	fmt.Fprintln(w, txtHistCompare.Format(l, a.ID, a.Started.Format(time.RFC3339), b.ID, b.Started.Format(time.RFC3339)))
	for _, c := range changes {
		fmt.Fprintf(w, "  %-7s %s\n", txtHistKinds[c.Kind].In(l), transcript.EscapeString(c.Meaning.In(l)))
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
