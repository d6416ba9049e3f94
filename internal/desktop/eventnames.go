package desktop

import "strings"

// SessionEntries names the event carrying session id's transcript lines.
func SessionEntries(id string) string { return withID(EventSessionEntries, id) }

// SessionStep names the event carrying session id's step changes.
func SessionStep(id string) string { return withID(EventSessionStep, id) }

func withID(pattern, id string) string { return strings.Replace(pattern, "{id}", id, 1) }
