package desktop

// The events the services emit. These constants are the one list: the
// frontend's names are generated from them (frontend/src/api/events.gen.ts,
// go generate), and a test fails when the two differ.
const (
	// ReceiverChanged fires (throttled) whenever the built-in receiver's
	// connections or messages change; the Receive tab then asks for the
	// state. No payload.
	ReceiverChanged = "receiver:changed"

	// sessionPrefix and the suffixes below name a session's events:
	// session:<id>:entries carries []EntryDTO batches, session:<id>:step
	// a StepEvent.
	sessionPrefix = "session:"
	entriesSuffix = ":entries"
	stepSuffix    = ":step"
)

// SessionEntries names the event carrying session id's transcript lines.
func SessionEntries(id string) string { return sessionPrefix + id + entriesSuffix }

// SessionStep names the event carrying session id's step changes.
func SessionStep(id string) string { return sessionPrefix + id + stepSuffix }
