package receiver

import "net/textproto"

// textprotoError is the error type net/smtp returns for SMTP replies.
type textprotoError = textproto.Error
