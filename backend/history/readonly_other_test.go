//go:build !unix

package history

const readOnlyEnv = "SMTPPROBE_HISTORY_READONLY_DIR"

func readOnlyChild(string) int { return 0 }
