package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"offres/internal/offres"
)

// runKeys administers the recruiters' API keys.
func runKeys(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return fmt.Errorf("keys: create, list or delete: %w", errUsage)
	}
	var c common
	fs := newFlags("keys "+args[0], e)
	c.register(fs)
	name := fs.String("name", "", "who the key is for (create)")
	role := fs.String("role", offres.RoleRecruiter, "recruiter or analyst (create)")
	if err := c.parse(fs, args[1:], e); err != nil {
		return err
	}
	eng, _, err := c.open(ctx, e)
	if err != nil {
		return err
	}
	defer eng.Close()
	switch args[0] {
	case "create":
		k, token, err := eng.CreateKey(ctx, *name, *role)
		if err != nil {
			return fmt.Errorf("keys create: %v: %w", err, errUsage)
		}
		fmt.Fprintf(e.stdout, "key %s (%s, %s) — give this token once; it is not stored:\n%s\n", k.ID, k.Name, k.Role, token)
		return nil
	case "list":
		keys, err := eng.Keys(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNOM\tRÔLE\tCRÉÉE LE")
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, k.CreatedAt.Format("2006-01-02"))
		}
		return tw.Flush()
	case "delete":
		if fs.NArg() != 1 {
			return fmt.Errorf("keys delete: give the key id: %w", errUsage)
		}
		if err := eng.DeleteKey(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "key %s deleted, with its profiles\n", fs.Arg(0))
		return nil
	}
	return fmt.Errorf("keys: unknown %q: create, list or delete: %w", args[0], errUsage)
}
