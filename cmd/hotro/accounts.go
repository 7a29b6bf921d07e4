package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"hotro/internal/account"
	"hotro/internal/auth"
	"hotro/internal/config"
)

// cliActor is who the audit trail records for changes made from the command line.
const cliActor = "cli"

// userCmd: hotro user add USERNAME --role R [--name N] [--wards C,C] | hotro user passwd USERNAME
// [--keep-tokens].
// The password is read from standard input (one line), never from a flag.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var role, displayName, wardList string
	var keepTokens bool
	cfg, rest, err := load(config.User, args, getenv, stdout,
		config.String("role", "ROLE", "role of a new account: admin, leader, analyst, ward_officer or supervisor", &role),
		config.String("name", "NAME", "the person's name as shown in the dashboard", &displayName),
		config.String("wards", "CODES", "for a ward officer: comma-separated official ward codes, e.g. 05431,05434", &wardList),
		config.Bool("keep-tokens", "passwd: leave the account's API tokens working (by default they end with its sessions)", &keepTokens))
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return errors.New("usage: hotro user add USERNAME --role ROLE [--name NAME] [--wards CODES] | hotro user passwd USERNAME [--keep-tokens] (password on standard input)")
	}
	action, username := rest[0], rest[1]
	log, d, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	svc := account.NewService(d, account.Options{})
	switch action {
	case "add":
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		var wards []string
		for _, w := range strings.Split(wardList, ",") {
			if w = strings.TrimSpace(w); w != "" {
				wards = append(wards, w)
			}
		}
		u, err := svc.CreateUser(ctx, account.NewUser{Username: username, DisplayName: displayName,
			Role: auth.Role(role), Password: password, WardCodes: wards}, cliActor)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created %s (%s)\n", u.Username, u.Role)
	case "passwd":
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, username, password, cliActor, account.PasswordChange{KeepTokens: keepTokens}); err != nil {
			return describe(err)
		}
		if keepTokens {
			fmt.Fprintf(stdout, "password of %s changed; its sessions are ended, its API tokens kept\n", username)
		} else {
			fmt.Fprintf(stdout, "password of %s changed; its sessions and API tokens are ended\n", username)
		}
	default:
		return fmt.Errorf("user: unknown action %q (add or passwd)", action)
	}
	return nil
}

// tokenCmd: hotro token create USERNAME NAME [--ttl D] | revoke USERNAME NAME | list USERNAME.
func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var ttl time.Duration
	cfg, rest, err := load(config.Token, args, getenv, stdout,
		config.Duration("ttl", "lifetime of a new token, e.g. 720h (0: no expiry)", &ttl))
	if err != nil {
		return err
	}
	if len(rest) < 2 {
		return errors.New("usage: hotro token create USERNAME NAME [--ttl 720h] | hotro token revoke USERNAME NAME | hotro token list USERNAME")
	}
	action, pos := rest[0], rest[1:]
	log, d, err := open(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := migrateUp(ctx, d, log); err != nil {
		return err
	}
	svc := account.NewService(d, account.Options{})
	switch {
	case action == "create" && len(pos) == 2:
		secret, err := svc.CreateToken(ctx, pos[0], pos[1], ttl, cliActor)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(stderr, "This token is shown once; keep it secret. Send it as: Authorization: Bearer <token>")
		fmt.Fprintln(stdout, secret)
	case action == "revoke" && len(pos) == 2:
		if err := svc.RevokeToken(ctx, pos[0], pos[1], cliActor); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "revoked %s/%s\n", pos[0], pos[1])
	case action == "list" && len(pos) == 1:
		ts, err := svc.Tokens(ctx, pos[0])
		if err != nil {
			return describe(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tPREFIX\tCREATED\tEXPIRES\tLAST USED\tSTATE")
		for _, t := range ts {
			state := "active"
			if t.RevokedAt != nil {
				state = "revoked"
			} else if t.ExpiresAt != nil && time.Now().After(*t.ExpiresAt) {
				state = "expired"
			}
			fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\t%s\n", t.Name, t.Prefix, t.CreatedAt.Format(time.DateOnly), when(t.ExpiresAt), when(t.LastUsedAt), state)
		}
		return tw.Flush()
	default:
		return fmt.Errorf("token: use create USERNAME NAME, revoke USERNAME NAME or list USERNAME")
	}
	return nil
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateOnly)
}

// readPassword reads one line from standard input.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", errors.New("no password on standard input (e.g. read -rs P; echo \"$P\" | hotro user add ...)")
	}
	return password, nil
}
