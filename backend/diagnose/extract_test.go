package diagnose

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The bounce texts below are the forms each product writes; addresses and
// hosts are replaced by the documentation names (contoso, fabrikam, RFC 5737
// addresses).
var (
	// Exchange Server 2013–2019 NDR, "Diagnostic information for
	// administrators" (Microsoft Learn, "Email non-delivery reports and SMTP
	// errors in Exchange Online / Exchange Server").
	ndrExchange = `Delivery has failed to these recipients or groups:

kate@fabrikam.com
The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.

Diagnostic information for administrators:

Generating server: EX01.contoso.com

kate@fabrikam.com
Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'

Original message headers:

Received: from EX01.contoso.com (10.0.0.5) by EX01.contoso.com (10.0.0.5) with Microsoft SMTP Server id 15.1.2507.6; Mon, 4 Mar 2024 10:00:00 +0100
`
	// Exchange 2007/2010: the recipient and "#" inside the quotes.
	ndrExchange2010 = `Diagnostic information for administrators:

Generating server: mail.contoso.com

kate@fabrikam.com
Remote Server returned '<kate@fabrikam.com> #550 5.1.1 <kate@fabrikam.com>... User unknown'
`
	// Exchange 2010 naming the remote server: "mx #550 ... ##".
	ndrExchangeHash = "kate@fabrikam.com\r\nmx.fabrikam.com #550 5.1.1 <kate@fabrikam.com>... User unknown ##\r\n"
	// Outlook / Exchange 2003 "#< #5.1.1 smtp;550 ...> #SMTP#".
	ndrOutlook = `kate@fabrikam.com on 3/4/2024 10:00 AM
      The e-mail address could not be found.
      <mx.fabrikam.com #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found> #SMTP#`
	// Exchange Online NDR (Microsoft Learn, "Fix email delivery issues for
	// error code 5.1.10 in Exchange Online").
	ndrExchangeOnline = `Diagnostic information for administrators

Generating server: BN6PR11MB1234.namprd11.prod.outlook.com

kate@fabrikam.com
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient kate@fabrikam.com not found by SMTP address lookup'
`
	// Exchange Online message trace details: "Reason: [{LED=...};{MSG=}...]".
	traceExchangeOnline = `Reason: [{LED=550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(7001)};{MSG=};{FQDN=mx.fabrikam.com};{IP=192.0.2.25};{LRT=}]`
	// Postfix bounce(8) with smtp(8)'s "host ... said: ... (in reply to ...
	// command)", wrapped at 78 columns, and its RFC 3464 DSN part.
	ndrPostfix = `This is the mail system at host mail.contoso.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<u@fabrikam.com>: host mx.fabrikam.com[192.0.2.25] said: 550 5.1.1
    <u@fabrikam.com>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--3F1A.1709542800/mail.contoso.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.contoso.com
X-Postfix-Queue-ID: 3F1A
Arrival-Date: Mon,  4 Mar 2024 10:00:00 +0100 (CET)

Final-Recipient: rfc822; u@fabrikam.com
Original-Recipient: rfc822;u@fabrikam.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.fabrikam.com
Diagnostic-Code: smtp; 550 5.1.1 <u@fabrikam.com>: Recipient address rejected:
    User unknown in virtual mailbox table
`
	// Postfix relaying Gmail's multi-line reply: the lines joined with
	// spaces, each keeping its "550-5.1.1" prefix.
	ndrPostfixGmail = `<someone@gmail.com>: host gmail-smtp-in.l.google.com[192.0.2.27] said:
    550-5.1.1 The email account that you tried to reach does not exist. Please
    try 550-5.1.1 double-checking the recipient's email address for typos or
    550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1
    https://support.google.com/mail/?p=NoSuchUser a1si1234wrx.123 - gsmtp (in
    reply to RCPT TO command)`
	// Postfix, the message refused after the data.
	ndrPostfixData = `<u@fabrikam.com>: host mx.fabrikam.com[192.0.2.25] said: 554 5.7.1 Spam message rejected (in reply to end of DATA command)`
	// Exim's bounce ("Mail delivery failed: returning message to sender").
	ndrExim = `This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  u@fabrikam.com
    host mx.fabrikam.com [192.0.2.25]
    SMTP error from remote mail server after RCPT TO:<u@fabrikam.com>:
    550 5.1.1 <u@fabrikam.com>: Recipient address rejected: User unknown
`
	// Exim relaying Gmail: one reply line per bounce line.
	ndrEximGmail = `  someone@gmail.com
    host gmail-smtp-in.l.google.com [192.0.2.27]
    SMTP error from remote mail server after pipelined end of data:
    550-5.7.26 This mail is unauthenticated, which poses a security risk to the
    550-5.7.26 sender and Gmail users, and has been blocked.
    550 5.7.26 https://support.google.com/mail/answer/81126#authentication x1si99 - gsmtp
`
	// Exim's main log, all on one line.
	logExim = `2024-03-04 10:00:00 1rh5Zk-000ABC-1x ** u@fabrikam.com R=dnslookup T=remote_smtp H=mx.fabrikam.com [192.0.2.25]: SMTP error from remote mail server after MAIL FROM:<a@contoso.com> SIZE=1234: 553 5.7.1 Sender address rejected: not owned by user`
	// Sendmail's DSN with the session transcript.
	ndrSendmail = `The original message was received at Mon, 4 Mar 2024 10:00:00 +0100
from client.contoso.com [192.0.2.10]

   ----- The following addresses had permanent fatal errors -----
<u@fabrikam.com>
    (reason: 550 5.1.1 <u@fabrikam.com>... User unknown)

   ----- Transcript of session follows -----
... while talking to mx.fabrikam.com.:
>>> DATA
<<< 550 5.1.1 <u@fabrikam.com>... User unknown
550 5.1.1 u@fabrikam.com... User unknown
<<< 503 5.0.0 Need RCPT (recipient)
`
	// Gmail's Mail Delivery Subsystem bounce.
	ndrGmail = `** Address not found **

Your message wasn't delivered to u@fabrikam.com because the address couldn't be found, or is unable to receive mail.

The response from the remote server was:
550 5.1.1 <u@fabrikam.com>: Recipient address rejected: User unknown in local recipient table
`
	// An RFC 3464 DSN for two recipients.
	dsnTwo = `Reporting-MTA: dns; mail.contoso.com

Final-Recipient: rfc822; a@fabrikam.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <a@fabrikam.com>: Recipient address rejected: User unknown

Final-Recipient: rfc822; b@fabrikam.com
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp;552 5.2.2 <b@fabrikam.com>: Mailbox full
`
)

