package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/history"
	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

func init() {
	register("watch", "run a saved profile again and again, store each run and show what changed", runWatch)
}

// Texts of the watch command.
var (
	txtWatchUsage = lang.Text{
		EN: "Usage: smtpprobe watch --profile NAME --every 15m [--count N] [--on-change-exit] [--metrics 127.0.0.1:9464] [--json]\n" +
			"Runs the profile every interval, stores each run in the history, prints a line per run and the differences when something changed.",
		ES: "Uso: smtpprobe watch --profile NOMBRE --every 15m [--count N] [--on-change-exit] [--metrics 127.0.0.1:9464] [--json]\n" +
			"Ejecuta el perfil a cada intervalo, guarda cada ejecución en el historial, muestra una línea por ejecución y las diferencias cuando algo cambió.",
	}
	txtWatchNeed    = lang.Text{EN: "smtpprobe watch: --profile and --every (more than 0) are required", ES: "smtpprobe watch: hacen falta --profile y --every (mayor que 0)"}
	txtWatchMetrics = lang.Text{EN: "Prometheus metrics on http://%s/metrics", ES: "Métricas de Prometheus en http://%s/metrics"}
	txtWatchListen  = lang.Text{EN: "smtpprobe watch: --metrics %s: %v", ES: "smtpprobe watch: --metrics %s: %v"}
	txtWatchRun     = lang.Text{EN: "smtpprobe watch: the profile could not be run (exit code %d): %s", ES: "smtpprobe watch: no se pudo ejecutar el perfil (código de salida %d): %s"}
	txtWatchLine    = lang.Text{EN: "%s  run %d  %s  exit %d  %s  %.0f ms", ES: "%s  ejecución %d  %s  salida %d  %s  %.0f ms"}
	txtWatchChanged = lang.Text{EN: "%d change(s) since run %d:", ES: "%d cambio(s) desde la ejecución %d:"}
)

// watchMetrics are the Prometheus series of a watch, labelled by profile.
type watchMetrics struct {
	reg      *prometheus.Registry
	success  *prometheus.GaugeVec
	exitCode *prometheus.GaugeVec
	duration *prometheus.GaugeVec
	steps    *prometheus.GaugeVec
	certDays *prometheus.GaugeVec
	last     *prometheus.GaugeVec
	runs     *prometheus.CounterVec
}

func newWatchMetrics() *watchMetrics {
	m := &watchMetrics{
		reg:      prometheus.NewRegistry(),
		success:  prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "smtpprobe_run_success", Help: "1 when the last run of the profile passed, 0 when it failed."}, []string{"profile"}),
		exitCode: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "smtpprobe_run_exit_code", Help: "Exit code of the last run (0 success, 1 permanent, 3 temporary, 4 connect, 5 protocol)."}, []string{"profile"}),
		duration: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "smtpprobe_run_duration_seconds", Help: "Duration of the last run."}, []string{"profile"}),
		steps:    prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "smtpprobe_step_duration_seconds", Help: "Duration of each step of the last run."}, []string{"profile", "step"}),
		certDays: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "smtpprobe_certificate_expiry_days", Help: "Days until the server certificate of the last run expires."}, []string{"profile"}),
		last:     prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "smtpprobe_last_run_timestamp_seconds", Help: "When the last run started (Unix time)."}, []string{"profile"}),
		runs:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "smtpprobe_runs_total", Help: "Runs of the profile, by result."}, []string{"profile", "result"}),
	}
	m.reg.MustRegister(m.success, m.exitCode, m.duration, m.steps, m.certDays, m.last, m.runs)
	return m
}

func (m *watchMetrics) observe(profile string, r *session.Result) {
	ok, result := 0.0, "failed"
	if r.OK {
		ok, result = 1, "ok"
	}
	m.success.WithLabelValues(profile).Set(ok)
	m.exitCode.WithLabelValues(profile).Set(float64(r.ExitCode))
	m.duration.WithLabelValues(profile).Set(r.DurationMS / 1000)
	m.last.WithLabelValues(profile).Set(float64(r.Started.Unix()))
	m.runs.WithLabelValues(profile, result).Inc()
	m.steps.DeletePartialMatch(prometheus.Labels{"profile": profile})
	for _, k := range stepLabels(r.Steps) {
		m.steps.WithLabelValues(profile, k.name).Set(k.ms / 1000)
	}
	if r.TLS != nil && len(r.TLS.Chain) > 0 {
		m.certDays.WithLabelValues(profile).Set(float64(r.TLS.Chain[0].DaysToExpiry))
	} else {
		m.certDays.DeleteLabelValues(profile)
	}
}

type stepLabel struct {
	name string
	ms   float64
}

// stepLabels names each step once: a repeated step (rcpt for several
// recipients, ehlo after STARTTLS) gets its occurrence, "rcpt_2".
func stepLabels(steps []session.Step) []stepLabel {
	n := map[session.StepName]int{}
	out := make([]stepLabel, 0, len(steps))
	for _, s := range steps {
		n[s.Name]++
		name := string(s.Name)
		if n[s.Name] > 1 {
			name = fmt.Sprintf("%s_%d", s.Name, n[s.Name])
		}
		out = append(out, stepLabel{name, s.DurationMS})
	}
	return out
}

func runWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		langStr, profileName, profileDir, histDir, metricsAddr string
		every                                                  time.Duration
		count                                                  int
		onChangeExit, asJSON                                   bool
	)
	l := lang.FromEnv()
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&profileName, "profile", "", "the saved profile to run (id, name or file), as send --profile")
	fs.StringVar(&profileDir, "profile-dir", "", "folder of saved profiles (default: the user's SMTP Probe profiles folder)")
	fs.DurationVar(&every, "every", 0, "interval between the starts of two runs, e.g. 15m")
	fs.IntVar(&count, "count", 0, "stop after this many runs (0: until interrupted)")
	fs.BoolVar(&onChangeExit, "on-change-exit", false, "stop after the first run that differs from the one before, with that run's exit code")
	fs.StringVar(&metricsAddr, "metrics", "", "serve Prometheus metrics on this address, e.g. 127.0.0.1:9464")
	fs.StringVar(&histDir, "history-dir", "", "folder of the run history (default: $"+historyDirEnv+", or the user's SMTP Probe history folder)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object per run: {run, changes}")
	fs.StringVar(&langStr, "lang", string(l), "language of the output: en or es")
	fs.Usage = func() {
		fmt.Fprintln(stderr, txtWatchUsage.In(l))
		fs.PrintDefaults()
	}
	pos, l, code, ok := parseCommandLine(fs, args, &langStr, stderr)
	if !ok {
		return code
	}
	if profileName == "" || every <= 0 || count < 0 || len(pos) > 0 {
		fmt.Fprintln(stderr, txtWatchNeed.In(l))
		return exitcode.Usage
	}
	metrics := newWatchMetrics()
	if metricsAddr != "" {
		ln, err := net.Listen("tcp", metricsAddr)
		if err != nil {
			fmt.Fprintln(stderr, txtWatchListen.Format(l, transcript.EscapeString(metricsAddr), err))
			return exitcode.Usage
		}
		srv := &http.Server{
			Handler:           promhttp.HandlerFor(metrics.reg, promhttp.HandlerOpts{}),
			ReadHeaderTimeout: 10 * time.Second,
		}
		go srv.Serve(ln)
		defer srv.Close()
		fmt.Fprintln(stderr, txtWatchMetrics.Format(l, ln.Addr()))
	}
	sendArgs := []string{"send", "--profile", profileName, "--json", "--no-history", "--lang", string(l)}
	if profileDir != "" {
		sendArgs = append(sendArgs, "--profile-dir", profileDir)
	}
	var prev *session.Result
	var prevID int64
	code = exitcode.OK
	for i := 0; count == 0 || i < count; i++ {
		if i > 0 {
			t := time.NewTimer(every)
			select {
			case <-ctx.Done():
				t.Stop()
				return code
			case <-t.C:
			}
		}
		// The run is smtpprobe send itself, so a watched profile behaves
		// exactly as it does from send --profile.
		var out, errOut bytes.Buffer
		c := run(ctx, sendArgs, &out, &errOut)
		var r session.Result
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			fmt.Fprintln(stderr, txtWatchRun.Format(l, c, transcript.EscapeString(errOut.String())))
			if c == exitcode.OK {
				c = exitcode.Protocol
			}
			return c
		}
		stderr.Write(errOut.Bytes())
		code = r.ExitCode
		runs := saveToHistory(context.WithoutCancel(ctx), histDir, history.Meta{Source: history.SourceWatch, Profile: profileName}, []*session.Result{&r}, l, stderr)
		var run history.Run
		if len(runs) == 1 {
			run = runs[0]
		}
		metrics.observe(profileName, &r)
		var changes []history.Change
		if prev != nil {
			changes = history.Compare(prev, &r)
		}
		printWatch(stdout, l, asJSON, run, &r, changes, prevID)
		if ctx.Err() != nil || (onChangeExit && len(changes) > 0) {
			return code
		}
		prev, prevID = &r, run.ID
	}
	return code
}

func printWatch(w io.Writer, l lang.Lang, asJSON bool, run history.Run, r *session.Result, changes []history.Change, prevID int64) {
	if asJSON {
		b, err := json.Marshal(struct {
			Run     history.Run      `json:"run"`
			Changes []history.Change `json:"changes"`
		}{run, nonNilChanges(changes)})
		if err == nil {
			fmt.Fprintf(w, "%s\n", b)
		}
		return
	}
	result, verdict := txtHistOK.In(l), ""
	if !r.OK {
		result = txtHistFailed.In(l)
	}
	if r.Verdict != nil {
		verdict = r.Verdict.Title
	}
	fmt.Fprintln(w, txtWatchLine.Format(l, r.Started.UTC().Format(time.RFC3339), run.ID, result, r.ExitCode,
		transcript.EscapeString(dash(verdict)), r.DurationMS))
	if len(changes) > 0 {
		fmt.Fprintln(w, txtWatchChanged.Format(l, len(changes), prevID))
		for _, c := range changes {
			fmt.Fprintf(w, "  %-7s %s\n", txtHistKinds[c.Kind].In(l), transcript.EscapeString(c.Meaning.In(l)))
		}
	}
}
