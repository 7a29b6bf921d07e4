package main

import (
	"context"
	"fmt"
	"io"

	"hotro/internal/config"
	"hotro/internal/db"
)

func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	_, rest, _, d, err := setup(ctx, config.Migrate, args, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	mg, err := db.NewMigrator(d)
	if err != nil {
		return err
	}
	act, err := action(config.Migrate, rest, "up", "up", "down", "status")
	if err != nil {
		return err
	}
	switch act {
	case "up":
		names, err := mg.Up(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(stdout, "database is up to date")
		}
		for _, n := range names {
			fmt.Fprintln(stdout, "applied", n)
		}
	case "down":
		names, err := mg.Down(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(stdout, "nothing to roll back")
		}
		for _, n := range names {
			fmt.Fprintln(stdout, "rolled back", n)
		}
	case "status":
		ms, err := mg.Status(ctx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			state := "pending"
			if m.IsApplied() {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%-8s %s_%s\n", state, m.Name, m.Comment)
		}
	}
	return nil
}
