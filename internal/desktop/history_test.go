package desktop

import (
	"regexp"
	"strings"
	"testing"

	"smtpprobe/backend/receiver"
)

// TestHistoryStoresAppRuns runs two tests in the app, one refused, and
// reads them back through the History service: listed, opened, compared,
// deleted.
func TestHistoryStoresAppRuns(t *testing.T) {
	_, host, port := startReceiver(t, receiver.Config{})
	a, _ := newTestApp(t)
	if _, err := a.Sessions.StartTest("h-1", baseRequest(host, port)); err != nil {
		t.Fatal(err)
	}
	_, host2, port2 := startReceiver(t, receiver.Config{RejectRcpt: regexp.MustCompile(".*")})
	res, err := a.Sessions.StartTest("h-2", baseRequest(host2, port2))
	if err != nil || res.HistoryError != "" {
		t.Fatalf("%v %q", err, res.HistoryError)
	}
	runs, err := a.History.ListRuns(HistoryFilter{}, "en")
	if err != nil || len(runs) != 2 || runs[0].OK || !runs[1].OK || runs[0].Source != "app" {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	if failed, _ := a.History.ListRuns(HistoryFilter{Failed: true}, "en"); len(failed) != 1 || failed[0].ID != runs[0].ID {
		t.Errorf("failed filter: %+v", failed)
	}
	got, err := a.History.GetRun(runs[0].ID, "en")
	if err != nil || !strings.Contains(got.JSON, `"exit_code": 1`) {
		t.Errorf("GetRun: %v\n%.300s", err, got.JSON)
	}
	cmp, err := a.History.CompareRuns(runs[1].ID, runs[0].ID, "es")
	if err != nil {
		t.Fatal(err)
	}
	var worse bool
	for _, c := range cmp.Changes {
		worse = worse || (c.Kind == "worse" && strings.Contains(c.Meaning, "ahora falla 5"))
	}
	if !worse {
		t.Errorf("Spanish comparison lacks the refused recipient: %+v", cmp.Changes)
	}
	if err := a.History.DeleteRun(runs[0].ID, "es"); err != nil {
		t.Fatal(err)
	}
	if err := a.History.DeleteRun(runs[0].ID, "es"); err == nil || !strings.Contains(err.Error(), "historial") {
		t.Errorf("second delete: %v", err)
	}
	if err := a.History.SetRetention(HistoryRetention{MaxRuns: 1, MaxAgeDays: 30}, "en"); err != nil {
		t.Fatal(err)
	}
	if r, err := a.History.Retention("en"); err != nil || r.MaxRuns != 1 || r.MaxAgeDays != 30 {
		t.Errorf("retention: %+v %v", r, err)
	}
}