func TestExtractReplies(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Extracted
	}{
		{"plain reply", "550 5.1.1 User unknown", []Extracted{{Reply: "550 5.1.1 User unknown"}}},
		{"plain multi-line", "550-5.7.1 first\r\n550 5.7.1 second", []Extracted{{Reply: "550-5.7.1 first\n550 5.7.1 second"}}},
		{"multi-line without the continuation prefixes",
			"550 5.1.1 The email account that you tried to reach does not exist. Please try\ndouble-checking the recipient's email address for typos or\nunnecessary spaces.",
			[]Extracted{{Reply: "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces."}}},
		{"Exchange", ndrExchange, []Extracted{{Reply: "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"}}},
		{"Exchange 2010, recipient and # in the quotes", ndrExchange2010, []Extracted{{Reply: "550 5.1.1 <kate@fabrikam.com>... User unknown"}}},
		{"Exchange 2010, server #code ##", ndrExchangeHash, []Extracted{{Reply: "550 5.1.1 <kate@fabrikam.com>... User unknown"}}},
		{"Outlook #SMTP#", ndrOutlook, []Extracted{{Reply: "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"}}},
		{"Exchange Online", ndrExchangeOnline, []Extracted{{Reply: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient kate@fabrikam.com not found by SMTP address lookup"}}},
		{"Exchange Online message trace", traceExchangeOnline, []Extracted{{Reply: "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(7001)"}}},
		{"Postfix bounce and its DSN: one reply, step from the bounce", ndrPostfix,
			[]Extracted{{Reply: "550 5.1.1 <u@fabrikam.com>: Recipient address rejected: User unknown in virtual mailbox table", Step: "rcpt"}}},
		{"Postfix relaying Gmail, lines joined", ndrPostfixGmail, []Extracted{{Reply: "550-5.1.1 The email account that you tried to reach does not exist. Please try\n" +
			"550-5.1.1 double-checking the recipient's email address for typos or\n550-5.1.1 unnecessary spaces. For more information, go to\n" +
			"550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1si1234wrx.123 - gsmtp", Step: "rcpt"}}},
		{"Postfix end of DATA", ndrPostfixData, []Extracted{{Reply: "554 5.7.1 Spam message rejected", Step: "data_end"}}},
		{"Exim bounce", ndrExim, []Extracted{{Reply: "550 5.1.1 <u@fabrikam.com>: Recipient address rejected: User unknown", Step: "rcpt"}}},
		{"Exim relaying Gmail", ndrEximGmail, []Extracted{{Reply: "550-5.7.26 This mail is unauthenticated, which poses a security risk to the\n" +
			"550-5.7.26 sender and Gmail users, and has been blocked.\n550 5.7.26 https://support.google.com/mail/answer/81126#authentication x1si99 - gsmtp", Step: "data_end"}}},
		{"Exim log line", logExim, []Extracted{{Reply: "553 5.7.1 Sender address rejected: not owned by user", Step: "mail"}}},
		{"Sendmail transcript", ndrSendmail, []Extracted{
			{Reply: "550 5.1.1 <u@fabrikam.com>... User unknown", Step: "data"},
			{Reply: "503 5.0.0 Need RCPT (recipient)"}}},
		{"Gmail bounce", ndrGmail, []Extracted{{Reply: "550 5.1.1 <u@fabrikam.com>: Recipient address rejected: User unknown in local recipient table"}}},
		{"DSN with two recipients", dsnTwo, []Extracted{
			{Reply: "550 5.1.1 <a@fabrikam.com>: Recipient address rejected: User unknown"},
			{Reply: "552 5.2.2 <b@fabrikam.com>: Mailbox full"}}},
		{"Postfix refused greeting", "host mx.fabrikam.com[192.0.2.25] refused to talk to me: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org",
			[]Extracted{{Reply: "554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org", Step: "banner"}}},
		{"no reply", "Your message could not be delivered.\nPlease try again later.", nil},
		{"not a reply code", "Status: 5.1.1\nAction: failed\n650 nope\n2024-03-04 10:00", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExtractReplies(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("ExtractReplies =\n%q\nwant\n%q", got, tt.want)
			}
			for _, e := range got {
				if _, err := ParseReply(e.Reply); err != nil {
					t.Errorf("ParseReply(%q): %v", e.Reply, err)
				}
			}
			r, step, ok := ExtractReply(tt.text)
			if ok != (len(tt.want) > 0) || (ok && (r != tt.want[0].Reply || step != tt.want[0].Step)) {
				t.Errorf("ExtractReply = %q, %q, %v", r, step, ok)
			}
		})
	}
}

// TestExtractedRepliesExplained: what comes out of a bounce gets the same
// explanation as the bare reply.
func TestExtractedRepliesExplained(t *testing.T) {
	for _, text := range []string{ndrExchange, ndrExchangeOnline, ndrPostfix, ndrExim, ndrGmail} {
		e := ExtractReplies(text)[0]
		r, err := ParseReply(e.Reply)
		if err != nil {
			t.Fatal(err)
		}
		ev := Evaluate(e.Step, r, Context{})
		if ev.Class != ClassPermanent || ev.Summary.EN == "" || !strings.HasPrefix(ev.Enhanced, "5.1.") {
			t.Errorf("%q: %+v", e.Reply, ev)
		}
	}
}

func TestExtractRepliesBounds(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		b.WriteString("Diagnostic-Code: smtp; 550 5.1.1 <u")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString("@fabrikam.com>: User unknown\n")
	}
	if got := ExtractReplies(b.String()); len(got) != maxExtracted {
		t.Errorf("%d replies, want the cap %d", len(got), maxExtracted)
	}
	long := "550-" + strings.Repeat("a ", 40000) + "\n" + strings.Repeat("more text\n", 5000)
	for _, e := range ExtractReplies(long) {
		if _, err := ParseReply(e.Reply); err != nil {
			t.Errorf("oversized paste: %v", err)
		}
	}
}

