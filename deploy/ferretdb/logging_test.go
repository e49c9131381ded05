package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// formatted records whether a value was ever turned into text.
type formatted struct{ done *bool }

func (f formatted) LogValue() slog.Value {
	*f.done = true
	return slog.StringValue("document")
}

func TestAttributesOfDroppedRecordsAreNeverFormatted(t *testing.T) {
	var out bytes.Buffer
	done := false
	logger := slog.New(lazyAttrs{inner: slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo})})
	logger.With(slog.Any("args", formatted{&done})).DebugContext(context.Background(), ">>> INSERT")
	if done || out.Len() != 0 {
		t.Fatalf("a dropped debug record formatted its attributes (output %q)", out.String())
	}
}

func TestWrittenRecordsCarryTheirAttributesInOrderAndGroups(t *testing.T) {
	var out bytes.Buffer
	logger := slog.New(lazyAttrs{inner: slog.NewTextHandler(&out, nil)})
	logger.With("a", 1).WithGroup("g").With("b", 2).Info("hello", "c", 3)
	line := out.String()
	for _, want := range []string{"msg=hello", "a=1", "g.b=2", "g.c=3"} {
		if !strings.Contains(line, want) {
			t.Fatalf("%q missing from %q", want, line)
		}
	}
	if strings.Index(line, "a=1") > strings.Index(line, "g.b=2") {
		t.Fatalf("attributes out of order: %q", line)
	}
}
