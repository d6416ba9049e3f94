package message

import (
	"bufio"
	"io"
	"net/textproto"
)

func textprotoDotReader(r *bufio.Reader) io.Reader { return textproto.NewReader(r).DotReader() }
