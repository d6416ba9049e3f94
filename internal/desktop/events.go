package desktop

//go:generate go run ./genevents -o ../../frontend/src/api/events.gen.ts

// The events the services emit: this block is the one list. The frontend's
// names are generated from it (frontend/src/api/events.gen.ts, by go
// generate), and genevents' test fails when that file is stale, when the
// frontend spells an event name itself, or when no frontend code listens
// to one of them. "{id}" stands for a session id. Keep this file free of
// imports: the generator type-checks it alone.
const (
	// EventReceiverChanged fires (throttled) whenever the built-in
	// receiver's connections or messages change; the Receive tab then asks
	// for the state. No payload.
	EventReceiverChanged = "receiver:changed"
	// EventSessionEntries carries a []EntryDTO batch of session {id}'s
	// transcript.
	EventSessionEntries = "session:{id}:entries"
	// EventSessionStep carries a StepEvent of session {id}.
	EventSessionStep = "session:{id}:step"
)
