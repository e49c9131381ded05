package main

import (
	"context"
	"log/slog"
	"slices"
)

// lazyAttrs is a slog.Handler that keeps the attributes given to Logger.With
// aside and formats them only when a record is actually written.
//
// FerretDB logs every SQL statement it runs at debug level, through
// `logger.With(slog.Any("args", args)).DebugContext(...)`, args being the whole
// document as JSON. The standard handlers format such attributes as soon as With
// is called, whatever the level: quoting every stored document cost FerretDB a
// tenth of its CPU under load, for lines that were then thrown away.
type lazyAttrs struct {
	inner slog.Handler
	attrs []slog.Attr
}

func (h lazyAttrs) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h lazyAttrs) Handle(ctx context.Context, record slog.Record) error {
	return h.resolved().Handle(ctx, record)
}

func (h lazyAttrs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return lazyAttrs{inner: h.inner, attrs: append(slices.Clip(h.attrs), attrs...)}
}

// WithGroup applies the attributes kept so far first, so they stay outside the group.
func (h lazyAttrs) WithGroup(name string) slog.Handler {
	return lazyAttrs{inner: h.resolved().WithGroup(name)}
}

func (h lazyAttrs) resolved() slog.Handler {
	if len(h.attrs) == 0 {
		return h.inner
	}
	return h.inner.WithAttrs(h.attrs)
}
