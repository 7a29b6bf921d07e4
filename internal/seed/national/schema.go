package national

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// schemaObject is an index or constraint dropped for the bulk load and made again after it.
type schemaObject struct {
	table, name, def string
	kind             string // "fk", "key" (primary key or unique constraint) or "index"
}

// bulkSchema is what a bulk load drops from its tables: maintaining indexes and checking foreign keys
// row by row is what makes loading tens of millions of rows slow. Building them once afterwards is
// much faster, and the foreign keys are validated then.
type bulkSchema struct {
	objects []schemaObject
}

// dropForLoad reads and drops the indexes, keys and foreign keys of tables (and the foreign keys that
// point at them), so they can be made again by restore.
func dropForLoad(ctx context.Context, conn *pgx.Conn, tables []string) (*bulkSchema, error) {
	s := &bulkSchema{}
	queries := []struct {
		kind, sql string
	}{
		{"fk", `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
			WHERE contype = 'f' AND (conrelid = ANY($1::text[]::regclass[]) OR confrelid = ANY($1::text[]::regclass[])) ORDER BY conname`},
		{"key", `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
			WHERE contype IN ('p', 'u') AND conrelid = ANY($1::text[]::regclass[]) ORDER BY contype, conname`},
		{"index", `SELECT indrelid::regclass::text, indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
			WHERE indrelid = ANY($1::text[]::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = pg_index.indexrelid)
			ORDER BY 2`},
	}
	for _, q := range queries {
		rows, err := conn.Query(ctx, q.sql, tables)
		if err != nil {
			return nil, fmt.Errorf("reading the %s definitions: %w", q.kind, err)
		}
		for rows.Next() {
			o := schemaObject{kind: q.kind}
			if err := rows.Scan(&o.table, &o.name, &o.def); err != nil {
				rows.Close()
				return nil, err
			}
			s.objects = append(s.objects, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, o := range s.objects {
		var stmt string
		if o.kind == "index" {
			stmt = "DROP INDEX " + o.name
		} else {
			stmt = fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", o.table, pgx.Identifier{o.name}.Sanitize())
		}
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return s, nil
}

// restore makes the dropped keys, indexes and foreign keys again, in that order; each foreign key
// checks every row as it is added. step is told how long each took.
func (s *bulkSchema) restore(ctx context.Context, conn *pgx.Conn, step func(name string, run func() error) error) error {
	for _, stmt := range []string{"SET maintenance_work_mem = '1GB'", "SET max_parallel_maintenance_workers = 2"} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	for _, kind := range []string{"key", "index", "fk"} {
		for _, o := range s.objects {
			if o.kind != kind {
				continue
			}
			stmt := o.def
			if kind != "index" {
				stmt = fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", o.table, pgx.Identifier{o.name}.Sanitize(), o.def)
			}
			if err := step(kind+" "+o.name, func() error {
				_, err := conn.Exec(ctx, stmt)
				return err
			}); err != nil {
				return fmt.Errorf("%s: %w", strings.SplitN(stmt, " (", 2)[0], err)
			}
		}
	}
	return nil
}
