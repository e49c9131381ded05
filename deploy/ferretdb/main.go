// Command ferretdb-embedded runs FerretDB (MongoDB wire protocol over SQLite)
// as a library. Embedding skips the version-file check that makes the
// published `ferretdb` binary panic at start when built from the module.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "", "directory for the SQLite databases (SQLite backend)")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL (PostgreSQL backend; used instead of -data)")
	flag.Parse()
	tuneGarbageCollector()

	config := ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   slog.New(lazyAttrs{inner: slog.Default().Handler()}),
	}
	switch {
	case *postgresURL != "":
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresURL
	case *dataDir != "":
		if err := os.MkdirAll(*dataDir, 0o755); err != nil {
			log.Fatalf("cannot create data directory: %v", err)
		}
		// Immediate transactions: with SQLite's default deferred ones, concurrent writers
		// fail with SQLITE_BUSY instead of waiting for the lock.
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + *dataDir + "/?_txlock=immediate"
	default:
		log.Fatal("one of -data or -postgresql-url is required")
	}

	f, err := ferretdb.New(&config)
	if err != nil {
		log.Fatalf("cannot configure FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if config.Handler == "sqlite" {
		go indexIDLookups(ctx, *dataDir, time.Second)
	}

	log.Printf("FerretDB listening on %s (%s backend)", *listen, config.Handler)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatalf("FerretDB stopped: %v", err)
	}
	log.Print("FerretDB stopped")
}

// tuneGarbageCollector trades memory for CPU unless GOGC or GOMEMLIMIT say otherwise.
// FerretDB turns every stored document from JSON into a document and back, so it
// allocates per document read or written; under load with Go's default (GOGC=100) the
// collector took 18% of its CPU, and FerretDB's CPU is what bounds the whole system on
// a small machine. A fourfold heap growth target collects a quarter as often, and the
// soft limit makes it collect harder before the heap passes 1 GiB.
func tuneGarbageCollector() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}