// FuzzExtractReplies: whatever is pasted, every reply found parses, its
// step is a known step, and there are at most maxExtracted of them.
func FuzzExtractReplies(f *testing.F) {
	for _, s := range []string{ndrExchange, ndrPostfix, ndrPostfixGmail, ndrEximGmail, ndrSendmail, dsnTwo, traceExchangeOnline, ndrOutlook,
		"550-a 550-", "said: 550-5.1.1 x 550 5.1.1", "(in reply to", "returned '550'", "{LED=550}", ">>> .\n<<< 250", "550-\n\xff\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ExtractReplies(s)
		if len(got) > maxExtracted {
			t.Fatalf("%d replies", len(got))
		}
		for _, e := range got {
			r, err := ParseReply(e.Reply)
			if err != nil {
				t.Fatalf("ExtractReplies(%q) gave %q, which does not parse: %v", s, e.Reply, err)
			}
			if e.Step != "" && !slices.Contains(Steps, e.Step) {
				t.Fatalf("step %q", e.Step)
			}
			for _, l := range r.Lines {
				if !utf8.ValidString(l) {
					t.Fatalf("line %q is not valid UTF-8", l)
				}
			}
		}
	})
}

// BenchmarkExtractRepliesWorst: a 64 KiB paste of short lines after one
// reply, each joined to it.
func BenchmarkExtractRepliesWorst(b *testing.B) {
	text := "550 5.1.1 x\n" + strings.Repeat("a\n", 32000)
	for b.Loop() {
		ExtractReplies(text)
	}
}

// BenchmarkExtractRepliesPostfix: a real bounce.
func BenchmarkExtractRepliesPostfix(b *testing.B) {
	for b.Loop() {
		ExtractReplies(ndrPostfix)
	}
}

// BenchmarkExtractRepliesLongLine: one 64 KiB line full of lead-ins, the
// slowest shape for the decoration patterns.
func BenchmarkExtractRepliesLongLine(b *testing.B) {
	text := strings.Repeat("said: returned 'x smtp; {LED= error: #a 550-", 64<<10/44)
	for b.Loop() {
		ExtractReplies(text)
	}
}
