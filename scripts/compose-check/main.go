// compose-check parses a Compose file with compose-go, the library `docker compose` itself loads files
// with: the compose-spec JSON schema, interpolation, and the references between services, networks,
// volumes, configs and secrets. It prints the normalized model (as `docker compose config` does) and
// exits non-zero with the loader's message on the first error. No Docker engine needed. Profiles come
// from COMPOSE_PROFILES, as with `docker compose`.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check FILE [FILE...]")
		os.Exit(64)
	}
	opts, err := cli.NewProjectOptions(os.Args[1:], cli.WithOsEnv, cli.WithDefaultProfiles(), cli.WithName("bss"),
		cli.WithConsistency(true))
	if err != nil {
		fail(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalYAML()
	if err != nil {
		fail(err)
	}
	_, _ = os.Stdout.Write(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "compose-check:", err)
	os.Exit(1)
}
