package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed moves a command's flags ahead of its arguments, so that
// `corescale resize photos/ --size 600x --out thumbs` reads as the same
// command with the flags first. urfave/cli v2 parses flags with Go's flag
// package, which stops at the first argument; it has no option to go on.
//
// Every token that starts with "-" (but "-" alone, which names stdin) is
// a flag, and a flag that takes a value and is not written --flag=value
// takes the next token as its value, whatever it looks like (--input -).
// "--" ends the flags: what follows is arguments, as before. The
// arguments are put after a "--", so that one named like a flag after a
// "--" stays an argument. args is the whole command line, program name
// first; lines whose second token is not one of commands are returned as
// they are. A flag that takes a value, last with none, is a usage error.
func interspersed(args []string, commands []*cli.Command) ([]string, error) {
	if len(args) < 3 {
		return args, nil
	}
	var cmd *cli.Command
	for _, c := range commands {
		if c.HasName(args[1]) {
			cmd = c
		}
	}
	if cmd == nil || cmd.SkipFlagParsing {
		return args, nil
	}
	flags := []string{args[0], args[1]}
	var rest []string
	tokens := args[2:]
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		switch {
		case t == "--":
			rest = append(rest, tokens[i+1:]...)
			i = len(tokens)
		case len(t) > 1 && t[0] == '-':
			flags = append(flags, t)
			name, _, hasValue := strings.Cut(strings.TrimLeft(t, "-"), "=")
			if !hasValue && takesValue(cmd, name) {
				if i+1 == len(tokens) {
					// Moved ahead of the arguments, it would take the "--"
					// put before them as its value.
					return nil, usageErrorf("flag %s needs a value (see corescale %s --help)", t, cmd.Name)
				}
				i++
				flags = append(flags, tokens[i])
			}
		default:
			rest = append(rest, t)
		}
	}
	if len(rest) == 0 {
		return flags, nil
	}
	return append(append(flags, "--"), rest...), nil
}

// takesValue reports whether cmd has a flag called name that takes a value
// (every kind but a boolean).
func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}
